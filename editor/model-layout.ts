// Layout for an opened model (zoo, ONNX, pretrained): ELK's layered layout in a worker of its own, so
// a 1 000-node NASNet never blocks the page; past a time limit, a layered layout by topological depth.
// Either way the long strip a CNN makes is wrapped into rows, cut where the fewest wires cross.
import ELK from 'elkjs/lib/elk-api.js';
import elkWorkerUrl from 'elkjs/lib/elk-worker.min.js?url';
import { findOp, type GraphFile, type GraphNode } from '../src/index.ts';
import type { Position } from './graph-edits.ts';
import { collapsedView, drawnLinks, groupIdOf } from './groups.ts';
import { NODE_WIDTH, nodeHeight } from './layout.ts';
import { OpNode } from './op-node.ts';

type Box = { x: number; y: number; width: number; height: number };

const NODE_GAP = 40;
const LAYER_GAP = 70;
const ROW_GAP = 260;
/** Width ÷ height the wrapped layout aims at: about a screen's. */
const ASPECT = 16 / 10;

/**
 * The graph with every node placed: ELK within `timeoutMs`, else by depth; `method` says which. With
 * collapsed blocks, what is drawn is laid out (a block as one node) and each block's members are laid
 * out inside it, from its place: expanding it shows them there.
 */
