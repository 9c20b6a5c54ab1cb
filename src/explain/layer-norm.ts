// A LayerNormalization value taken apart: gamma · (x − mean) / √(variance + epsilon) + beta, the mean and
// biased variance those of its own position's channels, recomputed from the input as
// src/ops/layer-normalization.ts computes them.
import { rowMoments, type LayerNormalizationAttrs } from '../ops/layer-normalization.ts';
import { weight } from '../ops/op.ts';
import { offsetOf } from './position.ts';
import type { BatchNormExplanation, ExplainRequest } from './types.ts';

export function explainLayerNorm(req: ExplainRequest & { image: number }): BatchNormExplanation {
  const { node, output, at, image } = req;
  const a = node.attrs as unknown as LayerNormalizationAttrs;
  const input = req.inputs[0];
  const channel = at[at.length - 1];
  const C = output.shape[output.shape.length - 1];
  const start = offsetOf(input.tensor, image, at) - channel;
  const { mean, variance } = rowMoments(input.tensor.data, start, C);
  const x = input.tensor.data[start + channel];
  const gamma = a.scale ? weight(req.weights, 'gamma').data[channel] : null;
  const beta = a.center ? weight(req.weights, 'beta').data[channel] : null;
  const normalized = (x - mean) / Math.sqrt(variance + a.epsilon);
  return {
    kind: 'batch-norm', node: node.id, name: node.name, op: node.op, at, image, shape: output.shape.slice(1),
    value: output.data[offsetOf(output, image, at)], total: (gamma ?? 1) * normalized + (beta ?? 0),
    // The kernel's float32 sums over the row: rounding relative to the normalised value's size times gamma, plus beta.
    scale: (Math.abs(normalized) + 1) * Math.abs(gamma ?? 1) + Math.abs(beta ?? 0),
    input: { id: input.id, name: input.name }, channel, x, statistics: 'position', mean, variance, epsilon: a.epsilon, gamma, beta, normalized,
  };
}
