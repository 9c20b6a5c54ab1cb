// Node sizes and a quick layered layout for nodes that arrive without positions (example files,
// inserted blocks). The toolbar's "Arrange" runs ELK for a better one.
import type { GraphNode } from '../src/index.ts';
import type { Position } from './graph-edits.ts';

export const NODE_WIDTH = 220;
const HEADER = 74;
const SOCKET_ROW = 26;
const FOOTER = 46;
const ERROR_BOX = 40;

/** Fixed sizes: ELK and the minimap read them, and the node view draws itself to them. */
export function nodeHeight(sockets: number, hasError: boolean): number {
  return HEADER + Math.max(1, sockets) * SOCKET_ROW + FOOTER + (hasError ? ERROR_BOX : 0);
}

const COLUMN = NODE_WIDTH + 80;
const ROW = 190;

/**
 * Columns by longest path from the sources (inputs from outside `nodes` count as sources), rows in
 * file order, each column centred on the first; placed with its top-left at `origin`.
 */
export function layeredLayout(nodes: GraphNode[], origin: Position = { x: 0, y: 0 }): Record<string, Position> {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const depth = new Map<string, number>();
  const visiting = new Set<string>();
  const depthOf = (id: string): number => {
    const known = depth.get(id);
    if (known !== undefined) return known;
    if (visiting.has(id)) return 0; // a cycle: analyzeGraph reports it; any column will do
    visiting.add(id);
    const inputs = (byId.get(id)?.inputs ?? []).filter((i) => byId.has(i));
    const d = inputs.length ? 1 + Math.max(...inputs.map(depthOf)) : 0;
    visiting.delete(id);
    depth.set(id, d);
    return d;
  };
  const columns = new Map<number, string[]>();
  for (const n of nodes) {
    const d = depthOf(n.id);
    columns.set(d, [...(columns.get(d) ?? []), n.id]);
  }
  const tallest = Math.max(0, ...[...columns.values()].map((c) => c.length));
  const positions: Record<string, Position> = {};
  for (const [d, ids] of columns) {
    const top = ((tallest - ids.length) * ROW) / 2;
    ids.forEach((id, row) => (positions[id] = { x: origin.x + d * COLUMN, y: origin.y + top + row * ROW }));
  }
  return positions;
}

/** Gives a layout to every node that has none, keeping the others where they are. */
export function placeUnplaced(nodes: GraphNode[]): GraphNode[] {
  const unplaced = nodes.filter((n) => !n.layout);
  if (!unplaced.length) return nodes;
  const placed = nodes.filter((n) => n.layout);
  const below = placed.length ? Math.max(...placed.map((n) => n.layout!.y)) + 260 : 0;
  const positions = layeredLayout(unplaced, { x: 0, y: below });
  return nodes.map((n) => (n.layout ? n : { ...n, layout: positions[n.id] }));
}

/**
 * Moves a box of `size` at `at` down, a row at a time, until it overlaps none of the placed nodes (a
 * node clicked in from the palette or a block inserted next to its anchor, not on top of a neighbour).
 */
export function clearOf(
  placed: GraphNode[], at: Position, size: { width: number; height: number } = { width: NODE_WIDTH, height: ROW - 30 },
  heightOf: (n: GraphNode) => number = (n) => nodeHeight(n.inputs?.length ?? 0, false),
): Position {
  const boxes = placed.flatMap((n) => (n.layout ? [{ ...n.layout, height: heightOf(n) }] : []));
  const hits = (y: number) => boxes.some((b) => b.x < at.x + size.width + 20 && at.x < b.x + NODE_WIDTH + 20 && b.y < y + size.height + 20 && y < b.y + b.height + 20);
  let y = at.y;
  for (let tries = 0; tries < 200 && hits(y); tries++) y += ROW / 2;
  return { x: at.x, y };
}
