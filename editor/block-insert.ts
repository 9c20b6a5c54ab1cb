/** An inserted block as one edit of the graph: its own Input when it has no anchor, its nodes laid out beside
 *  the anchor and moved down clear of the nodes already there, and a group, so it collapses to one node (G). */
import { blockDefaults, type BlockDef, type BlockParamValue, type GraphFile } from '../src/index.ts';
import { addNode, addNodes, moveNodes, takenNames, type Position } from './graph-edits.ts';
import { addGroup } from './groups.ts';
import { clearOf, layeredLayout, NODE_WIDTH } from './layout.ts';

/** The node a block attaches to: the one selected, when it has a shape. */
export interface BlockAnchor { id: string; name: string; shape: number[] }

export interface BlockPlacement {
  anchor: BlockAnchor | null;
  /** Where a block without an anchor puts its Input: a drop's position, or room near the view's centre. */
  position: Position | undefined;
  viewCentre: () => Position;
  /** A node's height as the canvas draws it. */
  drawnHeight: (n: GraphFile['nodes'][number]) => number;
}

export function placeBlock(graph: GraphFile, block: BlockDef, values: Record<string, BlockParamValue>, place: BlockPlacement): { graph: GraphFile; ids: string[]; output: string } {
  const { anchor, drawnHeight } = place;
  let input: string, inputShape: number[], origin: Position;
  if (anchor) {
    const at = graph.nodes.find((n) => n.id === anchor.id)?.layout ?? { x: 0, y: 0 };
    input = anchor.id;
    inputShape = anchor.shape;
    origin = { x: at.x + 300, y: at.y };
  } else {
    const at = place.position ?? clearOf(graph.nodes, place.viewCentre(), undefined, drawnHeight);
    const added = addNode(graph, 'Input', at, { shape: block.defaultInput });
    graph = added.graph;
    input = added.id;
    inputShape = block.defaultInput;
    origin = { x: at.x + 300, y: at.y };
  }
  const built = block.build({ ...blockDefaults(block), ...values }, { input, inputShape, taken: takenNames(graph) });
  // The block goes beside its anchor, moved down clear of the nodes already there.
  let positions = layeredLayout(built.nodes, origin);
  const xs = Object.values(positions).map((p) => p.x), ys = Object.values(positions).map((p) => p.y);
  const top = Math.min(...ys);
  const clear = clearOf(graph.nodes, { x: Math.min(...xs), y: top }, { width: Math.max(...xs) - Math.min(...xs) + NODE_WIDTH, height: Math.max(...ys) - top + 160 }, drawnHeight);
  if (clear.y !== top) {
    positions = Object.fromEntries(Object.entries(positions).map(([id, p]) => [id, { x: p.x, y: p.y + clear.y - top }]));
    // A block's own new Input moves with it.
    if (!anchor) graph = moveNodes(graph, { [input]: { x: origin.x - 300, y: origin.y + clear.y - top } });
  }
  graph = addNodes(graph, built.nodes.map((n) => ({ ...n, layout: positions[n.id] })));
  graph = addGroup(graph, built.name, built.nodes.map((n) => n.id)).graph;
  return { graph, ids: built.nodes.map((n) => n.id), output: built.output };
}
