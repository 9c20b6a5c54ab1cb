// Dot: Keras' batch_dot of exactly 2 tensors, summing over one axis of each (the batch is axis 0 and
// cannot be one); out = remaining dims of x, then of y ([1] when none). normalize → cosine proximity.
// Kernel: shaders/dot.wgsl. Reference: keras.layers.Dot.compute_output_shape.
import type { Shape } from '../graph/types.ts';
import { formatShape, sizeOf, stridesOf, tensor } from '../tensor.ts';
import { defineOp, OpError } from './op.ts';

export interface DotAttrs {
  axes: number | [number, number];
  normalize: boolean;
}

/** Keras' l2_normalize floors the squared norm at 1e-12, so a zero vector gives 0 rather than NaN. */
const SQUARED_NORM_FLOOR = 1e-12;

/** One Keras axis as an index into the batchless shape (Keras axis − 1). */
function resolveAxis(axis: number, shape: Shape, which: string): number {
  const R = shape.length + 1; // the batch counts in Keras' axes
  if (axis < -R || axis >= R)
    throw new OpError(
      `Dot axis ${axis} is out of range for the ${which} input ${formatShape(shape)}`,
      `use 1 to ${R - 1}, or -1 for the last axis (Keras counts the batch as axis 0)`,
    );
  const a = axis < 0 ? axis + R : axis;
  if (a === 0)
    throw new OpError(
      `Dot cannot sum over axis ${axis} of the ${which} input: that is the batch`,
      `Keras counts the batch as axis 0: use 1 to ${R - 1}, or -1 for the last axis`,
    );
  return a - 1;
}

/** Both contracted axes as batchless indices, checked to have equal sizes. */
export function dotAxes(x: Shape, y: Shape, axes: DotAttrs['axes']): [number, number] {
  const [ax, ay] = typeof axes === 'number' ? [axes, axes] : axes;
  const i = resolveAxis(ax, x, 'first'), j = resolveAxis(ay, y, 'second');
  if (x[i] !== y[j])
    throw new OpError(
      `Dot axes [${ax}, ${ay}] need equal sizes: ${formatShape(x)} has ${x[i]} on axis ${i + 1}, ${formatShape(y)} has ${y[j]} on axis ${j + 1}`,
      'pick axes of equal size (Keras counts the batch as axis 0), or project one input with a Dense layer',
    );
  return [i, j];
}

/** Offsets, within one batch item, of every position of the axes other than `axis` (row-major). */
function restOffsets(shape: readonly number[], axis: number): number[] {
  const strides = stridesOf(shape);
  let offsets = [0];
  for (let d = 1; d < shape.length; d++) {
    if (d === axis) continue;
    offsets = offsets.flatMap((o) => Array.from({ length: shape[d] }, (_, k) => o + k * strides[d]));
  }
  return offsets;
}

