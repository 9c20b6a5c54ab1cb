// Blocks as collapsible groups (the graph file's optional "groups"): edits of the group list, and the
// collapsed view the canvas draws, where each collapsed group is one node with the group's external
// inputs and outputs as its sockets. Pure functions over the graph file, like graph-edits.ts.
import type { GraphFile, GraphGroup, GraphNode, GraphReport } from '../src/index.ts';
import { freshId } from '../src/graph/groups.ts';
import type { Position } from './graph-edits.ts';

/** Prefix of a collapsed group's node on the canvas: not a character ids made by deepwire or Keras use. */
export const GROUP_PREFIX = '⊞';
export const groupNodeId = (groupId: string) => `${GROUP_PREFIX}${groupId}`;
export const groupIdOf = (canvasId: string): string | null => (canvasId.startsWith(GROUP_PREFIX) ? canvasId.slice(GROUP_PREFIX.length) : null);

/** A collapsed group as one node: which tensors enter it, which leave it, where it sits. */
export interface CollapsedGroup {
  group: GraphGroup;
  /** Source node ids feeding members from outside, in first-use order: input socket k reads inputs[k]. */
  inputs: string[];
  /** Members read outside the group (or graph outputs): output socket k carries outputs[k]. */
  outputs: string[];
  /** Top-left of the members' layouts: where the collapsed node is drawn. */
  origin: Position;
}

export interface CollapsedView {
  /** Collapsed group id → its node's sockets and place. */
  groups: Map<string, CollapsedGroup>;
  /** Node id → the collapsed group hiding it. */
  hiddenBy: Map<string, string>;
  /** Node id → the (expanded or collapsed) group it belongs to. */
  groupOf: Map<string, GraphGroup>;
}

/** The collapsed groups of `groups` (the report's checked list) and what each hides. */
export function collapsedView(graph: GraphFile, groups: readonly GraphGroup[]): CollapsedView {
  const view: CollapsedView = { groups: new Map(), hiddenBy: new Map(), groupOf: new Map() };
  for (const g of groups) for (const id of g.nodes) view.groupOf.set(id, g);
  const collapsed = groups.filter((g) => g.collapsed);
  if (!collapsed.length) return view;
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const consumers = new Map<string, string[]>();
  for (const n of graph.nodes) for (const i of n.inputs ?? []) consumers.set(i, [...(consumers.get(i) ?? []), n.id]);
  const outputs = new Set(graph.outputs);
  for (const g of collapsed) {
    const members = new Set(g.nodes);
    for (const id of g.nodes) view.hiddenBy.set(id, g.id);
    const inputs: string[] = [];
    for (const id of g.nodes) for (const src of byId.get(id)?.inputs ?? []) if (!members.has(src) && !inputs.includes(src)) inputs.push(src);
    const outs = g.nodes.filter((id) => outputs.has(id) || (consumers.get(id) ?? []).some((c) => !members.has(c)));
    const placed = g.nodes.map((id) => byId.get(id)?.layout).filter((p): p is Position => !!p);
    const origin = placed.length ? { x: Math.min(...placed.map((p) => p.x)), y: Math.min(...placed.map((p) => p.y)) } : { x: 0, y: 0 };
    // A group nothing reads (a dead end) still shows its last member's output.
    view.groups.set(g.id, { group: g, inputs, outputs: outs.length ? outs : [g.nodes[g.nodes.length - 1]], origin });
  }
  return view;
}

/** One wire of the drawn graph: canvas node ids and socket keys. */
export interface DrawnLink { source: string; output: string; target: string; input: string }

/** The wires between what is drawn: links inside a collapsed group vanish, links into it meet its sockets. */
export function drawnLinks(graph: GraphFile, view: CollapsedView): DrawnLink[] {
  const links = new Map<string, DrawnLink>();
  const ids = new Set(graph.nodes.map((n) => n.id));
  const from = (src: string) => {
    const g = view.hiddenBy.get(src);
    return g === undefined ? { source: src, output: 'out' } : { source: groupNodeId(g), output: `out${view.groups.get(g)!.outputs.indexOf(src)}` };
  };
  for (const n of graph.nodes) {
    const tg = view.hiddenBy.get(n.id);
    (n.inputs ?? []).forEach((src, slot) => {
      if (!ids.has(src)) return;
      const sg = view.hiddenBy.get(src);
      if (tg !== undefined && sg === tg) return;
      const s = from(src);
      if (s.output === 'out-1') return;
      const link = tg === undefined
        ? { ...s, target: n.id, input: `in${slot}` }
        : { ...s, target: groupNodeId(tg), input: `in${view.groups.get(tg)!.inputs.indexOf(src)}` };
      links.set(`${link.source}\u0000${link.output}\u0000${link.target}\u0000${link.input}`, link);
    });
  }
  return [...links.values()];
}

