// Backward of the elementwise merges — Add, Subtract, Average, Multiply, Maximum, Minimum, Divide — of
// any number of inputs, broadcasting as Keras does (merge-backward.wgsl): each input's gradient is
// its share of dy summed over the axes it was stretched along. Multiply of more than two inputs
// sends input k dy times the others' product, made first in a scratch of the output's shape by the
// forward's elementwise kernel; Maximum and Minimum give each output element's gradient to the first
// input equal to the output, every input in order claiming what it won.
import type { NodeReport } from '../../graph/analyze.ts';
import { elementwise } from '../../compile/ops/elementwise.ts';
import type { View } from '../../compile/plan.ts';
import { OpError } from '../../ops/op.ts';
import { formatShape } from '../../tensor.ts';
import { elements, groupsOf, offsetView, view, type BackwardContext, type GradientTarget } from './context.ts';

const MODE = { SCALE: 0, MUL: 1, WINNER: 2, DIV_NUMERATOR: 3, DIV_DENOMINATOR: 4 } as const;

/** Axes the merge kernels address (the batch and three more), as the forward's elementwise kernel. */
const RANK = 4;
const pad = (values: readonly number[], fill: number) => [...new Array<number>(RANK - values.length).fill(fill), ...values];

/** `v`'s shape aligned right to `out`'s axes (batch first), 1 where it has none: how dx is laid out. */
function alignedShape(v: View, out: readonly number[]): number[] {
  return pad([v.shape[0], ...new Array<number>(out.length - v.shape.length).fill(1), ...v.shape.slice(1)], 1);
}

/** `v`'s strides in the index space of `out`: its own where it has the axis at full size, 0 where it broadcasts. */
function stridesIn(v: View, out: readonly number[]): number[] {
  const lead = out.length - v.shape.length;
  const shape = [v.shape[0], ...new Array<number>(lead).fill(1), ...v.shape.slice(1)];
  const strides = [v.strides[0], ...new Array<number>(lead).fill(0), ...v.strides.slice(1)];
  return pad(shape.map((d, i) => (d === 1 && out[i] !== 1 ? 0 : strides[i])), 0);
}

const named = (prefix: string, values: number[]) => Object.fromEntries(values.map((v, i) => [`${prefix}${i}`, v]));

export function mergeBackward(r: NodeReport, b: BackwardContext): void {
  const y = b.forward(r.id);
  const out = y.shape;
  if (out.length > RANK)
    throw new OpError(`${r.op} of ${formatShape(out.slice(1))} tensors cannot be trained on the GPU: its kernels take up to 3 axes besides the batch`, 'Flatten or Reshape the inputs first');
  const dy = b.gradOut(r.id);
  const l = b.lowering;
  const ins = r.inputs.map((id) => b.forward(id));
  const n = r.inputs.length;
  const winner = r.op === 'Maximum' || r.op === 'Minimum';
  // Maximum/Minimum: which output elements an earlier input already won; every input up to the last
  // one that needs its gradient claims its share, in order.
  const claimed = winner ? l.scratch(r.id, elements(dy)) : null;
  const lastNeeded = r.inputs.reduce((last, id, k) => (b.needsGrad(id) ? k : last), -1);
  for (let k = 0; k < n; k++) {
    const needed = b.needsGrad(r.inputs[k]);
    if (!needed && !(winner && k < lastNeeded)) continue;
    let mode: number = MODE.SCALE;
    let scale = 1;
    let a = y, other = y;
    if (r.op === 'Average') scale = 1 / n;
    else if (r.op === 'Subtract' && k === 1) scale = -1;
    else if (r.op === 'Multiply') [mode, other] = [MODE.MUL, othersProduct(r, b, ins, k)];
    else if (winner) [mode, a] = [MODE.WINNER, ins[k]];
    else if (r.op === 'Divide') [mode, a, other] = k === 0 ? [MODE.DIV_NUMERATOR, y, ins[1]] : [MODE.DIV_DENOMINATOR, ins[1], ins[0]];
    const to: GradientTarget = needed ? b.gradIn(r.inputs[k]) : { view: l.contiguous(`${r.id}/claims`, ins[k].shape.slice(1)), accumulate: false };
    const [as, bs, ys] = [stridesIn(a, out), stridesIn(other, out), stridesIn(y, out)];
    l.step({
      node: r.id, kernel: 'mergeBackward', overrides: { MODE: mode, ACCUMULATE: to.accumulate },
      ...(claimed && k === 0 ? { clear: claimed } : {}),
      bindings: {
        dy: view(dy), a: offsetView(a), b: offsetView(other), y: offsetView(y),
        claimed: claimed ? view(claimed) : { kind: 'none' }, dx: view(to.view),
      },
      params: {
        ...named('D', pad(out, 1)), ...named('E', alignedShape(ins[k], out)),
        ...named('aS', as), aOffset: a.offset, ...named('bS', bs), bOffset: other.offset, ...named('yS', ys), yOffset: y.offset, scale,
      },
      workgroups: groupsOf(elements(to.view)),
    });
  }
}

/** Multiply's ∂y/∂x_k: the other input, or the others' product (broadcast to the output's shape) in a scratch. */
function othersProduct(r: NodeReport, b: BackwardContext, ins: View[], k: number): View {
  const others = ins.filter((_, j) => j !== k);
  if (others.length === 1) return others[0];
  const t = b.lowering.contiguous(`${r.id}/others`, r.shape!);
  elementwise(b.lowering, { node: r.id, op: 'multiply', operands: [others[0], others[1]], y: t });
  // The 3rd, 4th… factor multiplies what is there (the kernel reads `a` from t itself).
  for (const o of others.slice(2)) elementwise(b.lowering, { node: r.id, op: 'multiply', operands: [o, o], y: t, accumulate: true });
  return t;
}
