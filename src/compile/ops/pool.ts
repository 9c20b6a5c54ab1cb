// MaxPool2D and AveragePool2D (shaders/pool2d.wgsl; a ZeroPadding2D before a 'valid' pool folds into
// it), GlobalAveragePool2D and GlobalMaxPool2D (global-pool2d.wgsl), and MaxPoolWithArgmax2D
// (pool2d-argmax.wgsl: ONNX MaxPool's dilations and Indices output).
import type { NodeReport } from '../../graph/analyze.ts';
import type { Padding } from '../../ops/geometry.ts';
import { window2d } from '../../ops/geometry.ts';
import type { AveragePool2DAttrs } from '../../ops/average-pool2d.ts';
import { argmaxGeometry, type MaxPoolWithArgmax2DAttrs } from '../../ops/max-pool-with-argmax2d.ts';
import { OpError } from '../../ops/op.ts';
import { attrsOf, type LoweringContext } from '../context.ts';
import { pixelView } from '../plan.ts';

/** Outputs per invocation of pool2d.wgsl, down a column (its ROWS). */
const POOL_ROWS = 4;

export function lowerPool2D(r: NodeReport, ctx: LoweringContext): void {
  const a = attrsOf<AveragePool2DAttrs>(r);
  const { id: inputId, pad: [[padT, padB], [padL, padR]] } = ctx.paddedInput(r);
  const folded = ctx.fusion.foldedPads.has(r.id);
  const x = ctx.pixels(r.id, ctx.input(inputId));
  const [N, H, W, C] = x.view.shape;
  const strides = a.strides ?? a.pool_size;
  const [wh, ww] = window2d(r.op, [H + padT + padB, W + padL + padR, C], a.pool_size, strides, [1, 1], a.padding as Padding, a.ceil_mode);
  [wh.padBefore, wh.padAfter, ww.padBefore, ww.padAfter] = [wh.padBefore + padT, wh.padAfter + padB, ww.padBefore + padL, ww.padAfter + padR];
  const yv = ctx.output(r);
  const y = pixelView(yv)!;
  const vec4 = [C, x.stride, x.offset, y.stride, y.offset].every((n) => n % 4 === 0);
  ctx.step({
    node: r.id, kernel: 'pool2d',
    overrides: { IS_MAX: r.op === 'MaxPool2D', COUNT_INCLUDE_PAD: !!a.count_include_pad || folded, VEC4: vec4, ZERO_PAD: folded && r.op === 'MaxPool2D' },
    bindings: { x: x.binding, y: { kind: 'view', view: yv } },
    params: {
      N, H, W, C, xStride: x.stride, xOffset: x.offset, OH: wh.out, OW: ww.out, yStride: y.stride, yOffset: y.offset,
      KH: a.pool_size[0], KW: a.pool_size[1], SH: strides[0], SW: strides[1], padTop: wh.padBefore, padLeft: ww.padBefore,
      paddedH: H + wh.padBefore + wh.padAfter, paddedW: W + ww.padBefore + ww.padAfter,
    },
    // One invocation per POOL_ROWS outputs down a column (pool2d.wgsl ROWS), 4 channels with vec4.
    workgroups: Math.ceil((N * Math.ceil(wh.out / POOL_ROWS) * ww.out * C) / (vec4 ? 256 : 64)),
    // Its share of a run's time where there are no timestamps (engine.ts timings), on the conv's scale
    // (64 multiply-adds sharing ~16 loads): 16 taps of a window.
    work: (N * wh.out * ww.out * C * a.pool_size[0] * a.pool_size[1]) / 16,
  });
}

export function lowerGlobalPool2D(r: NodeReport, ctx: LoweringContext): void {
  const x = ctx.pixels(r.id, ctx.input(r.inputs[0]));
  const [N, H, W, C] = x.view.shape;
  const yv = ctx.output(r);
  const y = pixelView(yv)!;
  ctx.step({
    node: r.id, kernel: 'globalPool2d', overrides: { IS_MAX: r.op === 'GlobalMaxPool2D' },
    bindings: { x: x.binding, y: { kind: 'view', view: yv } },
    params: { N, HW: H * W, C, xStride: x.stride, xOffset: x.offset, yStride: y.stride, yOffset: y.offset },
    workgroups: Math.ceil((N * C) / 64),
  });
}

export function lowerMaxPoolWithArgmax2D(r: NodeReport, ctx: LoweringContext): void {
  const a = attrsOf<MaxPoolWithArgmax2DAttrs>(r);
  const x = ctx.pixels(r.id, ctx.input(r.inputs[0])), yv = ctx.output(r);
  const [N, H, W, C] = x.view.shape, { h, w, strides } = argmaxGeometry([H, W, C], a);
  if (a.output === 'indices' && N * H * W * C > 2 ** 24) throw new OpError(`indices of a batch of ${N} × ${H}×${W}×${C} go beyond 2^24, which float32 cannot hold exactly`, 'run a smaller batch');
  ctx.step({
    node: r.id, kernel: 'pool2dArgmax', overrides: { INDICES: a.output === 'indices', ORDER: ['nhwc', 'nchw', 'ncwh'].indexOf(a.index_order) },
    bindings: { x: x.binding, y: { kind: 'view', view: yv } },
    params: {
      N, H, W, C, xStride: x.stride, xOffset: x.offset, OH: h.out, OW: w.out, yOffset: yv.offset, KH: a.pool_size[0], KW: a.pool_size[1],
      SH: strides[0], SW: strides[1], DH: a.dilation_rate[0], DW: a.dilation_rate[1], padTop: h.padBefore, padLeft: w.padBefore,
    },
    workgroups: Math.ceil((N * h.out * w.out * C) / 64),
  });
}