/** What a collapsed group shows: summed params and FLOPs, its last member's shape, its members' first error. */
export function groupStats(g: GraphGroup, report: GraphReport): {
  params: number; flops: number; shape: readonly number[] | null; problems: { node: string; message: string; hint?: string }[];
} {
  let params = 0, flops = 0;
  const problems: { node: string; message: string; hint?: string }[] = [];
  for (const id of g.nodes) {
    const r = report.byId.get(id);
    if (!r) continue;
    params += r.params.trainable + r.params.nonTrainable;
    flops += r.flops;
    for (const p of r.problems) problems.push({ node: r.name, message: p.message, hint: p.hint });
  }
  const last = report.byId.get(g.nodes[g.nodes.length - 1]);
  return { params, flops, shape: last?.shape ?? null, problems };
}

const withGroups = (g: GraphFile, groups: GraphGroup[]): GraphFile => {
  const next: GraphFile = { ...g, groups };
  if (!groups.length) delete next.groups;
  return next;
};

/** Records `nodes` as one group named `name` (an inserted block); returns the graph and the group's id. */
export function addGroup(g: GraphFile, name: string, nodes: string[], collapsed = false): { graph: GraphFile; id: string } {
  const id = freshId(name, new Set((g.groups ?? []).map((x) => x.id)));
  const group: GraphGroup = { id, name, nodes: [...nodes] };
  if (collapsed) group.collapsed = true;
  return { graph: withGroups(g, [...(g.groups ?? []), group]), id };
}

/**
 * Collapses or expands groups: one edit (one undo step). Expanding moves the nodes right of and below
 * the collapsed node aside by the room the members need, so the block opens without covering its neighbours.
 */
export function setCollapsed(g: GraphFile, ids: readonly string[], collapsed: boolean): GraphFile {
  const flip = (graph: GraphFile, wanted: ReadonlySet<string>) => withGroups(graph, (graph.groups ?? []).map((x) => {
    if (!wanted.has(x.id) || !!x.collapsed === collapsed) return x;
    const next = { ...x };
    if (collapsed) next.collapsed = true;
    else delete next.collapsed;
    return next;
  }));
  if (collapsed) return flip(g, new Set(ids));
  // One at a time, the others still collapsed (moving as one), each making room for its members.
  let graph = g;
  for (const id of ids) {
    if (!graph.groups?.find((x) => x.id === id)?.collapsed) continue;
    graph = makeRoom(flip(graph, new Set([id])), id);
  }
  return graph;
}

const NODE_W = 220;
const NODE_H = 180;

/** Shifts what is to the right of (and level with) an expanded group by the members' extra width and height. */
function makeRoom(g: GraphFile, groupId: string): GraphFile {
  const group = g.groups?.find((x) => x.id === groupId);
  if (!group) return g;
  const members = new Set(group.nodes);
  const placed = g.nodes.filter((n) => members.has(n.id) && n.layout).map((n) => n.layout!);
  if (!placed.length) return g;
  const left = Math.min(...placed.map((p) => p.x)), top = Math.min(...placed.map((p) => p.y));
  const dx = Math.max(...placed.map((p) => p.x)) - left; // extra width over one collapsed node
  const bottom = Math.max(...placed.map((p) => p.y)) + NODE_H;
  if (dx <= 0) return g;
  const nodes: GraphNode[] = g.nodes.map((n) => {
    const p = n.layout;
    // Level with the block (its rows overlap) and starting right of the collapsed node.
    if (members.has(n.id) || !p || p.x < left + NODE_W / 2 || p.y + NODE_H < top || p.y > bottom) return n;
    return { ...n, layout: { x: p.x + dx, y: p.y } };
  });
  // A collapsed group moves as one: shift all of its members if its drawn node moved.
  const moved = new Set(nodes.filter((n, i) => n !== g.nodes[i]).map((n) => n.id));
  const shift = new Set<string>();
  for (const x of g.groups ?? []) if (x.collapsed && x.id !== groupId && x.nodes.some((id) => moved.has(id))) for (const id of x.nodes) shift.add(id);
  return {
    ...g,
    nodes: nodes.map((n, i) => (shift.has(n.id) && !moved.has(n.id) && g.nodes[i].layout ? { ...n, layout: { x: g.nodes[i].layout!.x + dx, y: g.nodes[i].layout!.y } } : n)),
  };
}

/** Every group collapsed (how an opened model starts). */
export function collapseAll(g: GraphFile): GraphFile {
  if (!g.groups?.length) return g;
  return { ...g, groups: g.groups.map((x) => ({ ...x, collapsed: true })) };
}

/** The groups that own any of `ids` (node ids or collapsed-group canvas ids). */
export function groupsOwning(g: GraphFile, ids: readonly string[]): GraphGroup[] {
  const wanted = new Set(ids);
  return (g.groups ?? []).filter((x) => wanted.has(groupNodeId(x.id)) || x.nodes.some((id) => wanted.has(id)));
}
