// A merged value taken apart: each input's value at that position (Keras' broadcasting, src/ops/merge.ts),
// the input a Concatenate took it from, and the two vectors a Dot summed over (src/ops/dot.ts).
import { resolveAxis, type ConcatenateAttrs } from '../ops/concatenate.ts';
import { dotAxes, type DotAttrs } from '../ops/dot.ts';
import { stridesOf } from '../tensor.ts';
import { offsetOf } from './position.ts';
import type { DotExplanation, ExplainRequest, MergeExplanation, Operand, RunTensor } from './types.ts';

type Operation = MergeExplanation['operation'];

/** The elementwise merges: how their operands combine, in the order the op's reference folds them. */
const ELEMENTWISE: Record<string, { operation: Operation; combine: (v: number[]) => number; scale: (v: number[], total: number) => number }> = {
  Add: { operation: 'add', combine: (v) => v.reduce((s, x) => s + x), scale: (v) => v.reduce((s, x) => s + Math.abs(x), 0) },
  Subtract: { operation: 'subtract', combine: ([a, b]) => a - b, scale: (v) => v.reduce((s, x) => s + Math.abs(x), 0) },
  Average: { operation: 'average', combine: (v) => v.reduce((s, x) => s + x) / v.length, scale: (v) => v.reduce((s, x) => s + Math.abs(x), 0) / v.length },
  Multiply: { operation: 'multiply', combine: (v) => v.reduce((p, x) => p * x), scale: (_v, total) => Math.abs(total) },
  Divide: { operation: 'divide', combine: ([a, b]) => a / b, scale: (_v, total) => Math.abs(total) },
  Maximum: { operation: 'maximum', combine: (v) => Math.max(...v), scale: (_v, total) => Math.abs(total) },
  Minimum: { operation: 'minimum', combine: (v) => Math.min(...v), scale: (_v, total) => Math.abs(total) },
};

export const MERGE_OPS = [...Object.keys(ELEMENTWISE), 'Concatenate'];

/** Input `t`'s value under output position `at`, aligned from the right; a size-1 axis (or batch) broadcasts. */
function operandAt(index: number, input: RunTensor, image: number, at: readonly number[]): Operand {
  const shape = input.tensor.shape.slice(1);
  const own = shape.map((d, i) => (d === 1 ? 0 : at[at.length - shape.length + i]));
  const item = input.tensor.shape[0] === 1 ? 0 : image;
  return { index, id: input.id, name: input.name, at: own, value: input.tensor.data[offsetOf(input.tensor, item, own)] };
}

export function explainMerge(req: ExplainRequest & { image: number }): MergeExplanation {
  const { node, output, at, image } = req;
  const common = { kind: 'merge' as const, node: node.id, name: node.name, op: node.op, at, image, shape: output.shape.slice(1), value: output.data[offsetOf(output, image, at)] };
  if (node.op === 'Concatenate') {
    const axis = resolveAxis((node.attrs as unknown as ConcatenateAttrs).axis, common.shape);
    const offsets: number[] = [];
    let start = 0;
    for (const input of req.inputs) {
      offsets.push(start);
      start += input.tensor.shape[axis + 1];
    }
    const k = offsets.findLastIndex((o) => o <= at[axis]);
    const own = at.map((v, i) => (i === axis ? v - offsets[k] : v));
    const operand = operandAt(k, req.inputs[k], image, own);
    return { ...common, operation: 'concatenate', operands: [operand], concat: { axis, offsets }, total: operand.value, scale: Math.abs(operand.value) };
  }
  const rule = ELEMENTWISE[node.op];
  const operands = req.inputs.map((input, k) => operandAt(k, input, image, at));
  const values = operands.map((o) => o.value);
  const total = rule.combine(values);
  return { ...common, operation: rule.operation, operands, total, scale: rule.scale(values, total) };
}

/** Keras' l2_normalize floors the squared norm at 1e-12 (src/ops/dot.ts). */
const SQUARED_NORM_FLOOR = 1e-12;

export function explainDot(req: ExplainRequest & { image: number }): DotExplanation {
  const { node, output, at, image } = req;
  const a = node.attrs as unknown as DotAttrs;
  const [xIn, yIn] = req.inputs;
  const xs = xIn.tensor.shape.slice(1), ys = yIn.tensor.shape.slice(1);
  const [i, j] = dotAxes(xs, ys, a.axes);
  // The output is x's other axes, then y's ([1] when both are vectors).
  const xRest = at.slice(0, xs.length - 1), yRest = at.slice(xs.length - 1, xs.length - 1 + ys.length - 1);
  const K = xs[i];
  const vector = (input: RunTensor, rest: number[], axis: number, index: number) => {
    const start = [...rest.slice(0, axis), 0, ...rest.slice(axis)];
    const step = stridesOf(input.tensor.shape)[axis + 1];
    const first = offsetOf(input.tensor, image, start);
    const values = Array.from({ length: K }, (_, k) => input.tensor.data[first + k * step]);
    return { index, id: input.id, name: input.name, at: start, value: values[0], values };
  };
  const x = vector(xIn, xRest, i, 0), y = vector(yIn, yRest, j, 1);
  const products = x.values.map((u, k) => u * y.values[k]);
  const sum = products.reduce((s, p) => s + p, 0);
  const scale = products.reduce((s, p) => s + Math.abs(p), 0);
  const common = { kind: 'dot' as const, node: node.id, name: node.name, op: node.op, at, image, shape: output.shape.slice(1), value: output.data[offsetOf(output, image, at)], operands: [x, y] as DotExplanation['operands'], products, sum };
  if (!a.normalize) return { ...common, total: sum, scale };
  const norm = (v: number[]) => Math.sqrt(Math.max(v.reduce((s, u) => s + u * u, 0), SQUARED_NORM_FLOOR));
  const norms: [number, number] = [norm(x.values), norm(y.values)];
  return { ...common, norms, total: sum / (norms[0] * norms[1]), scale: scale / (norms[0] * norms[1]) };
}
