// The ops that are the identity at inference (Dropout, RandomFlip, RandomTranslation), Flatten and
// Reshape: views of their input, no dispatch — but a strided input (a concat slice) is made contiguous
// first for Flatten and Reshape, so the new shape's strides hold.
import type { NodeReport } from '../../graph/analyze.ts';
import { stridesOf } from '../../tensor.ts';
import type { LoweringContext } from '../context.ts';
import { isContiguous } from '../plan.ts';

export function lowerIdentity(r: NodeReport, ctx: LoweringContext): void {
  ctx.alias(r, ctx.input(r.inputs[0]));
}

export function lowerReshape(r: NodeReport, ctx: LoweringContext): void {
  let x = ctx.input(r.inputs[0]);
  if (!isContiguous(x)) x = ctx.copyContiguous(r.id, x);
  const shape = [ctx.batch, ...r.shape!];
  ctx.alias(r, { ...x, shape, strides: stridesOf(shape) });
}
