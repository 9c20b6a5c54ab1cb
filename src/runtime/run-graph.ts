// One-shot runs of a whole graph on WebGPU, as the CLI and scripts want them: weights materialised,
// requested tensors read back, Keras' regularization losses (layer.losses) computed alongside.
import type { GraphReport } from '../graph/analyze.ts';
import type { Tensor } from '../tensor.ts';
import type { Engine, RunResult } from './engine.ts';
import { isRegularized, nodeLosses, totalLosses, type Losses } from './losses.ts';
import { materializeWeights, type WeightStore } from './reference.ts';

export type { Losses } from './losses.ts';

/** Keras' `model.losses` summed over the graph, given every regularized node's output. */
export function regularizationLosses(report: GraphReport, weights: Map<string, Record<string, Tensor>>, outputs: Map<string, Tensor>): Losses {
  return totalLosses(report.nodes.filter(isRegularized).map((node) => nodeLosses(node, weights.get(node.id), outputs.get(node.id))));
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
