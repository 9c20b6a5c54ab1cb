// Concatenate: inputs planned to write into their slice of its buffer (fusion.ts) cost nothing;
// the others are copied into their slice, on any axis.
import type { NodeReport } from '../../graph/analyze.ts';
import type { ConcatenateAttrs } from '../../ops/concatenate.ts';
import { attrsOf, type LoweringContext } from '../context.ts';
import type { View } from '../plan.ts';
import { copy } from './elementwise.ts';

export function lowerConcatenate(r: NodeReport, ctx: LoweringContext): void {
  const y = ctx.output(r);
  const rank = y.shape.length;
  const axis = (attrsOf<ConcatenateAttrs>(r).axis + rank) % rank;
  let offset = 0;
  for (const input of r.inputs) {
    const x = ctx.input(input);
    const slice: View = { ...y, offset: y.offset + offset * y.strides[axis], shape: x.shape };
    const inPlace = x.alloc === slice.alloc && x.offset === slice.offset && x.strides.every((s, i) => s === slice.strides[i]);
    if (!inPlace) copy(ctx, r.id, x, slice);
    offset += x.shape[axis];
  }
}
