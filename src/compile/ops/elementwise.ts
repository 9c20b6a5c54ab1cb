// shaders/elementwise.wgsl as a step: y = POST(OP(a, b))·scale over strided views of up to 4 dims,
// broadcasting size-1 dims of the operands (aligned right, as Keras' merges). Merges, concat copies,
// ZeroPadding2D and Cropping2D interiors and strided → contiguous copies all lower to it.
import { OpError } from '../../ops/op.ts';
import { formatShape, sizeOf } from '../../tensor.ts';
import { activationOverrides, LINEAR, type ActivationCode } from '../activation-codes.ts';
import type { LoweringContext } from '../context.ts';
import { ELEMENTWISE_OP, type ElementwiseOp } from '../elementwise-ops.ts';
import type { View } from '../plan.ts';

export interface ElementwiseStep {
  node: string;
  op: ElementwiseOp;
  operands: View[];
  y: View;
  /** The activation after the operation (a merge's fused activation); default linear. */
  post?: ActivationCode;
  scale?: number;
  /** A range of y's buffer to zero first (ZeroPadding2D's border). */
  clear?: View;
  /** Read `a` from y itself: the 3rd, 4th… input of a merge. */
  accumulate?: boolean;
  fused?: string[];
}

export function elementwise(ctx: LoweringContext, { node, op, operands, y, post = LINEAR, scale = 1, clear, accumulate = false, fused = [] }: ElementwiseStep): void {
  const rank = y.shape.length;
  if (rank > 4) throw new OpError(`${formatShape(y.shape.slice(1))} has more than 3 axes besides the batch; the WebGPU merge kernels take up to 3`);
  const pad = (arr: number[], fill: number) => [...new Array(4 - arr.length).fill(fill), ...arr];
  const dims = pad(y.shape, 1);
  const strides = (v: View) => {
    // Align the operand's non-batch axes to the right of y's, then broadcast its size-1 axes.
    const shape = [v.shape[0], ...new Array(rank - v.shape.length).fill(1), ...v.shape.slice(1)];
    const st = [v.strides[0], ...new Array(rank - v.shape.length).fill(0), ...v.strides.slice(1)];
    return pad(shape.map((d, i) => (d === 1 && y.shape[i] !== 1 ? 0 : st[i])), 0);
  };
  const [a, b] = [operands[0], operands[1] ?? operands[0]];
  const [sa, sb] = [strides(a), strides(b)];
  const sy = pad(y.strides, 0);
  ctx.step({
    node, fused, kernel: 'elementwise', overrides: { OP: ELEMENTWISE_OP[op], ACCUMULATE: accumulate, ...activationOverrides('POST', post) },
    bindings: { a: { kind: 'view', view: a }, b: { kind: 'view', view: b }, y: { kind: 'view', view: y } },
    params: {
      D0: dims[0], D1: dims[1], D2: dims[2], D3: dims[3],
      aS0: sa[0], aS1: sa[1], aS2: sa[2], aS3: sa[3], aOffset: a.offset,
      bS0: sb[0], bS1: sb[1], bS2: sb[2], bS3: sb[3], bOffset: b.offset,
      yS0: sy[0], yS1: sy[1], yS2: sy[2], yS3: sy[3], yOffset: y.offset, scale,
    },
    workgroups: Math.ceil(sizeOf(y.shape) / 64),
    clear,
  });
}

/** A copy of `x` into `y` (a concat slice, a contiguous buffer, a padded interior). */
export function copy(ctx: LoweringContext, node: string, x: View, y: View, clear?: View): void {
  elementwise(ctx, { node, op: 'copy', operands: [x], y, clear });
}
