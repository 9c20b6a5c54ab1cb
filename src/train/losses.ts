// The data losses of `model.compile(loss=...)` and Keras' 'accuracy', in float64: the value Keras
// reports (reduction 'sum_over_batch_size': the mean over every position of the output but its last
// axis, i.e. over the batch, and over H×W too for a spatial output) and its gradient with respect to
// the model's output, the start of backpropagation.
//
// Keras 3 (keras/src/losses/losses.py, keras/src/backend/{jax,numpy,torch}/nn.py), per row of the
// last axis, with eps = 1e-7 (keras.config.epsilon()):
// - categorical_crossentropy: p / Σp, clipped to [eps, 1 − eps], then −Σ t·log; from_logits: −Σ t·log_softmax(z).
// - sparse_categorical_crossentropy: the same with a one-hot t of the integer label.
// - binary_crossentropy: p clipped to [eps, 1 − eps], −(t·log p + (1 − t)·log(1 − p)), averaged over
//   the last axis; from_logits: max(z, 0) − z·t + log(1 + e^−|z|).
// - mean_squared_error: (y − t)² averaged over the last axis.
// A clipped probability passes no gradient (TF's clip_by_value gradient: zero outside [min, max]).
//
// Where Keras' backends and TF.js Layers 4.22 differ (only where the clip is active, or from_logits):
// - Keras 3's TensorFlow backend skips the clip when the output is a softmax's or sigmoid's (it takes the
//   logits cached on the tensor, `_keras_logits`); JAX, PyTorch and NumPy clip. Followed: the clip.
// - Keras 3's TensorFlow backend clips a sparse output before normalising (log_softmax of log(clip(p)));
//   JAX, PyTorch and NumPy normalise first, as categorical does. Followed: normalise, then clip.
// - TF.js clips after the softmax even with from_logits (and a sparse output before and after
//   normalising); Keras 3 takes log_softmax of the logits, unclipped. Followed: Keras 3.
import { OpError } from '../ops/op.ts';
import { formatShape, type Tensor } from '../tensor.ts';
import type { LossConfig } from './config.ts';

/** Keras' epsilon (keras.config.epsilon()), the clip of probabilities. */
export const EPSILON = 1e-7;

/**
 * What the model should have output, batch first: integer classes for the sparse loss (one per row:
 * an output [N, C] takes N labels, [N, H, W, C] takes N·H·W), else a tensor shaped like the output.
 */
export type Labels = Tensor | ArrayLike<number>;

export interface LossValue {
  /** The loss as Keras reports it: the mean over the rows. */
  value: number;
  /** dvalue/d(output), shaped like the output. */
  gradient: Float64Array;
}

const clip = (p: number) => Math.min(Math.max(p, EPSILON), 1 - EPSILON);
const inRange = (p: number) => p >= EPSILON && p <= 1 - EPSILON;
const labelData = (y: Labels): ArrayLike<number> => ('data' in y && 'shape' in y ? (y as Tensor).data : (y as ArrayLike<number>));

/** Checks the labels against the output (rows, classes, shape); returns the label values. */
export function checkLabels(loss: LossConfig, output: Tensor, labels: Labels): ArrayLike<number> {
  const C = output.shape[output.shape.length - 1];
  const rows = output.data.length / C;
  const data = labelData(labels);
  if (loss.name === 'sparse_categorical_crossentropy') {
    if (data.length !== rows)
      throw new OpError(`${loss.name} needs one integer class per output row: ${rows} for an output of ${formatShape(output.shape)}, got ${data.length} labels`);
    for (let r = 0; r < rows; r++)
      if (!Number.isInteger(data[r]) || data[r] < 0 || data[r] >= C)
        throw new OpError(`label ${r} is ${data[r]}, not a class of the ${C} the output has`, `sparse labels are integers in 0…${C - 1}`);
    return data;
  }
  const shape = 'shape' in labels ? (labels as Tensor).shape : null;
  if (!shape || shape.length !== output.shape.length || shape.some((d, i) => d !== output.shape[i]))
    throw new OpError(
      `${loss.name} needs labels shaped like the output, ${formatShape(output.shape)}; got ${shape ? formatShape(shape) : `${data.length} values without a shape`}`,
      loss.name === 'categorical_crossentropy' ? 'one-hot encode the classes, or use sparse_categorical_crossentropy for integer labels' : undefined,
    );
  return data;
}

