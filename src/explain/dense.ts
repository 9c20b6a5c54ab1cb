// A Dense unit's value taken apart: its inputs × weights, the largest by magnitude one by one and the rest
// summed, the bias and the activation (softmax over the units at that position). Reference: src/ops/dense.ts.
import type { DenseAttrs } from '../ops/dense.ts';
import { weight } from '../ops/op.ts';
import { activationStep } from './activation.ts';
import { offsetOf } from './position.ts';
import type { DenseExplanation, DenseTerm, ExplainRequest } from './types.ts';

/** How many contributions are listed one by one; the rest are summed. */
export const DENSE_TOP = 10;

export function explainDense(req: ExplainRequest & { image: number }): DenseExplanation {
  const { node, output, at, image, top = DENSE_TOP } = req;
  const a = node.attrs as unknown as DenseAttrs;
  const input = req.inputs[0];
  const IN = input.tensor.shape[input.tensor.shape.length - 1], U = a.units;
  // Dense acts on the last axis: the input row at the same leading position.
  const first = offsetOf(input.tensor, image, [...at.slice(0, -1), 0]);
  const row = input.tensor.data.subarray(first, first + IN);
  const k = weight(req.weights, 'kernel').data;
  const bias = a.use_bias ? weight(req.weights, 'bias').data : null;
  const unit = at[at.length - 1];
  const termsOf = (u: number): DenseTerm[] => Array.from(row, (v, i) => ({ index: i, input: v, weight: k[i * U + u], product: v * k[i * U + u] }));
  const sumOf = (terms: DenseTerm[], u: number) => terms.reduce((s, t) => s + t.product, bias ? bias[u] : 0);
  const terms = termsOf(unit);
  const preActivation = sumOf(terms, unit);
  const activation = activationStep(a.activation, preActivation, () => Array.from({ length: U }, (_, u) => (u === unit ? preActivation : sumOf(termsOf(u), u))));
  const ranked = [...terms].sort((p, q) => Math.abs(q.product) - Math.abs(p.product) || p.index - q.index);
  const rest = ranked.slice(top);
  return {
    kind: 'dense', node: node.id, name: node.name, op: node.op, at, image, shape: output.shape.slice(1),
    value: output.data[offsetOf(output, image, at)], total: activation.after,
    scale: terms.reduce((s, t) => s + Math.abs(t.product), Math.abs(bias?.[unit] ?? 0)),
    input: { id: input.id, name: input.name, size: IN },
    top: ranked.slice(0, top), rest: { count: rest.length, sum: rest.reduce((s, t) => s + t.product, 0) },
    bias: bias ? bias[unit] : null, preActivation, activation,
  };
}
