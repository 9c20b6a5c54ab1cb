// Feature extraction as the lecture does it, `Model(inputs=base.input, outputs=base.get_layer('block4_pool').output)`:
// the part of a graph that the chosen nodes need, with those nodes as its outputs.
import type { GraphReport } from '../graph/analyze.ts';
import { pruneGroups } from '../graph/groups.ts';
import type { GraphFile } from '../graph/types.ts';

/**
 * The sub-graph computing `outputs` (node ids of the analysed `graph`). Every kept node keeps its
 * id, so seeded weights stay the same, and its name, pinned, so default names (conv2d_3) do not shift.
 */
export function featureGraph(graph: GraphFile, report: GraphReport, outputs: string[]): GraphFile {
  const keep = new Set<string>();
  const stack = [...outputs];
  while (stack.length) {
    const id = stack.pop()!;
    if (keep.has(id)) continue;
    const node = report.byId.get(id);
    if (!node) throw new Error(`featureGraph: '${id}' is not a node of the graph`);
    keep.add(id);
    stack.push(...node.inputs);
  }
  const nodes = graph.nodes.filter((n) => keep.has(n.id)).map((n) => ({ ...n, name: report.byId.get(n.id)!.name }));
  return pruneGroups({ ...graph, nodes, outputs });
}
