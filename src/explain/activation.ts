// The activation a conv or Dense applies to its sum (src/ops/activations.ts), as one step of a breakdown.
import { ACTIVATIONS } from '../ops/activations.ts';
import type { ActivationStep } from './types.ts';

/**
 * `before` through the activation `name`. softmax is over the output's channels at this position:
 * `all` gives every channel's pre-activation there (computed only when asked: the other channels' sums).
 */
export function activationStep(name: string, before: number, all: () => number[]): ActivationStep {
  if (name !== 'softmax') return { name, before, after: ACTIVATIONS[name].f(before) };
  const z = all();
  const max = Math.max(...z);
  const sum = z.reduce((s, v) => s + Math.exp(v - max), 0);
  return { name, before, after: Math.exp(before - max) / sum, softmax: { max, sum, count: z.length } };
}
