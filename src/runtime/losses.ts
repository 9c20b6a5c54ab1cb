// Keras' `model.losses`: the penalties of regularized trainable weights (bias weights in their own
// bucket) and of regularized activations (a node's output penalty over the batch, divided by the batch size).
import type { NodeReport } from '../graph/analyze.ts';
import { formatNumber } from '../format.ts';
import type { Tensor } from '../tensor.ts';
import { regularizationPenalty } from '../weights/regularizers.ts';
import type { Regularizer } from '../weights/specs.ts';

export interface Losses {
  kernel: number;
  bias: number;
  activity: number;
  total: number;
}

/** One node's share; `activity` is null where the node has an activity regularizer but no output was given. */
export interface NodeLosses {
  kernel: number;
  bias: number;
  activity: number | null;
}

/** The weights whose penalties count: Keras 3 takes them from trainable_weights, none of a frozen layer's. */
const penalized = (node: NodeReport) => (node.attrs.trainable === false ? [] : node.weights.filter((w) => w.trainable && w.regularizer));

export function isRegularized(node: NodeReport): boolean {
  return penalized(node).length > 0 || !!node.attrs.activity_regularizer;
}

export function nodeLosses(node: NodeReport, weights: Record<string, Tensor> | undefined, output: Tensor | null | undefined): NodeLosses {
  const losses: NodeLosses = { kernel: 0, bias: 0, activity: 0 };
  for (const spec of penalized(node)) {
    const w = weights?.[spec.name];
    if (spec.regularizer && w) losses[spec.name === 'bias' ? 'bias' : 'kernel'] += regularizationPenalty(spec.regularizer, w.data);
  }
  const activity = node.attrs.activity_regularizer as Regularizer | null | undefined;
  if (activity) losses.activity = output ? regularizationPenalty(activity, output.data) / output.shape[0] : null;
  return losses;
}

export function totalLosses(parts: Iterable<NodeLosses>): Losses {
  const sum: Losses = { kernel: 0, bias: 0, activity: 0, total: 0 };
  for (const p of parts) {
    sum.kernel += p.kernel;
    sum.bias += p.bias;
    sum.activity += p.activity ?? 0;
  }
  sum.total = sum.kernel + sum.bias + sum.activity;
  return sum;
}

/** 'kernel 0.25, activity 5, total 5.25': the parts that are not zero, up to 6 significant digits. */
export function formatLosses(l: Losses): string {
  const parts = (['kernel', 'bias', 'activity'] as const).filter((k) => l[k] !== 0).map((k) => `${k} ${formatNumber(l[k])}`);
  return [...parts, `total ${formatNumber(l.total)}`].join(', ');
}
