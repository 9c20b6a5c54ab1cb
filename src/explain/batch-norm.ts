// A BatchNormalization value (inference: the moving statistics) taken apart:
// gamma · (x − mean) / √(variance + epsilon) + beta, as src/ops/batch-normalization.ts computes it.
import type { BatchNormalizationAttrs } from '../ops/batch-normalization.ts';
import { weight } from '../ops/op.ts';
import { offsetOf } from './position.ts';
import type { BatchNormExplanation, ExplainRequest } from './types.ts';

export function explainBatchNorm(req: ExplainRequest & { image: number }): BatchNormExplanation {
  const { node, output, at, image } = req;
  const a = node.attrs as unknown as BatchNormalizationAttrs;
  const input = req.inputs[0];
  const channel = at[at.length - 1];
  const x = input.tensor.data[offsetOf(input.tensor, image, at)];
  const mean = weight(req.weights, 'moving_mean').data[channel], variance = weight(req.weights, 'moving_variance').data[channel];
  const gamma = a.scale ? weight(req.weights, 'gamma').data[channel] : null;
  const beta = a.center ? weight(req.weights, 'beta').data[channel] : null;
  const normalized = (x - mean) / Math.sqrt(variance + a.epsilon);
  const scaled = (gamma ?? 1) * normalized;
  return {
    kind: 'batch-norm', node: node.id, name: node.name, op: node.op, at, image, shape: output.shape.slice(1),
    value: output.data[offsetOf(output, image, at)], total: scaled + (beta ?? 0),
    // The run folds it into one scale and shift per channel: its rounding is relative to x·scale, mean·scale and beta.
    scale: (Math.abs(x) + Math.abs(mean)) * Math.abs((gamma ?? 1) / Math.sqrt(variance + a.epsilon)) + Math.abs(beta ?? 0),
    input: { id: input.id, name: input.name }, channel, x, statistics: 'moving', mean, variance, epsilon: a.epsilon, gamma, beta, normalized,
  };
}
