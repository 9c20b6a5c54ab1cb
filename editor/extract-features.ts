// "Extract features here": the node becomes the graph's output, as Keras' Model(inputs, layer.output)
// does, which keeps only what that output needs: the node and its ancestors. Everything after it (the
// classifier head) and branches that don't feed it are dropped; positions are kept.
import type { GraphFile } from '../src/index.ts';
import { pruneGroups } from '../src/graph/groups.ts';

/** The graph cut at `id`; the same graph when there is no such node. */
export function extractFeatures(g: GraphFile, id: string): GraphFile {
  const byId = new Map(g.nodes.map((n) => [n.id, n]));
  if (!byId.has(id)) return g;
  const keep = new Set<string>();
  const stack = [id];
  while (stack.length) {
    const at = stack.pop()!;
    if (keep.has(at) || !byId.has(at)) continue;
    keep.add(at);
    stack.push(...(byId.get(at)!.inputs ?? []));
  }
  const next = structuredClone(g);
  next.nodes = next.nodes.filter((n) => keep.has(n.id));
  next.outputs = [id];
  return pruneGroups(next);
}
