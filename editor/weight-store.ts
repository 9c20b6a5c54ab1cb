// The editor session's weight store: the real weights of every model opened with them (ONNX files,
// pretrained backbones), under the keys the graph's node `weights` refer to. Kept in memory only: the
// graph JSON (autosave, undo, share links) carries the references, never the data.
import type { GraphFile, WeightStore } from '../src/index.ts';

const session: WeightStore = new Map();
let opened = 0;

/** The store a run passes to materializeWeights(report, seed, store): one Map for the whole session. */
export function getWeightStore(): WeightStore {
  return session;
}

/**
 * Adds a model's weights to the session store and returns its graph pointing at them. Keys that another
 * model already uses get a prefix (`2:conv1/kernel`), so undoing back to an earlier model still finds
 * its own weights, never the newer model's tensors of the same name.
 */
export function adoptWeights(graph: GraphFile, weights: WeightStore): GraphFile {
  opened++;
  const clash = [...weights.keys()].some((key) => session.has(key) && session.get(key) !== weights.get(key));
  const prefix = clash ? `${opened}:` : '';
  for (const [key, tensor] of weights) session.set(prefix + key, tensor);
  if (!prefix) return graph;
  return {
    ...graph,
    nodes: graph.nodes.map((n) => (n.weights
      ? { ...n, weights: Object.fromEntries(Object.entries(n.weights).map(([name, key]) => [name, prefix + key])) }
      : n)),
  };
}
