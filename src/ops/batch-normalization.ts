// BatchNormalization at inference: y = gamma·(x − moving_mean)/√(moving_variance + epsilon) + beta
// per channel (the last axis, NHWC). Keras weights: gamma, beta (trainable), moving_mean, moving_variance.
import type { Shape } from '../graph/types.ts';
import { formatShape, tensor } from '../tensor.ts';
import type { Initializer, Regularizer } from '../weights/specs.ts';
import { defineOp, OpError, weight, type WeightSpec } from './op.ts';

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

  reference([x], weights, a) {
    const C = channelsOf('BatchNormalization', x.shape.slice(1), a.axis);
    const gamma = a.scale ? weight(weights, 'gamma').data : null;
    const beta = a.center ? weight(weights, 'beta').data : null;
    const mean = weight(weights, 'moving_mean').data, variance = weight(weights, 'moving_variance').data;
    const y = tensor(x.shape);
    for (let i = 0; i < x.data.length; i++) {
      const c = i % C;
      const normalized = (x.data[i] - mean[c]) / Math.sqrt(variance[c] + a.epsilon);
      y.data[i] = (gamma ? gamma[c] : 1) * normalized + (beta ? beta[c] : 0);
    }
    return y;
  },

  gpu: { affine: true, writesConcatSlice: true },
});
