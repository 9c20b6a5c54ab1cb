// LayerNormalization over the channels of each position (shaders/layer-norm.wgsl): one invocation per
// row, reading a strided input (a concat slice) and writing a strided output.
import type { NodeReport } from '../../graph/analyze.ts';
import type { LayerNormalizationAttrs } from '../../ops/layer-normalization.ts';
import { attrsOf, type LoweringContext } from '../context.ts';
import { pixelView, type Binding } from '../plan.ts';

export function lowerLayerNormalization(r: NodeReport, ctx: LoweringContext): void {
  const a = attrsOf<LayerNormalizationAttrs>(r);
  const w = ctx.weights(r.id);
  const x = ctx.pixels(r.id, ctx.input(r.inputs[0]));
  const yv = ctx.output(r), y = pixelView(yv)!;
  const none: Binding = { kind: 'none' };
  ctx.step({
    node: r.id, kernel: 'layerNorm', overrides: { HAS_GAMMA: a.scale, HAS_BETA: a.center },
    bindings: {
      x: x.binding, gamma: a.scale ? ctx.constant(w.gamma.data) : none, beta: a.center ? ctx.constant(w.beta.data) : none,
      y: { kind: 'view', view: yv },
    },
    params: { rows: x.pixels, C: x.channels, xStride: x.stride, xOffset: x.offset, yStride: y.stride, yOffset: y.offset, epsilon: a.epsilon },
    workgroups: Math.ceil(x.pixels / 64),
  });
}
