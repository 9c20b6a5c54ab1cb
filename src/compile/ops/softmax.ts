// Softmax on the channel axis (shaders/softmax.wgsl, also a conv's or an Activation's 'softmax'), or on
// another axis over outer × C × inner (shaders/softmax-axis.wgsl; src/ops/softmax.ts).
import type { NodeReport } from '../../graph/analyze.ts';
import { softmaxAxis, type SoftmaxAttrs } from '../../ops/softmax.ts';
import { sizeOf } from '../../tensor.ts';
import { attrsOf, type LoweringContext } from '../context.ts';
import { isContiguous, pixelView, type View } from '../plan.ts';

export function lowerSoftmax(r: NodeReport, ctx: LoweringContext): void {
  const x = ctx.input(r.inputs[0]), axis = softmaxAxis(r.shape!, attrsOf<SoftmaxAttrs>(r).axis);
  if (axis === x.shape.length - 1) return channelSoftmax(r, ctx);
  const xc = isContiguous(x) ? x : ctx.copyContiguous(r.id, x), yv = ctx.output(r);
  const outer = sizeOf(x.shape.slice(0, axis)), inner = sizeOf(x.shape.slice(axis + 1));
  ctx.step({
    node: r.id, kernel: 'softmaxAxis', overrides: {},
    bindings: { x: { kind: 'view', view: xc }, y: { kind: 'view', view: yv } },
    params: { outer, C: x.shape[axis], inner, xOffset: xc.offset, yOffset: yv.offset },
    workgroups: Math.ceil((outer * inner) / 64),
  });
}

/** Softmax over the channels of `r`'s input 0 into `r`'s output. */
export function channelSoftmax(r: NodeReport, ctx: LoweringContext): void {
  softmaxInto(ctx, r.id, ctx.pixels(r.id, ctx.input(r.inputs[0])).view, ctx.output(r));
}

export function softmaxInto(ctx: LoweringContext, node: string, xv: View, yv: View): void {
  const x = pixelView(xv)!, y = pixelView(yv)!;
  ctx.step({
    node, kernel: 'softmax', overrides: {},
    bindings: { x: { kind: 'view', view: xv }, y: { kind: 'view', view: yv } },
    params: { rows: x.pixels, C: x.channels, xStride: x.stride, xOffset: x.offset, yStride: y.stride, yOffset: y.offset },
    workgroups: Math.ceil(x.pixels / 64),
  });
}