/** The loss of `output` against `labels` and its gradient, float64 (module comment). */
export function dataLoss(loss: LossConfig, output: Tensor, labels: Labels): LossValue {
  const t = checkLabels(loss, output, labels);
  const y = output.data;
  const C = output.shape[output.shape.length - 1];
  const rows = y.length / C;
  const g = new Float64Array(y.length);
  let sum = 0;
  const sparse = loss.name === 'sparse_categorical_crossentropy';
  const target = (r: number, j: number) => (sparse ? (t[r] === j ? 1 : 0) : t[r * C + j]);

  if (loss.name === 'categorical_crossentropy' || sparse) {
    for (let r = 0, base = 0; r < rows; r++, base += C) {
      if (loss.fromLogits) {
        // −Σ t·(z − lse): gradient (Σt)·softmax(z) − t
        let max = -Infinity, tSum = 0;
        for (let j = 0; j < C; j++) max = Math.max(max, y[base + j]);
        let e = 0;
        for (let j = 0; j < C; j++) e += Math.exp(y[base + j] - max);
        const lse = max + Math.log(e);
        for (let j = 0; j < C; j++) tSum += target(r, j);
        for (let j = 0; j < C; j++) {
          const tj = target(r, j);
          sum += tj * (lse - y[base + j]);
          g[base + j] = (tSum * Math.exp(y[base + j] - lse) - tj) / rows;
        }
      } else {
        // q = p/S, L = −Σ t·log clip(q); dL/dq_j = −t_j/q_j where unclipped; dL/dp_k = (dL/dq_k − Σ_j dL/dq_j·q_j)/S
        let S = 0;
        for (let j = 0; j < C; j++) S += y[base + j];
        let dot = 0;
        for (let j = 0; j < C; j++) {
          const q = y[base + j] / S, tj = target(r, j);
          if (tj !== 0) sum -= tj * Math.log(clip(q));
          const dq = inRange(q) && tj !== 0 ? -tj / q : 0;
          g[base + j] = dq;
          dot += dq * q;
        }
        for (let j = 0; j < C; j++) g[base + j] = (g[base + j] - dot) / S / rows;
      }
    }
    return { value: sum / rows, gradient: g };
  }

  // binary crossentropy and mean squared error average over the last axis too: / (rows·C)
  const n = y.length;
  for (let i = 0; i < n; i++) {
    const ti = t[i], v = y[i];
    if (loss.name === 'mean_squared_error') {
      sum += (v - ti) ** 2;
      g[i] = (2 * (v - ti)) / n;
    } else if (loss.fromLogits) {
      sum += Math.max(v, 0) - v * ti + Math.log1p(Math.exp(-Math.abs(v)));
      g[i] = (1 / (1 + Math.exp(-v)) - ti) / n;
    } else {
      const p = clip(v);
      sum -= (ti !== 0 ? ti * Math.log(p) : 0) + (ti !== 1 ? (1 - ti) * Math.log(1 - p) : 0);
      g[i] = inRange(v) ? (-ti / v + (1 - ti) / (1 - v)) / n : 0;
    }
  }
  return { value: sum / n, gradient: g };
}

/**
 * Keras 3's 'accuracy' as compile resolves it from the shapes (trainers/compile_utils.py): an output
 * with 1 channel → binary accuracy (output > 0.5 equals the label); integer labels → sparse categorical
 * (argmax equals the label); else categorical (argmax of output equals argmax of label). The mean over
 * the rows (over every value for binary). Argmax ties go to the first index, as ops.argmax.
 */
export function accuracy(loss: LossConfig, output: Tensor, labels: Labels): number {
  const t = checkLabels(loss, output, labels);
  const y = output.data;
  const C = output.shape[output.shape.length - 1];
  const rows = y.length / C;
  if (C === 1) {
    let hits = 0;
    for (let i = 0; i < y.length; i++) hits += (y[i] > 0.5 ? 1 : 0) === t[i] ? 1 : 0;
    return hits / y.length;
  }
  const argmax = (data: ArrayLike<number>, base: number) => {
    let best = 0;
    for (let j = 1; j < C; j++) if (data[base + j] > data[base + best]) best = j;
    return best;
  };
  let hits = 0;
  for (let r = 0; r < rows; r++) {
    const want = loss.name === 'sparse_categorical_crossentropy' ? t[r] : argmax(t, r * C);
    hits += argmax(y, r * C) === want ? 1 : 0;
  }
  return hits / rows;
}
