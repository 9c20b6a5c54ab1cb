// LayerNormalization (Keras 3, keras/src/layers/normalization/layer_normalization.py): each position's
// values along the last axis are normalised by their own mean and biased variance,
// y = gamma·(x − mean)/√(variance + epsilon) + beta, gamma and beta one per channel. Unlike
// BatchNormalization nothing is shared across the batch, so training and inference compute the same.
// ConvNeXt's and the transformers' normalisation; torch's nn.LayerNorm(C) on channels-last data.
import type { Shape } from '../graph/types.ts';
import { tensor, type Tensor } from '../tensor.ts';
import type { Initializer, Regularizer } from '../weights/specs.ts';
import { channelsOf } from './batch-normalization.ts';
import { defineOp, weight, type WeightSpec } from './op.ts';

export interface LayerNormalizationAttrs {
  axis: number;
  epsilon: number;
  center: boolean;
  scale: boolean;
  beta_initializer: Initializer;
  gamma_initializer: Initializer;
  beta_regularizer: Regularizer | null;
  gamma_regularizer: Regularizer | null;
}

export const LayerNormalization = defineOp<LayerNormalizationAttrs>({
  type: 'LayerNormalization',
  category: 'Normalization',
  summary: "Normalises each position's channels by their own mean and variance (ConvNeXt, transformers)",
  attrs: {
    axis: { kind: 'int', default: -1 },
    epsilon: { kind: 'float', default: 0.001, min: 0 },
    center: { kind: 'bool', default: true },
    scale: { kind: 'bool', default: true },
    beta_initializer: { kind: 'initializer', default: 'zeros' },
    gamma_initializer: { kind: 'initializer', default: 'ones' },
    beta_regularizer: { kind: 'regularizer', default: null },
    gamma_regularizer: { kind: 'regularizer', default: null },
  },
  arity: { min: 1, max: 1 },
  field: () => 'pointwise',

  inferShape([x], a) {
    channelsOf('LayerNormalization', x, a.axis);
    return x;
  },

  weights([x], a) {
    const C = channelsOf('LayerNormalization', x, a.axis);
    const specs: WeightSpec[] = [];
    if (a.scale) specs.push({ name: 'gamma', shape: [C], initializer: a.gamma_initializer, regularizer: a.gamma_regularizer, trainable: true });
    if (a.center) specs.push({ name: 'beta', shape: [C], initializer: a.beta_initializer, regularizer: a.beta_regularizer, trainable: true });
    return specs;
  },

  // Per value: the two sums (mean, variance: 3 FLOPs), then subtract, scale, multiply-add (4).
  flops: (_inputs, output) => 7 * output.reduce((p, d) => p * d, 1),

  reference([x], weights, a) {
    const { C, gamma, beta } = parameters(x.shape.slice(1), weights, a);
    const y = tensor(x.shape);
    forEachRow(x, C, a.epsilon, (base, mean, inv) => {
      for (let c = 0; c < C; c++) y.data[base + c] = gamma[c] * (x.data[base + c] - mean) * inv + beta[c];
    });
    return y;
  },

  /**
   * Per row of C values, x̂ = (x − mean)·inv, g = gamma·dy:
   * dx = inv·(g − mean(g) − x̂·mean(g·x̂)); dgamma = Σ dy·x̂ and dbeta = Σ dy over every row.
   */
  backward([x], weights, a, dy) {
    const { C, gamma } = parameters(x.shape.slice(1), weights, a);
    const dx = new Float64Array(x.data.length), dgamma = new Float64Array(C), dbeta = new Float64Array(C);
    forEachRow(x, C, a.epsilon, (base, mean, inv) => {
      let sumG = 0, sumGXhat = 0;
      for (let c = 0; c < C; c++) {
        const xhat = (x.data[base + c] - mean) * inv, d = dy.data[base + c];
        sumG += gamma[c] * d;
        sumGXhat += gamma[c] * d * xhat;
        dgamma[c] += d * xhat;
        dbeta[c] += d;
      }
      for (let c = 0; c < C; c++) {
        const xhat = (x.data[base + c] - mean) * inv;
        dx[base + c] = inv * (gamma[c] * dy.data[base + c] - sumG / C - xhat * sumGXhat / C);
      }
    });
    return {
      inputs: [tensor(x.shape, dx)],
      weights: { ...(a.scale ? { gamma: tensor([C], dgamma) } : {}), ...(a.center ? { beta: tensor([C], dbeta) } : {}) },
    };
  },

  // Its kernel takes the output's row stride and offset: it writes a Concatenate's channel slice in place.
  gpu: { writesConcatSlice: true },
});

function parameters(x: Shape, weights: Record<string, Tensor>, a: LayerNormalizationAttrs) {
  const C = channelsOf('LayerNormalization', x, a.axis);
  return {
    C,
    gamma: a.scale ? weight(weights, 'gamma').data : new Float32Array(C).fill(1),
    beta: a.center ? weight(weights, 'beta').data : new Float32Array(C),
  };
}

/** The mean and biased variance of the C values from `base`: two passes, float64 (also explain's). */
export function rowMoments(data: Float32Array, base: number, C: number): { mean: number; variance: number } {
  let mean = 0, variance = 0;
  for (let c = 0; c < C; c++) mean += data[base + c];
  mean /= C;
  for (let c = 0; c < C; c++) variance += (data[base + c] - mean) ** 2;
  return { mean, variance: variance / C };
}

/** Calls `body` with each row's start, mean and 1/√(biased variance + epsilon). */
function forEachRow(x: Tensor, C: number, epsilon: number, body: (base: number, mean: number, inv: number) => void): void {
  for (let base = 0; base < x.data.length; base += C) {
    const { mean, variance } = rowMoments(x.data, base, C);
    body(base, mean, 1 / Math.sqrt(variance + epsilon));
  }
}
