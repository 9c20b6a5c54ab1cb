// Backward of MaxPool2D and AveragePool2D (pool2d-backward.wgsl: the max recomputed per window, the
// average's divisor as the forward counts it; 4 values an invocation, 4 channels at once where they
// align, and one invocation per window where windows do not overlap) and of the global pools
// (global-pool2d-backward.wgsl).
import type { NodeReport } from '../../graph/analyze.ts';
import { attrsOf } from '../../compile/context.ts';
import { pixelView } from '../../compile/plan.ts';
import type { AveragePool2DAttrs } from '../../ops/average-pool2d.ts';
import { window2d, type Padding } from '../../ops/geometry.ts';
import { groupsOf, offsetView, view, type BackwardContext } from './context.ts';

export function pool2dBackward(r: NodeReport, b: BackwardContext): void {
  if (!b.needsGrad(r.inputs[0])) return;
  const a = attrsOf<AveragePool2DAttrs>(r);
  const xv = b.forward(r.inputs[0]);
  const x = pixelView(xv)!;
  const [N, H, W, C] = xv.shape;
  const strides = a.strides ?? a.pool_size;
  const [wh, ww] = window2d(r.op, [H, W, C], a.pool_size, strides, [1, 1], a.padding as Padding, a.ceil_mode);
  const to = b.gradIn(r.inputs[0]);
  const dy = view(b.gradOut(r.id));
  const vec = C % 4 === 0 && x.stride % 4 === 0 && x.offset % 4 === 0;
  const [KH, KW] = a.pool_size;
  // Windows that do not overlap: one invocation per window's 4 channels, writing its cells.
  const windows = vec && strides[0] >= KH && strides[1] >= KW;
  const covered = (n: number, size: number, out: number, stride: number, pad: number) =>
    Array.from({ length: n }, (_, i) => Math.floor((i + pad) / stride) < out && (i + pad) % stride < size).every(Boolean);
  const clear = windows && !to.accumulate && !(covered(H, KH, wh.out, strides[0], wh.padBefore) && covered(W, KW, ww.out, strides[1], ww.padBefore));
  b.lowering.step({
    node: r.id, kernel: 'pool2dBackward', ...(clear ? { clear: to.view } : {}),
    overrides: {
      IS_MAX: r.op === 'MaxPool2D', COUNT_INCLUDE_PAD: !!a.count_include_pad, ACCUMULATE: to.accumulate, VEC: vec, WINDOWS: windows,
    },
    bindings: { dy, dy4: dy, x: offsetView(xv), x4: offsetView(xv), dx: view(to.view) },
    params: {
      N, H, W, C, xStride: x.stride, xOffset: x.offset, OH: wh.out, OW: ww.out, KH, KW,
      SH: strides[0], SW: strides[1], padTop: wh.padBefore, padLeft: ww.padBefore,
      paddedH: H + wh.padBefore + wh.padAfter, paddedW: W + ww.padBefore + ww.padAfter,
    },
    workgroups: groupsOf(windows ? (N * wh.out * ww.out * C) / 4 : Math.ceil((N * H * W * C) / 4)),
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
