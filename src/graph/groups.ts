// Keeping a graph's optional groups consistent when nodes go (a delete, a feature-extraction cut):
// members that are no longer nodes leave their group, and a group left empty goes.
import type { GraphFile } from './types.ts';

export function pruneGroups<G extends GraphFile>(g: G): G {
  if (!g.groups) return g;
  const ids = new Set(g.nodes.map((n) => n.id));
  const groups = g.groups.map((x) => ({ ...x, nodes: x.nodes.filter((id) => ids.has(id)) })).filter((x) => x.nodes.length);
  const next: GraphFile = { ...g, groups };
  if (!groups.length) delete next.groups;
  return next as G;
}