export const Dot = defineOp<DotAttrs>({
  type: 'Dot',
  category: 'Merge',
  summary: 'Dot product of 2 tensors over one axis each (batch_dot); normalize gives cosine proximity',
  attrs: {
    axes: { kind: 'axes', default: -1, doc: 'an axis or [axis of x, axis of y]; Keras counts the batch as axis 0' },
    normalize: { kind: 'bool', default: false, doc: 'L2-normalise both inputs along the axes first: cosine proximity' },
  },
  arity: { min: 2, max: 2 },
  field: () => ({ whole: 'Dot: each value sums products over a whole axis' }),

  inferShape(inputs, a) {
    if (inputs.length !== 2) throw new OpError(`Dot takes exactly 2 inputs, got ${inputs.length}`);
    const [x, y] = inputs;
    const [i, j] = dotAxes(x, y, a.axes);
    const out = [...x.filter((_, d) => d !== i), ...y.filter((_, d) => d !== j)];
    return out.length ? out : [1];
  },

  flops([x], output, a) {
    const [ax] = typeof a.axes === 'number' ? [a.axes] : a.axes;
    const K = x[resolveAxis(ax, x, 'first')];
    return 2 * sizeOf(output) * K;
  },

  reference([x, y], _weights, a) {
    const N = x.shape[0];
    if (y.shape[0] !== N) throw new OpError(`Dot needs equal batch sizes, got ${N} and ${y.shape[0]}`);
    const [i, j] = dotAxes(x.shape.slice(1), y.shape.slice(1), a.axes);
    const out = tensor([N, ...Dot.inferShape([x.shape.slice(1), y.shape.slice(1)], a)]);
    const xOffsets = restOffsets(x.shape, i + 1), yOffsets = restOffsets(y.shape, j + 1);
    const xStep = stridesOf(x.shape)[i + 1], yStep = stridesOf(y.shape)[j + 1];
    const xItem = sizeOf(x.shape.slice(1)), yItem = sizeOf(y.shape.slice(1));
    const K = x.shape[i + 1];
    let o = 0;
    for (let n = 0; n < N; n++)
      for (const xo of xOffsets)
        for (const yo of yOffsets) {
          let acc = 0, xx = 0, yy = 0;
          for (let k = 0; k < K; k++) {
            const u = x.data[n * xItem + xo + k * xStep], v = y.data[n * yItem + yo + k * yStep];
            acc += u * v;
            xx += u * u;
            yy += v * v;
          }
          // Dividing the dot by both norms equals normalising each input first
          out.data[o++] = a.normalize ? acc / (Math.sqrt(Math.max(xx, SQUARED_NORM_FLOOR)) * Math.sqrt(Math.max(yy, SQUARED_NORM_FLOOR))) : acc;
        }
    return out;
  },
  backward([x, y], _weights, a, dout) {
    const N = x.shape[0];
    const [i, j] = dotAxes(x.shape.slice(1), y.shape.slice(1), a.axes);
    const xOffsets = restOffsets(x.shape, i + 1), yOffsets = restOffsets(y.shape, j + 1);
    const xStep = stridesOf(x.shape)[i + 1], yStep = stridesOf(y.shape)[j + 1];
    const xItem = sizeOf(x.shape.slice(1)), yItem = sizeOf(y.shape.slice(1));
    const K = x.shape[i + 1];
    const dx = new Float64Array(x.data.length), dy = new Float64Array(y.data.length);
    let o = 0;
    for (let n = 0; n < N; n++)
      for (const xo of xOffsets)
        for (const yo of yOffsets) {
          const g = dout.data[o++];
          const xs = Array.from({ length: K }, (_, k) => n * xItem + xo + k * xStep), ys = Array.from({ length: K }, (_, k) => n * yItem + yo + k * yStep);
          let acc = 0, xx = 0, yy = 0;
          for (let k = 0; k < K; k++) {
            acc += x.data[xs[k]] * y.data[ys[k]];
            xx += x.data[xs[k]] ** 2;
            yy += y.data[ys[k]] ** 2;
          }
          if (!a.normalize) {
            for (let k = 0; k < K; k++) {
              dx[xs[k]] += g * y.data[ys[k]];
              dy[ys[k]] += g * x.data[xs[k]];
            }
            continue;
          }
          // out = acc / (|x|·|y|): d/dx = y/(|x||y|) − out·x/|x|² (a norm at its floor is a constant).
          const nx = Math.sqrt(Math.max(xx, SQUARED_NORM_FLOOR)), ny = Math.sqrt(Math.max(yy, SQUARED_NORM_FLOOR));
          const out = acc / (nx * ny);
          for (let k = 0; k < K; k++) {
            dx[xs[k]] += g * (y.data[ys[k]] / (nx * ny) - (xx > SQUARED_NORM_FLOOR ? (out * x.data[xs[k]]) / xx : 0));
            dy[ys[k]] += g * (x.data[xs[k]] / (nx * ny) - (yy > SQUARED_NORM_FLOOR ? (out * y.data[ys[k]]) / yy : 0));
          }
        }
    return { inputs: [tensor(x.shape, dx), tensor(y.shape, dy)], weights: {} };
  },

});
