// ChannelSlice: a strided copy of channels start … end − 1 per pixel, by the channel-shuffle kernel with
// one group (output channel c reads input channel c of the view starting at `start`). It reads and
// writes channel views, so it can read a concat slice and write into one, as ChannelShuffle does.
import type { NodeReport } from '../../graph/analyze.ts';
import type { ChannelSliceAttrs } from '../../ops/channel-slice.ts';
import { attrsOf, type LoweringContext } from '../context.ts';
import { pixelView } from '../plan.ts';

export function lowerChannelSlice(r: NodeReport, ctx: LoweringContext): void {
  const { start, end } = attrsOf<ChannelSliceAttrs>(r);
  const x = ctx.pixels(r.id, ctx.input(r.inputs[0])), yv = ctx.output(r), y = pixelView(yv)!;
  ctx.step({
    node: r.id, kernel: 'channelShuffle', overrides: {},
    bindings: { x: x.binding, y: { kind: 'view', view: yv } },
    params: { pixels: x.pixels, C: end - start, G: 1, xStride: x.stride, xOffset: x.offset + start, yStride: y.stride, yOffset: y.offset },
    workgroups: Math.ceil((x.pixels * (end - start)) / 64),
  });
}
