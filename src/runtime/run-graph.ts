// One-shot runs of a whole graph on WebGPU, as the CLI and scripts want them: weights materialised,
// requested tensors read back, Keras' regularization losses (layer.losses) computed alongside.
import type { GraphReport } from '../graph/analyze.ts';
import type { Tensor } from '../tensor.ts';
import { regularizationPenalty } from '../weights/regularizers.ts';
import type { Regularizer } from '../weights/specs.ts';
import type { Engine, RunResult } from './engine.ts';
import { materializeWeights, type WeightStore } from './reference.ts';

export interface Losses {
  kernel: number;
  bias: number;
  activity: number;
  total: number;
}

/**
 * Keras' `layer.losses` summed over the graph: each regularized weight's penalty (bias weights in
 * their own bucket) plus each activity regularizer's penalty of the node's output divided by the batch.
 */
export function regularizationLosses(report: GraphReport, weights: Map<string, Record<string, Tensor>>, outputs: Map<string, Tensor>): Losses {
  const losses = { kernel: 0, bias: 0, activity: 0, total: 0 };
  for (const node of report.nodes) {
    for (const spec of node.weights)
      if (spec.regularizer) losses[spec.name === 'bias' ? 'bias' : 'kernel'] += regularizationPenalty(spec.regularizer, weights.get(node.id)![spec.name].data);
    const activity = node.attrs.activity_regularizer as Regularizer | null | undefined;
    const y = outputs.get(node.id);
    if (activity && y) losses.activity += regularizationPenalty(activity, y.data) / y.shape[0];
  }
  losses.total = losses.kernel + losses.bias + losses.activity;
  return losses;
}

/** Nodes whose outputs the losses need. */
export function activityRegularized(report: GraphReport): string[] {
  return report.nodes.filter((r) => r.attrs.activity_regularizer).map((r) => r.id);
}

export async function runGraphOnGpu(
  engine: Engine, report: GraphReport, feeds: Record<string, Tensor>, options: { seed: number; outputs: string[]; timing?: boolean; store?: WeightStore },
): Promise<{ tensors: Map<string, Tensor>; losses: Losses; timings?: RunResult['timings'] }> {
  const weights = materializeWeights(report, options.seed, options.store);
  const read = [...new Set([...options.outputs, ...activityRegularized(report)])];
  const batch = Object.values(feeds)[0]?.shape[0] ?? 1;
  const compiled = engine.compile(report, weights, { batch, keep: read });
  try {
    const result = await compiled.run(feeds, { read, timing: options.timing });
    return { tensors: result.tensors, losses: regularizationLosses(report, weights, result.tensors), timings: result.timings };
  } finally {
    compiled.destroy();
  }
}
