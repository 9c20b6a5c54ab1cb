// Shared by the elementwise merges (Add, Subtract, Multiply, Average, Maximum, Minimum): Keras'
// broadcasting rule — shapes align from the right and a dimension of 1 stretches, so a 1×1×C
// squeeze-excite scale multiplies an H×W×C map. Reference: keras Merge._compute_elemwise_op_output_shape.
import type { Shape } from '../graph/types.ts';
import { formatShape, sizeOf, stridesOf, tensor, type Tensor } from '../tensor.ts';
import { OpError, type Gradients } from './op.ts';

/** The broadcast output shape of a merge's inputs (no batch); throws an OpError naming every shape. */
export function broadcastShapes(op: string, shapes: readonly Shape[]): Shape {
  if (shapes.length < 2)
    throw new OpError(`${op} merges at least 2 tensors, got ${shapes.length}`, 'connect another tensor to it');
  let out: Shape = shapes[0];
  for (const s of shapes.slice(1)) {
    const next = broadcastPair(out, s);
    if (next) out = next;
    else throw new OpError(`${op} needs equal shapes: ${shapes.map(formatShape).join(' vs ')}`, mismatchHint(out, s));
  }
  return out;
}

function broadcastPair(a: Shape, b: Shape): Shape | null {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1, db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) return null;
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** What to do about two shapes that do not broadcast: the fix differs for channels and for H×W. */
function mismatchHint(a: Shape, b: Shape): string {
  const clash = (x: number, y: number) => x !== y && x !== 1 && y !== 1;
  if (a.length === b.length && a.length >= 2) {
    const sa = a.slice(0, -1), sb = b.slice(0, -1);
    if (sa.some((d, i) => clash(d, sb[i])))
      return `the spatial sizes differ (${formatShape(sa)} vs ${formatShape(sb)}): match the strides or add a pooling layer`;
    return 'insert a 1×1 Conv2D projection';
  }
  if (a.length === 1 && b.length === 1) return 'insert a Dense layer to project one onto the size of the other';
  return 'shapes must match, or have 1 where they differ (aligned from the right, as in numpy)';
}

/**
 * Folds the inputs elementwise with broadcasting, in float64: `fold(acc, v)` starts from the first
 * input's value; `finish(acc, count)` (Average) runs last. Batches must be equal or 1.
 */
export function mergeReference(
  op: string, inputs: readonly Tensor[],
  fold: (acc: number, v: number) => number, finish: (acc: number, count: number) => number = (acc) => acc,
): Tensor {
  const { shape, visit } = broadcastWalk(op, inputs);
  const y = tensor(shape);
  visit((o, offsets) => {
    let acc = inputs[0].data[offsets[0]];
    for (let k = 1; k < inputs.length; k++) acc = fold(acc, inputs[k].data[offsets[k]]);
    y.data[o] = finish(acc, inputs.length);
  });
  return y;
}

/**
 * A merge's reference gradients: `partials` gives ∂y/∂(input k) at one output element from the inputs'
 * values there; a broadcast input sums the gradients of every output element it fed.
 */
export function mergeBackward(op: string, inputs: readonly Tensor[], dy: Tensor, partials: (values: number[]) => number[]): Gradients {
  const { visit } = broadcastWalk(op, inputs);
  const sums = inputs.map((t) => new Float64Array(t.data.length));
  visit((o, offsets) => {
    const p = partials(inputs.map((t, k) => t.data[offsets[k]]));
    for (let k = 0; k < inputs.length; k++) sums[k][offsets[k]] += p[k] * dy.data[o];
  });
  return { inputs: inputs.map((t, k) => tensor(t.shape, sums[k])), weights: {} };
}

/** The merged output's shape, and a walk over its elements with each input's offset (0-stride where it broadcasts). */
function broadcastWalk(op: string, inputs: readonly Tensor[]) {
  const batches = inputs.map((t) => t.shape[0]);
  const N = Math.max(...batches);
  if (batches.some((b) => b !== N && b !== 1))
    throw new OpError(`${op} needs equal batch sizes, got ${batches.join(', ')}`);
  const outShape = [N, ...broadcastShapes(op, inputs.map((t) => t.shape.slice(1)))];
  const rank = outShape.length;
  // Each input's strides in the output's index space: 0 along a stretched (size-1 or missing) axis.
  const strides = inputs.map((t) => {
    const own = stridesOf(t.shape);
    const s = new Array<number>(rank).fill(0);
    s[0] = t.shape[0] === 1 ? 0 : own[0];
    for (let i = 1; i < t.shape.length; i++) {
      const at = rank - (t.shape.length - i);
      s[at] = t.shape[i] === 1 ? 0 : own[i];
    }
    return s;
  });
  const visit = (f: (o: number, offsets: number[]) => void) => {
    const index = new Array<number>(rank).fill(0);
    const offsets = new Array<number>(inputs.length).fill(0);
    for (let o = 0; o < sizeOf(outShape); o++) {
      f(o, offsets);
      // Odometer step over the output index, moving every input's offset along.
      for (let d = rank - 1; d >= 0; d--) {
        index[d]++;
        for (let k = 0; k < inputs.length; k++) offsets[k] += strides[k][d];
        if (index[d] < outShape[d]) break;
        for (let k = 0; k < inputs.length; k++) offsets[k] -= strides[k][d] * outShape[d];
        index[d] = 0;
      }
    }
  };
  return { shape: outShape, visit };
}

/** One operation per extra input per output element: `inputs − 1` adds for an Add of n tensors. */
export function mergeFlops(inputs: readonly Shape[], output: Shape): number {
  return (inputs.length - 1) * sizeOf(output);
}
