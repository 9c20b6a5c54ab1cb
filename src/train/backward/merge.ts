// Backward of the merges whose gradient depends on the operands (merge-backward.wgsl): a two-input
// Multiply (dy·other), Maximum and Minimum (dy to the first input equal to the output), Divide.
import type { NodeReport } from '../../graph/analyze.ts';
import { OpError } from '../../ops/op.ts';
import { formatShape } from '../../tensor.ts';
import { elements, groupsOf, view, type BackwardContext } from './context.ts';

const MODE = { MUL: 0, WINNER: 1, DIV_NUMERATOR: 2, DIV_DENOMINATOR: 3 } as const;

export function mergeBackward(r: NodeReport, b: BackwardContext): void {
  for (const id of r.inputs)
    if (formatShape(b.node(id).shape!) !== formatShape(r.shape!))
      throw new OpError(`${r.op} of a broadcast input ${formatShape(b.node(id).shape!)} cannot be trained on the GPU yet`, 'give every input the same shape');
  if ((r.op === 'Multiply' || r.op === 'Divide') && r.inputs.length !== 2)
    throw new OpError(`${r.op} of ${r.inputs.length} inputs cannot be trained on the GPU yet`, 'merge two at a time');
  const dy = view(b.gradOut(r.id));
  const y = b.forward(r.id);
  const count = elements(y);
  const l = b.lowering;
  // Maximum/Minimum: which elements an earlier input already won (a scratch buffer zeroed first).
  const claimed = r.op === 'Maximum' || r.op === 'Minimum' ? l.scratch(r.id, count) : null;
  r.inputs.forEach((id, k) => {
    const other = r.inputs[1 - k];
    const needed = b.needsGrad(id);
    if (!needed && !claimed) return;
    const winner = !!claimed;
    const [mode, a, bb] = winner ? [MODE.WINNER, id, null]
      : r.op === 'Multiply' ? [MODE.MUL, id, other]
      : k === 0 ? [MODE.DIV_NUMERATOR, id, other] : [MODE.DIV_DENOMINATOR, id, null];
    const to = needed ? b.gradIn(id) : { view: l.scratch(r.id, count), accumulate: false };
    l.step({
      node: r.id, kernel: 'mergeBackward', overrides: { MODE: mode, ACCUMULATE: to.accumulate },
      ...(claimed && k === 0 ? { clear: claimed } : {}),
      bindings: {
        dy, a: view(b.forward(a)), b: bb ? view(b.forward(bb)) : view(y),
        claimed: claimed ? view(claimed) : { kind: 'none' }, dx: view(to.view),
      },
      params: { count }, workgroups: groupsOf(count),
    });
  });
}
