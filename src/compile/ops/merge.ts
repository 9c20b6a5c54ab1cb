// Add, Subtract, Multiply, Average, Maximum, Minimum, Divide: one elementwise step per extra input
// (the 3rd, 4th… accumulate into y), the activation after the merge folded into the last one
// (fusion.ts mergeActivations). Average scales the last step by 1/n.
import type { NodeReport } from '../../graph/analyze.ts';
import { activationOf, LINEAR } from '../activation-codes.ts';
import type { LoweringContext } from '../context.ts';
import { elementwise } from './elementwise.ts';

export function lowerMerge(r: NodeReport, ctx: LoweringContext): void {
  const postId = ctx.fusion.mergeActivations.get(r.id);
  const post = postId ? ctx.node(postId) : null;
  // With a fused activation the merge's own tensor is never kept: the activation's is written.
  const y = ctx.output(post ?? r);
  const ins = r.inputs.map((i) => ctx.input(i));
  const last = ins.length - 1;
  for (let k = 1; k <= last; k++) {
    const isLast = k === last;
    elementwise(ctx, {
      node: r.id, op: r.def!.gpu!.merge!, operands: [ins[0], ins[k]], y,
      post: isLast && post ? activationOf(post)! : LINEAR,
      scale: isLast && r.op === 'Average' ? 1 / ins.length : 1,
      accumulate: k > 1, fused: isLast && post ? [post.id] : [],
    });
  }
}
