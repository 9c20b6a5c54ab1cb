// BatchNormalization at inference: y = gamma·(x − moving_mean)/√(moving_variance + epsilon) + beta
// per channel (the last axis, NHWC). Keras weights: gamma, beta (trainable), moving_mean, moving_variance.
// While training (Keras 3, keras/src/layers/normalization/batch_normalization.py): the batch's mean and
// biased variance (ops.moments) over every axis but the channel normalise, and the moving statistics
// become moving·momentum + batch·(1 − momentum), the variance biased too (tf.keras 2's fused kernel
// updated it with the unbiased n/(n−1) variance; TF.js Layers 4.22, like Keras 3, with the biased one).
// A frozen layer (trainable false) runs as at inference, as in Keras 3 (TF.js Layers ignores
// trainable there and still normalises with the batch statistics).
import type { Shape } from '../graph/types.ts';
import { formatShape, tensor, type Tensor } from '../tensor.ts';
import type { Initializer, Regularizer } from '../weights/specs.ts';
import { defineOp, OpError, weight, type Gradients, type WeightSpec } from './op.ts';

export interface BatchNormalizationAttrs {
  axis: number;
  momentum: number;
  epsilon: number;
  center: boolean;
  scale: boolean;
  beta_initializer: Initializer;
  gamma_initializer: Initializer;
  moving_mean_initializer: Initializer;
  moving_variance_initializer: Initializer;
  beta_regularizer: Regularizer | null;
  gamma_regularizer: Regularizer | null;
}

/** Channel count of `x` after checking that `axis` (Keras-style, batch = 0) is its last axis. */
export function channelsOf(op: string, x: Shape, axis: number): number {
  if (x.length === 0) throw new OpError(`${op} needs an input with at least one axis, got ${formatShape(x)}`);
  if (axis !== -1 && axis !== x.length)
    throw new OpError(
      `${op} axis=${axis} on a ${formatShape(x)} input is not the channel axis; deepwire normalises only the last axis (-1, or ${x.length} counting the batch)`,
      'set axis to -1: tensors here are channels-last (NHWC)',
    );
  return x[x.length - 1];
}

export const BatchNormalization = defineOp<BatchNormalizationAttrs>({
  type: 'BatchNormalization',
  category: 'Normalization',
  summary: 'Per-channel normalisation with the moving statistics (inference); folds into the conv before it',
  attrs: {
    axis: { kind: 'int', default: -1 },
    momentum: { kind: 'float', default: 0.99, min: 0, max: 1 },
    epsilon: { kind: 'float', default: 0.001, min: 0 },
    center: { kind: 'bool', default: true },
    scale: { kind: 'bool', default: true },
    beta_initializer: { kind: 'initializer', default: 'zeros' },
    gamma_initializer: { kind: 'initializer', default: 'ones' },
    moving_mean_initializer: { kind: 'initializer', default: 'zeros' },
    moving_variance_initializer: { kind: 'initializer', default: 'ones' },
    beta_regularizer: { kind: 'regularizer', default: null },
    gamma_regularizer: { kind: 'regularizer', default: null },
  },
  arity: { min: 1, max: 1 },
  field: () => 'pointwise',

  inferShape([x], a) {
    channelsOf('BatchNormalization', x, a.axis);
    return x;
  },

  weights([x], a) {
    const C = channelsOf('BatchNormalization', x, a.axis);
    const specs: WeightSpec[] = [];
    if (a.scale) specs.push({ name: 'gamma', shape: [C], initializer: a.gamma_initializer, regularizer: a.gamma_regularizer, trainable: true });
    if (a.center) specs.push({ name: 'beta', shape: [C], initializer: a.beta_initializer, regularizer: a.beta_regularizer, trainable: true });
    specs.push(
      { name: 'moving_mean', shape: [C], initializer: a.moving_mean_initializer, regularizer: null, trainable: false },
      { name: 'moving_variance', shape: [C], initializer: a.moving_variance_initializer, regularizer: null, trainable: false },
    );
    return specs;
  },

  // Folded to one scale and one shift per channel: a multiply-add, 2 FLOPs per element.
  flops: (_inputs, output) => 2 * output.reduce((p, d) => p * d, 1),

  reference: ([x], weights, a) => inference(x, weights, a),

  trainForward(inputs, weights, a, ctx) {
    const [x] = inputs;
    if (!ctx.trainable) return { output: inference(x, weights, a) };
    const { mean, variance, C } = batchMoments(x, a);
    const y = normalize(x, weights, a, mean, variance);
    const movingMean = weight(weights, 'moving_mean').data, movingVariance = weight(weights, 'moving_variance').data;
    const moving = (old: Float32Array, batch: Float64Array) => tensor([C], Array.from(batch, (b, c) => old[c] * a.momentum + b * (1 - a.momentum)));
    return { output: y, updates: { moving_mean: moving(movingMean, mean), moving_variance: moving(movingVariance, variance) } };
  },

  backward([x], weights, a, dy, ctx) {
    return ctx?.trainable ? trainingBackward(x, weights, a, dy) : inferenceBackward(x, weights, a, dy);
  },

  gpu: { affine: true, writesConcatSlice: true },
});

