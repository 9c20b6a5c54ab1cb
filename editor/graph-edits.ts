// Edits of the graph file, the editor's source of truth: every function takes a graph and returns a
// new one (never mutates), so the undo history can keep whole snapshots. Format: src/graph/types.ts.
import { GRAPH_FORMAT, GRAPH_VERSION, kerasBaseName, type Attrs, type GraphFile, type GraphNode } from '../src/index.ts';
import { freshId, pruneGroups } from '../src/graph/groups.ts';

export type Position = { x: number; y: number };

export const emptyGraph = (): GraphFile => ({ format: GRAPH_FORMAT, version: GRAPH_VERSION, name: 'untitled', nodes: [], outputs: [] });

const clone = (g: GraphFile): GraphFile => structuredClone(g);

/** Every id and explicit name in use. */
export function takenNames(g: GraphFile): Set<string> {
  return new Set(g.nodes.flatMap((n) => (n.name ? [n.id, n.name] : [n.id])));
}

/** Outputs stay the sinks: a graph edited by hand has no other sensible choice. */
function withSinkOutputs(g: GraphFile): GraphFile {
  const consumed = new Set(g.nodes.flatMap((n) => n.inputs ?? []));
  g.outputs = g.nodes.filter((n) => !consumed.has(n.id)).map((n) => n.id);
  return g;
}

export function addNode(g: GraphFile, op: string, at: Position, attrs: Attrs = {}, inputs: string[] = []): { graph: GraphFile; id: string } {
  const next = clone(g);
  const id = freshId(kerasBaseName(op), takenNames(next));
  next.nodes.push({ id, op, attrs, inputs, layout: at });
  return { graph: withSinkOutputs(next), id };
}

/** Adds ready-made nodes (a block, a paste) in one edit. */
export function addNodes(g: GraphFile, nodes: GraphNode[]): GraphFile {
  const next = clone(g);
  next.nodes.push(...structuredClone(nodes));
  return withSinkOutputs(next);
}

export function removeNodes(g: GraphFile, ids: Iterable<string>): GraphFile {
  const gone = new Set(ids);
  const next = clone(g);
  next.nodes = next.nodes.filter((n) => !gone.has(n.id));
  for (const n of next.nodes) n.inputs = (n.inputs ?? []).filter((i) => !gone.has(i));
  // Blocks (groups) lose the deleted members; an emptied block goes.
  return withSinkOutputs(pruneGroups(next));
}

/** Replaces a node's inputs, in slot order. */
export function setInputs(g: GraphFile, target: string, sources: string[]): GraphFile {
  const next = clone(g);
  const node = next.nodes.find((n) => n.id === target);
  if (!node) return g;
  node.inputs = [...sources];
  return withSinkOutputs(next);
}

/** Sets one attr; `undefined` removes it so the Keras default applies again. */
export function setAttr(g: GraphFile, id: string, key: string, value: unknown): GraphFile {
  const next = clone(g);
  const node = next.nodes.find((n) => n.id === id);
  if (!node) return g;
  const attrs = { ...(node.attrs ?? {}) };
  if (value === undefined) delete attrs[key];
  else attrs[key] = value;
  node.attrs = attrs;
  return next;
}

/** Renames a node; an empty name falls back to the Keras default. */
export function rename(g: GraphFile, id: string, name: string): GraphFile {
  const next = clone(g);
  const node = next.nodes.find((n) => n.id === id);
  if (!node) return g;
  if (name.trim()) node.name = name.trim();
  else delete node.name;
  return next;
}

export function moveNodes(g: GraphFile, positions: Record<string, Position>): GraphFile {
  const next = clone(g);
  for (const n of next.nodes) if (positions[n.id]) n.layout = { x: Math.round(positions[n.id].x), y: Math.round(positions[n.id].y) };
  return next;
}

/** The selected nodes alone, for the clipboard: links to nodes outside the selection are dropped. */
export function extractNodes(g: GraphFile, ids: Iterable<string>): GraphNode[] {
  const keep = new Set(ids);
  return structuredClone(g.nodes.filter((n) => keep.has(n.id))).map((n) => ({ ...n, inputs: (n.inputs ?? []).filter((i) => keep.has(i)) }));
}

/**
 * Copies of `nodes` with fresh ids and names, links among them kept, shifted by `offset`.
 * With `keepExternal`, inputs from outside the copied set still point at the original nodes (duplicate).
 */
export function cloneNodes(g: GraphFile, nodes: GraphNode[], offset: Position, keepExternal = false): { graph: GraphFile; ids: string[]; idMap: Map<string, string> } {
  const taken = takenNames(g);
  const idMap = new Map<string, string>();
  for (const n of nodes) {
    const id = freshId(n.id, taken);
    taken.add(id);
    idMap.set(n.id, id);
  }
  const existing = new Set(g.nodes.map((n) => n.id));
  const copies: GraphNode[] = nodes.map((n) => {
    const copy: GraphNode = structuredClone(n);
    copy.id = idMap.get(n.id)!;
    copy.inputs = (n.inputs ?? []).flatMap((i) => (idMap.has(i) ? [idMap.get(i)!] : keepExternal && existing.has(i) ? [i] : []));
    if (n.name) {
      copy.name = freshId(n.name, taken);
      taken.add(copy.name);
    }
    const at = n.layout ?? { x: 0, y: 0 };
    copy.layout = { x: at.x + offset.x, y: at.y + offset.y };
    return copy;
  });
  return { graph: addNodes(g, copies), ids: copies.map((c) => c.id), idMap };
}

/** A graph as loaded: every node has inputs and attrs, outputs follow the sinks when absent. */
export function normalizeGraph(raw: GraphFile): GraphFile {
  const g = structuredClone(raw);
  for (const n of g.nodes) {
    n.inputs ??= [];
    n.attrs ??= {};
  }
  if (!Array.isArray(g.outputs)) withSinkOutputs(g);
  return g;
}
