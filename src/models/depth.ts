// Two meanings of "depth" in Keras' applications table. The lecture's (older keras.io) column is the
// topological depth: the most layers on one path from the input to the output, the Input included.
// Today's keras.io column counts the layers that hold weights (conv, dense, batch norm, normalization).
import type { GraphReport } from '../graph/analyze.ts';

export interface Depth {
  /** Most layers on any input → output path, Input and output included. */
  topological: number;
  /** Layers with at least one weight. */
  weighted: number;
}

export function modelDepth(report: GraphReport): Depth {
  const longest = new Map<string, number>();
  for (const id of report.order) {
    const r = report.byId.get(id)!;
    longest.set(id, 1 + Math.max(0, ...r.inputs.map((i) => longest.get(i) ?? 0)));
  }
  return {
    topological: Math.max(0, ...report.outputs.map((o) => longest.get(o) ?? 0)),
    weighted: report.nodes.filter((r) => r.weights.length > 0).length,
  };
}
