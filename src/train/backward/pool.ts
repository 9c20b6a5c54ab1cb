// Backward of MaxPool2D, AveragePool2D and MaxPoolWithArgmax2D (the max recomputed per (dilated)
// window, the average's divisor as the forward counts it; the argmax's indices pass no gradient):
// pool2d-backward-blocks.wgsl where the windows do not overlap, else pool2d-backward.wgsl; and of the
// global pools (global-pool2d-backward.wgsl).
import type { NodeReport } from '../../graph/analyze.ts';
import { attrsOf } from '../../compile/context.ts';
import { pixelView } from '../../compile/plan.ts';
import type { AveragePool2DAttrs } from '../../ops/average-pool2d.ts';
import { argmaxGeometry, type MaxPoolWithArgmax2DAttrs } from '../../ops/max-pool-with-argmax2d.ts';
import { window2d, type Padding } from '../../ops/geometry.ts';
import { groupsOf, offsetView, view, type BackwardContext } from './context.ts';

const MODE = { MAX: 0, AVERAGE: 1, NONE: 2 } as const;

export function pool2dBackward(r: NodeReport, b: BackwardContext): void {
  if (!b.needsGrad(r.inputs[0])) return;
  const a = attrsOf<AveragePool2DAttrs & Partial<MaxPoolWithArgmax2DAttrs>>(r);
  const xv = b.forward(r.inputs[0]);
  const x = pixelView(xv)!;
  const [N, H, W, C] = xv.shape;
  const argmax = r.op === 'MaxPoolWithArgmax2D';
  const strides = a.strides ?? a.pool_size;
  const dilation = argmax ? a.dilation_rate! : [1, 1];
  const [wh, ww] = argmax ? (({ h, w }) => [h, w])(argmaxGeometry([H, W, C], a as MaxPoolWithArgmax2DAttrs))
    : window2d(r.op, [H, W, C], a.pool_size, strides, [1, 1], a.padding as Padding, a.ceil_mode);
  const mode = r.op === 'AveragePool2D' ? MODE.AVERAGE : argmax && a.output === 'indices' ? MODE.NONE : MODE.MAX;
  const to = b.gradIn(r.inputs[0]);
  const [KH, KW] = a.pool_size;
  const [SH, SW] = strides;
  const common = {
    N, H, W, C, xStride: x.stride, xOffset: x.offset, OH: wh.out, OW: ww.out, KH, KW, SH, SW,
    paddedH: H + wh.padBefore + wh.padAfter, paddedW: W + ww.padBefore + ww.padAfter,
  };
  const overrides = { MODE: mode, COUNT_INCLUDE_PAD: !!a.count_include_pad, ACCUMULATE: to.accumulate };
  const bindings = { dy: view(b.gradOut(r.id)), x: offsetView(xv), dx: view(to.view) };
  // Windows apart (the usual 2×2 stride 2): one invocation per stride block, no search per value.
  const apart = mode !== MODE.NONE && dilation[0] === 1 && dilation[1] === 1 && SH >= KH && SW >= KW && wh.padBefore === 0 && ww.padBefore === 0;
  if (apart) {
    const BH = Math.max(wh.out, Math.ceil(H / SH));
    const BW = Math.max(ww.out, Math.ceil(W / SW));
    b.lowering.step({
      node: r.id, kernel: 'pool2dBackwardBlocks', overrides, bindings,
      params: { ...common, BH, BW }, workgroups: groupsOf(N * BH * BW * C),
    });
    return;
  }
  b.lowering.step({
    node: r.id, kernel: 'pool2dBackward', overrides, bindings,
    params: { ...common, DH: dilation[0], DW: dilation[1], padTop: wh.padBefore, padLeft: ww.padBefore },
    workgroups: groupsOf(N * H * W * C),
  });
}

export function globalPool2dBackward(r: NodeReport, b: BackwardContext): void {
  if (!b.needsGrad(r.inputs[0])) return;
  const xv = b.forward(r.inputs[0]);
  const x = pixelView(xv)!;
  const [N, H, W, C] = xv.shape;
  const to = b.gradIn(r.inputs[0]);
  b.lowering.step({
    node: r.id, kernel: 'globalPool2dBackward', overrides: { IS_MAX: r.op === 'GlobalMaxPool2D', ACCUMULATE: to.accumulate },
    bindings: { dy: view(b.gradOut(r.id)), x: offsetView(xv), dx: view(to.view) },
    params: { N, HW: H * W, C, xStride: x.stride, xOffset: x.offset },
    workgroups: groupsOf(N * H * W * C),
  });
}
