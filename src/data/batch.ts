// What fit() does with the samples between epochs and steps, as Keras does it: hold out the last
// fraction for validation (before any shuffling), visit the rest in a new seeded order each epoch,
// and gather one batch at a time.
//
// The samples stay float32 (the x / 255 of Keras' examples), not the uint8 the files hold. Fashion-MNIST's
// train set is then 188 MB instead of 47 MB, converted once (0.3–0.7 s on this 2-core machine), and:
// - every source has one representation: an image folder after caffe/torch preprocessing or an X.npy is
//   float, not bytes, so a uint8 path would be a second gather for one data set;
// - a batch is one memcpy per sample (TypedArray.set of a subarray), and the validation split is two
//   views of the same buffer, no copy;
// - the batch is already what the GPU trainer uploads (writeBuffer of B×784 floats a step).
// Converting per batch instead would cost that again every epoch. If the GPU trainer wants the
// whole set resident on the device (188 MB exceeds WebGPU's default 128 MiB storage-binding limit), it can
// pack bytes then; nothing here stops that.
import { OpError } from '../ops/op.ts';
import { type Tensor } from '../tensor.ts';
import { RandomStream } from '../weights/random.ts';
import type { Dataset } from './dataset.ts';

/**
 * Keras' `validation_split`: the last `fraction` of the samples, taken before shuffling, validate; the first
 * floor(N·(1 − fraction)) train. Both halves are views of `data`'s buffers (no copy), with any other fields
 * of `data` (classNames) kept. A fraction of 0 gives no validation set.
 */
export function validationSplit<D extends Dataset>(data: D, fraction: number): { train: D; validation: D | null } {
  if (fraction === 0) return { train: data, validation: null };
  if (!(fraction > 0 && fraction < 1))
    throw new OpError(`validation split ${fraction} must be between 0 and 1`, 'e.g. 0.1 holds out the last 10% of the samples');
  const n = data.x.shape[0];
  const splitAt = Math.floor(n * (1 - fraction)); // Keras: int(math.floor(batch_dim * (1.0 - validation_split)))
  if (splitAt === 0 || splitAt === n)
    throw new OpError(`${n === 1 ? '1 sample is' : `${n} samples are`} too few to split into a training and a validation set with validation split ${fraction}`,
      'give more samples or another validation split');
  return { train: { ...data, x: rows(data.x, 0, splitAt), y: rows(data.y, 0, splitAt) }, validation: { ...data, x: rows(data.x, splitAt, n), y: rows(data.y, splitAt, n) } };
}

/** Samples [from, to) of a tensor, sharing its buffer. */
export function rows(t: Tensor, from: number, to: number): Tensor {
  const per = t.shape.slice(1).reduce((a, b) => a * b, 1);
  return { shape: [to - from, ...t.shape.slice(1)], data: t.data.subarray(from * per, to * per) };
}

/** 0, 1, …, n − 1: the order of an epoch without shuffling (Keras' shuffle=False) and of evaluation. */
export function sequentialOrder(n: number): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return order;
}

/**
 * A permutation of 0 … n − 1 that depends only on (seed, epoch): a Fisher–Yates shuffle driven by the
 * Philox stream of src/weights/random.ts, so a run repeats exactly, in Node and in every browser.
 */
export function shuffledOrder(n: number, seed: number, epoch: number): Uint32Array {
  if (!Number.isSafeInteger(epoch) || epoch < 0) throw new OpError(`epoch ${epoch} must be a whole number ≥ 0`);
  return permutation(n, seed, `fit/shuffle/epoch:${epoch}`);
}

/** A permutation of 0 … n − 1 that depends only on (seed, key). */
export function permutation(n: number, seed: number, key: string): Uint32Array {
  if (!Number.isSafeInteger(n) || n < 0 || n > 0xffffffff) throw new OpError(`cannot order ${n} samples`);
  const order = sequentialOrder(n);
  const stream = new RandomStream(seed, key);
  for (let i = n - 1, draw = 0; i > 0; i--, draw++) {
    const j = Math.floor(stream.uniformAt(draw) * (i + 1));
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  return order;
}

/** Batches in an epoch of n samples: the last one smaller when batchSize does not divide n (as Keras). */
export function batchCount(n: number, batchSize: number): number {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new OpError(`batch size ${batchSize} must be a whole number ≥ 1`, 'Keras uses 32 by default');
  return Math.ceil(n / batchSize);
}

export interface Batch {
  /** [B, ...sample] */
  x: Tensor;
  /** [B] or [B, ...target] */
  y: Tensor;
  /** Which samples of the data set, in batch order (a view of the order). */
  indices: Uint32Array;
}

/**
 * The batch of samples order[start … start + size − 1] (fewer at the end of the order), copied sample by
 * sample into new tensors; nothing else of the set is touched.
 */
export function batchAt(data: Dataset, order: Uint32Array, start: number, size: number): Batch {
  const n = data.x.shape[0];
  if (!Number.isInteger(start) || start < 0 || start >= order.length)
    throw new OpError(`batch start ${start} is outside the order of ${order.length} samples`);
  if (!Number.isInteger(size) || size < 1) throw new OpError(`batch size ${size} must be a whole number ≥ 1`);
  const indices = order.subarray(start, Math.min(start + size, order.length));
  const b = indices.length;
  const xPer = data.x.data.length / n, yPer = data.y.data.length / n;
  const x = new Float32Array(b * xPer), y = new Float32Array(b * yPer);
  for (let k = 0; k < b; k++) {
    const i = indices[k];
    if (i >= n) throw new OpError(`sample ${i} in the order is outside the ${n} samples`);
    if (xPer === 1) x[k] = data.x.data[i];
    else x.set(data.x.data.subarray(i * xPer, (i + 1) * xPer), k * xPer);
    if (yPer === 1) y[k] = data.y.data[i];
    else y.set(data.y.data.subarray(i * yPer, (i + 1) * yPer), k * yPer);
  }
  return { x: { shape: [b, ...data.x.shape.slice(1)], data: x }, y: { shape: [b, ...data.y.shape.slice(1)], data: y }, indices };
}