function inference(x: Tensor, weights: Record<string, Tensor>, a: BatchNormalizationAttrs): Tensor {
  channelsOf('BatchNormalization', x.shape.slice(1), a.axis);
  return normalize(x, weights, a, weight(weights, 'moving_mean').data, weight(weights, 'moving_variance').data);
}

/** Per-channel mean and biased variance over every axis but the last (two passes, float64). */
function batchMoments(x: Tensor, a: BatchNormalizationAttrs): { mean: Float64Array; variance: Float64Array; C: number } {
  const C = channelsOf('BatchNormalization', x.shape.slice(1), a.axis);
  const M = x.data.length / C;
  const mean = new Float64Array(C), variance = new Float64Array(C);
  for (let i = 0; i < x.data.length; i++) mean[i % C] += x.data[i];
  for (let c = 0; c < C; c++) mean[c] /= M;
  for (let i = 0; i < x.data.length; i++) variance[i % C] += (x.data[i] - mean[i % C]) ** 2;
  for (let c = 0; c < C; c++) variance[c] /= M;
  return { mean, variance, C };
}

function normalize(x: Tensor, weights: Record<string, Tensor>, a: BatchNormalizationAttrs, mean: ArrayLike<number>, variance: ArrayLike<number>): Tensor {
  const C = mean.length;
  const gamma = a.scale ? weight(weights, 'gamma').data : null;
  const beta = a.center ? weight(weights, 'beta').data : null;
  const y = tensor(x.shape);
  for (let i = 0; i < x.data.length; i++) {
    const c = i % C;
    y.data[i] = (gamma ? gamma[c] : 1) * ((x.data[i] - mean[c]) / Math.sqrt(variance[c] + a.epsilon)) + (beta ? beta[c] : 0);
  }
  return y;
}

/** dgamma = Σ dy·x̂, dbeta = Σ dy per channel; the statistics are constants: dx = dy·gamma/σ. */
function inferenceBackward(x: Tensor, weights: Record<string, Tensor>, a: BatchNormalizationAttrs, dy: Tensor): Gradients {
  const C = channelsOf('BatchNormalization', x.shape.slice(1), a.axis);
  const gamma = a.scale ? weight(weights, 'gamma').data : null;
  const mean = weight(weights, 'moving_mean').data, variance = weight(weights, 'moving_variance').data;
  const dx = new Float64Array(x.data.length), dgamma = new Float64Array(C), dbeta = new Float64Array(C);
  for (let i = 0; i < x.data.length; i++) {
    const c = i % C;
    const inv = 1 / Math.sqrt(variance[c] + a.epsilon);
    dgamma[c] += dy.data[i] * (x.data[i] - mean[c]) * inv;
    dbeta[c] += dy.data[i];
    dx[i] = dy.data[i] * (gamma ? gamma[c] : 1) * inv;
  }
  return { inputs: [tensor(x.shape, dx)], weights: affineGradients(a, C, dgamma, dbeta) };
}

/**
 * Through the batch statistics, per channel over its M values: x̂ = (x − μ)/σ, σ = √(var + ε),
 * dx = (gamma/σ)·(dy − mean(dy) − x̂·mean(dy·x̂)).
 */
function trainingBackward(x: Tensor, weights: Record<string, Tensor>, a: BatchNormalizationAttrs, dy: Tensor): Gradients {
  const { mean, variance, C } = batchMoments(x, a);
  const M = x.data.length / C;
  const gamma = a.scale ? weight(weights, 'gamma').data : null;
  const inv = Float64Array.from(variance, (v) => 1 / Math.sqrt(v + a.epsilon));
  const dgamma = new Float64Array(C), dbeta = new Float64Array(C);
  for (let i = 0; i < x.data.length; i++) {
    const c = i % C;
    dgamma[c] += dy.data[i] * (x.data[i] - mean[c]) * inv[c];
    dbeta[c] += dy.data[i];
  }
  const dx = new Float64Array(x.data.length);
  for (let i = 0; i < x.data.length; i++) {
    const c = i % C;
    const xhat = (x.data[i] - mean[c]) * inv[c];
    dx[i] = (gamma ? gamma[c] : 1) * inv[c] * (dy.data[i] - dbeta[c] / M - xhat * dgamma[c] / M);
  }
  return { inputs: [tensor(x.shape, dx)], weights: affineGradients(a, C, dgamma, dbeta) };
}

function affineGradients(a: BatchNormalizationAttrs, C: number, dgamma: Float64Array, dbeta: Float64Array): Record<string, Tensor> {
  return { ...(a.scale ? { gamma: tensor([C], dgamma) } : {}), ...(a.center ? { beta: tensor([C], dbeta) } : {}) };
}