export async function arrangeModel(graph: GraphFile, options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<{ graph: GraphFile; method: 'elk' | 'depth' }> {
  const collapsed = (graph.groups ?? []).filter((g) => g.collapsed);
  if (!collapsed.length) return arrangeAll(graph, options);
  const view = collapsedView(graph, collapsed);
  const links = drawnLinks(graph, view);
  const inputsOf = (id: string) => links.filter((l) => l.target === id).map((l) => l.source);
  const drawn: GraphNode[] = [
    ...graph.nodes.filter((n) => !view.hiddenBy.has(n.id)).map((n) => ({ ...n, inputs: inputsOf(n.id) })),
    ...[...view.groups.values()].map((cg) => ({ id: `⊞${cg.group.id}`, op: 'Block', inputs: inputsOf(`⊞${cg.group.id}`) })),
  ];
  const sizes = new Map(drawn.map((n) => {
    const cg = view.groups.get(groupIdOf(n.id) ?? '');
    return [n.id, cg ? { width: NODE_WIDTH, height: nodeHeight(Math.max(cg.inputs.length, cg.outputs.length), false) } : sizeOf(n)];
  }));
  const { graph: placed, method } = await arrangeAll({ ...graph, nodes: drawn }, options, sizes);
  const at = new Map(placed.nodes.map((n) => [n.id, n.layout!]));
  const layout = new Map<string, Position>();
  for (const cg of view.groups.values()) {
    const members = new Set(cg.group.nodes);
    const nodes = graph.nodes.filter((n) => members.has(n.id)).map((n) => ({ ...n, inputs: (n.inputs ?? []).filter((i) => members.has(i)) }));
    const boxes = depthLayout(nodes, new Map(nodes.map((n) => [n.id, sizeOf(n)])));
    const left = Math.min(...[...boxes.values()].map((b) => b.x)), top = Math.min(...[...boxes.values()].map((b) => b.y));
    const origin = at.get(`⊞${cg.group.id}`)!;
    for (const [id, b] of boxes) layout.set(id, { x: Math.round(origin.x + b.x - left), y: Math.round(origin.y + b.y - top) });
  }
  return { graph: { ...graph, nodes: graph.nodes.map((n) => ({ ...n, layout: at.get(n.id) ?? layout.get(n.id)! })) }, method };
}

async function arrangeAll(graph: GraphFile, { timeoutMs = 12_000, signal }: { timeoutMs?: number; signal?: AbortSignal }, known?: Map<string, { width: number; height: number }>): Promise<{ graph: GraphFile; method: 'elk' | 'depth' }> {
  const sizes = known ?? new Map(graph.nodes.map((n) => [n.id, sizeOf(n)]));
  let boxes = await elkLayout(graph.nodes, sizes, timeoutMs, signal).catch((e: Error) => {
    if (signal?.aborted) throw e;
    return null;
  });
  const method = boxes ? 'elk' : 'depth';
  boxes ??= depthLayout(graph.nodes, sizes);
  const placed = wrapRows(boxes, graph.nodes);
  return { graph: { ...graph, nodes: graph.nodes.map((n) => ({ ...n, layout: placed.get(n.id)! })) }, method };
}

/** The node's drawn size, as the canvas will draw it (sockets from the op's arity). */
function sizeOf(n: GraphNode): { width: number; height: number } {
  const sockets = new OpNode(findOp(n.op), n.op, n.id).socketsFor((n.inputs ?? []).length);
  return { width: NODE_WIDTH, height: nodeHeight(sockets, false) };
}

const edgesOf = (nodes: GraphNode[]) => {
  const ids = new Set(nodes.map((n) => n.id));
  return nodes.flatMap((n) => (n.inputs ?? []).filter((s) => ids.has(s)).map((s) => [s, n.id] as const));
};

async function elkLayout(nodes: GraphNode[], sizes: Map<string, { width: number; height: number }>, timeoutMs: number, signal?: AbortSignal): Promise<Map<string, Box>> {
  const elk = new ELK({ workerFactory: () => new Worker(elkWorkerUrl) });
  let timer = 0;
  const stop = () => (elk as unknown as { terminateWorker(): void }).terminateWorker();
  try {
    const layout = elk.layout({
      id: 'root',
      layoutOptions: {
        'elk.algorithm': 'layered', 'elk.direction': 'RIGHT',
        'elk.spacing.nodeNode': String(NODE_GAP), 'elk.layered.spacing.nodeNodeBetweenLayers': String(LAYER_GAP),
      },
      children: nodes.map((n) => ({ id: n.id, ...sizes.get(n.id)! })),
      edges: edgesOf(nodes).map(([s, t], i) => ({ id: `e${i}`, sources: [s], targets: [t] })),
    });
    const limit = new Promise<never>((_, reject) => {
      timer = window.setTimeout(() => reject(new Error(`ELK took longer than ${timeoutMs} ms`)), timeoutMs);
      signal?.addEventListener('abort', () => reject(new DOMException('cancelled', 'AbortError')), { once: true });
    });
    const result = await Promise.race([layout, limit]);
    return new Map((result.children ?? []).map((c) => [c.id, { x: c.x ?? 0, y: c.y ?? 0, width: c.width ?? NODE_WIDTH, height: c.height ?? 0 }]));
  } finally {
    clearTimeout(timer);
    stop();
  }
}

/** Columns by longest path from the inputs, each stacked by the nodes' own heights, centred. */
export function depthLayout(nodes: GraphNode[], sizes: Map<string, { width: number; height: number }>): Map<string, Box> {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const depth = new Map<string, number>();
  // Iterative longest path: a recursive one overflows the stack on a 1 000-node chain in some engines.
  const order: string[] = [];
  const state = new Map<string, 1 | 2>();
  for (const root of nodes) {
    const stack: [string, boolean][] = [[root.id, false]];
    while (stack.length) {
      const [id, done] = stack.pop()!;
      if (done) {
        state.set(id, 2);
        order.push(id);
        continue;
      }
      if (state.has(id)) continue;
      state.set(id, 1);
      stack.push([id, true]);
      for (const i of byId.get(id)?.inputs ?? []) if (byId.has(i) && !state.has(i)) stack.push([i, false]);
    }
  }
  for (const id of order) {
    const inputs = (byId.get(id)!.inputs ?? []).filter((i) => depth.has(i));
    depth.set(id, inputs.length ? 1 + Math.max(...inputs.map((i) => depth.get(i)!)) : 0);
  }
  const columns = new Map<number, string[]>();
  for (const n of nodes) columns.set(depth.get(n.id)!, [...(columns.get(depth.get(n.id)!) ?? []), n.id]);
  const heightOf = (ids: string[]) => ids.reduce((h, id) => h + sizes.get(id)!.height, 0) + NODE_GAP * (ids.length - 1);
  const tallest = Math.max(0, ...[...columns.values()].map(heightOf));
  const boxes = new Map<string, Box>();
  for (const [d, ids] of columns) {
    let y = (tallest - heightOf(ids)) / 2;
    for (const id of ids) {
      const { width, height } = sizes.get(id)!;
      boxes.set(id, { x: d * (NODE_WIDTH + LAYER_GAP), y, width, height });
      y += height + NODE_GAP;
    }
  }
  return boxes;
}

/**
 * Cuts a left-to-right layout into rows stacked top to bottom, so the whole model fits a screen's shape.
 * Cuts fall between layers, each near its even share of the width, where the fewest wires cross.
 */
export function wrapRows(boxes: Map<string, Box>, nodes: GraphNode[]): Map<string, Position> {
  const all = [...boxes.values()];
  if (!all.length) return new Map();
  const left = Math.min(...all.map((b) => b.x));
  const width = Math.max(...all.map((b) => b.x + b.width)) - left;
  const height = Math.max(...all.map((b) => b.y + b.height)) - Math.min(...all.map((b) => b.y));
  const rows = Math.max(1, Math.round(Math.sqrt(width / (ASPECT * (height + ROW_GAP)))));
  // Candidate cuts: the left edge of each layer (distinct x); a wire crosses a cut when its ends straddle it.
  const xs = [...new Set(all.map((b) => Math.round(b.x)))].sort((a, b) => a - b);
  const index = new Map(xs.map((x, i) => [x, i]));
  const crossing = new Array<number>(xs.length + 1).fill(0);
  for (const [s, t] of edgesOf(nodes)) {
    const [a, b] = [index.get(Math.round(boxes.get(s)!.x))!, index.get(Math.round(boxes.get(t)!.x))!].sort((p, q) => p - q);
    crossing[a + 1]++;
    crossing[b + 1]--;
  }
  for (let i = 1; i < crossing.length; i++) crossing[i] += crossing[i - 1];
  const cuts = [xs[0]];
  for (let k = 1; k < rows; k++) {
    const target = left + (k * width) / rows;
    const slack = (0.25 * width) / rows;
    let best = -1;
    for (let i = 1; i < xs.length; i++) {
      if (xs[i] <= cuts[cuts.length - 1] || Math.abs(xs[i] - target) > slack) continue;
      const better = best < 0 || crossing[i] < crossing[best] || (crossing[i] === crossing[best] && Math.abs(xs[i] - target) < Math.abs(xs[best] - target));
      if (better) best = i;
    }
    if (best > 0) cuts.push(xs[best]);
  }
  const rowOf = (x: number) => {
    let r = 0;
    while (r + 1 < cuts.length && Math.round(x) >= cuts[r + 1]) r++;
    return r;
  };
  const members = cuts.map(() => [] as string[]);
  for (const [id, b] of boxes) members[rowOf(b.x)].push(id);
  const placed = new Map<string, Position>();
  let top = 0;
  members.forEach((ids, r) => {
    if (!ids.length) return;
    const rowTop = Math.min(...ids.map((id) => boxes.get(id)!.y));
    const rowBottom = Math.max(...ids.map((id) => boxes.get(id)!.y + boxes.get(id)!.height));
    for (const id of ids) {
      const b = boxes.get(id)!;
      placed.set(id, { x: Math.round(b.x - cuts[r]), y: Math.round(top + b.y - rowTop) });
    }
    top += rowBottom - rowTop + ROW_GAP;
  });
  return placed;
}
