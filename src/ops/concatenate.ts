// Concatenate: joins tensors along one axis; Keras counts the batch as axis 0, so on H×W×C inputs
// 1 = H, 2 = W, 3 = C and −1 = C. Data movement only. Kernel: shaders/elementwise.wgsl (copy into
// a slice), or the producers' epilogues write straight into their channel slice.
import type { Shape } from '../graph/types.ts';
import { formatShape, sizeOf, tensor } from '../tensor.ts';
import { defineOp, OpError } from './op.ts';
import { isMap } from './field.ts';

export interface ConcatenateAttrs {
  axis: number;
}

const HWC = ['H', 'W', 'C'];

/** The concatenation axis as an index into the batchless shape (Keras axis − 1). */
export function resolveAxis(axis: number, shape: Shape): number {
  const R = shape.length + 1; // the batch counts in Keras' axes
  if (axis < -R || axis >= R)
    throw new OpError(
      `Concatenate axis ${axis} is out of range for ${formatShape(shape)} inputs`,
      `use 1 to ${R - 1}, or -1 to -${R - 1} from the end (Keras counts the batch as axis 0)`,
    );
  const a = axis < 0 ? axis + R : axis;
  if (a === 0)
    throw new OpError(
      `Concatenate cannot join along axis ${axis}: that is the batch`,
      shape.length === 3
        ? 'use axis -1 for channels (as Inception and DenseNet do), 1 for H or 2 for W; Keras counts the batch as axis 0'
        : `use 1 to ${R - 1}, or -1 for the last axis; Keras counts the batch as axis 0`,
    );
  return a - 1;
}

const axisName = (i: number, rank: number) => (rank === 3 ? HWC[i] : `axis ${i + 1}`);

export const Concatenate = defineOp<ConcatenateAttrs>({
  type: 'Concatenate',
  category: 'Merge',
  summary: 'Joins tensors along an axis (-1: channels, as Inception and DenseNet); the other axes must match',
  attrs: {
    axis: { kind: 'int', default: -1, doc: 'Keras counts the batch as axis 0: on H×W×C, 1 = H, 2 = W, 3 = C, -1 = C' },
  },
  // Keras accepts a single input (a copy); merging needs two
  arity: { min: 1, max: Infinity },
  field: ([x], a) => {
    const axis = 1 + resolveAxis(a.axis, x); // Keras' axis: the batch is 0
    if (axis === x.length || !isMap(x)) return 'merge';
    return { none: `Concatenate joins along ${axis === 1 ? 'H' : 'W'}: its ${axis === 1 ? 'rows' : 'columns'} come from different tensors, on no single grid` };
  },

  inferShape(inputs, a) {
    const first = inputs[0];
    const list = inputs.map(formatShape).join(' vs ');
    const odd = inputs.find((s) => s.length !== first.length);
    if (odd)
      throw new OpError(`Concatenate needs inputs of the same rank: ${list}`, 'Flatten or Reshape one of them first');
    const axis = resolveAxis(a.axis, first);
    const where = first.length === 3 ? `axis ${axis + 1} (${HWC[axis]})` : `axis ${axis + 1}`;
    for (const s of inputs)
      for (let d = 0; d < first.length; d++) {
        if (d === axis || s[d] === first[d]) continue;
        const name = axisName(d, first.length);
        const spatial = first.length === 3 && d < 2;
        throw new OpError(
          `Concatenate on ${where} needs every other axis equal: ${list} differ in ${name} (${first[d]} vs ${s[d]})`,
          spatial ? 'match the strides or add a pooling layer'
            : first.length === 3 ? 'insert a 1×1 Conv2D projection to match the channels'
            : `Reshape or project the inputs so that ${name} matches`,
        );
      }
    const out = [...first];
    out[axis] = inputs.reduce((n, s) => n + s[axis], 0);
    return out;
  },

  flops: () => 0,

  reference(inputs, _weights, a) {
    const batches = inputs.map((t) => t.shape[0]);
    if (batches.some((b) => b !== batches[0]))
      throw new OpError(`Concatenate needs equal batch sizes, got ${batches.join(', ')}`);
    const axis = 1 + resolveAxis(a.axis, inputs[0].shape.slice(1));
    const outShape = [batches[0], ...Concatenate.inferShape(inputs.map((t) => t.shape.slice(1)), a)];
    const y = tensor(outShape);
    // Viewed as [outer, axis, inner]: each input fills its slice [offset, offset + len) of the axis.
    const outer = sizeOf(outShape.slice(0, axis)), inner = sizeOf(outShape.slice(axis + 1));
    const outLen = outShape[axis];
    let offset = 0;
    for (const x of inputs) {
      const len = x.shape[axis];
      for (let o = 0; o < outer; o++)
        for (let i = 0; i < len * inner; i++) y.data[(o * outLen + offset) * inner + i] = x.data[o * len * inner + i];
      offset += len;
    }
    return y;
  },

  backward(inputs, _weights, a, dy) {
    // Each input's gradient is its slice of dy along the axis.
    const axis = 1 + resolveAxis(a.axis, inputs[0].shape.slice(1));
    const outer = sizeOf(dy.shape.slice(0, axis)), inner = sizeOf(dy.shape.slice(axis + 1)), outLen = dy.shape[axis];
    let offset = 0;
    const grads = inputs.map((x) => {
      const len = x.shape[axis], dx = tensor(x.shape);
      for (let o = 0; o < outer; o++)
        for (let i = 0; i < len * inner; i++) dx.data[o * len * inner + i] = dy.data[(o * outLen + offset) * inner + i];
      offset += len;
      return dx;
    });
    return { inputs: grads, weights: {} };
  },

  gpu: { writesConcatSlice: true, exact: true },
});
