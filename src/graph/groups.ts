// Keeping a graph's optional groups consistent when nodes go (a delete, a feature-extraction cut):
// members that are no longer nodes leave their group, and a group left empty goes.
import type { GraphFile, GraphGroup } from './types.ts';

export function pruneGroups<G extends GraphFile>(g: G): G {
  if (!g.groups) return g;
  const ids = new Set(g.nodes.map((n) => n.id));
  const groups = g.groups.map((x) => ({ ...x, nodes: x.nodes.filter((id) => ids.has(id)) })).filter((x) => x.nodes.length);
  const next: GraphFile = { ...g, groups };
  if (!groups.length) delete next.groups;
  return next as G;
}

/** The groups every member of which is in `ids`: what a copy carries as blocks (a group partly copied is not one). */
export function groupsWithin(g: GraphFile, ids: Iterable<string>): GraphGroup[] {
  const wanted = new Set(ids);
  return structuredClone((g.groups ?? []).filter((x) => x.nodes.length && x.nodes.every((id) => wanted.has(id))));
}

/**
 * Adds copies of `groups` over copied nodes (`idMap`: original id → copy's id) to `g`: fresh ids, names
 * suffixed the way copied node names are (`block` → `block_1`), collapse state kept. Members not copied drop out.
 */
export function copyGroups(g: GraphFile, groups: readonly GraphGroup[], idMap: ReadonlyMap<string, string>): GraphFile {
  const ids = new Set((g.groups ?? []).map((x) => x.id));
  const names = new Set((g.groups ?? []).map((x) => x.name));
  const copies: GraphGroup[] = [];
  for (const x of groups) {
    const nodes = x.nodes.flatMap((id) => (idMap.has(id) ? [idMap.get(id)!] : []));
    if (!nodes.length) continue;
    const copy: GraphGroup = { id: freshId(x.id, ids), name: freshId(x.name, names), nodes };
    if (x.collapsed) copy.collapsed = true;
    ids.add(copy.id);
    names.add(copy.name);
    copies.push(copy);
  }
  return copies.length ? { ...g, groups: [...(g.groups ?? []), ...copies] } : g;
}

/** `base`, else `base_1`, `base_2`, … whichever is free (copied nodes' ids and names, copied groups). */
export function freshId(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  let k = 1;
  while (taken.has(`${base}_${k}`)) k++;
  return `${base}_${k}`;
}
