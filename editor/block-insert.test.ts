import { describe, expect, it } from 'vitest';
import { findBlock, type GraphFile } from '../src/index.ts';
import { placeBlock } from './block-insert.ts';
import { emptyGraph } from './graph-edits.ts';

const block = findBlock('ResNetBasic')!;
const height = () => 100;

describe('placeBlock', () => {
  it('without an anchor, brings its own Input and records the block as a group of its nodes', () => {
    const { graph, ids, output } = placeBlock(emptyGraph(), block, {}, { anchor: null, position: { x: 0, y: 0 }, viewCentre: () => ({ x: 0, y: 0 }), drawnHeight: height });
    const input = graph.nodes.find((n) => n.op === 'Input')!;
    expect(input.attrs?.shape).toEqual(block.defaultInput);
    expect(ids).toContain(output);
    expect(graph.nodes.map((n) => n.id)).toEqual([input.id, ...ids]);
    expect(graph.groups).toEqual([expect.objectContaining({ nodes: ids })]);
  });

  it('attached to a node, starts beside it and lands clear of the nodes already there', () => {
    const start: GraphFile = {
      ...emptyGraph(),
      nodes: [
        { id: 'in', op: 'Input', attrs: { shape: [8, 8, 16] }, inputs: [], layout: { x: 0, y: 0 } },
        { id: 'other', op: 'ReLU', attrs: {}, inputs: ['in'], layout: { x: 300, y: 0 } },
      ],
    };
    const { graph, ids } = placeBlock(start, block, {}, { anchor: { id: 'in', name: 'in', shape: [8, 8, 16] }, position: undefined, viewCentre: () => ({ x: 0, y: 0 }), drawnHeight: height });
    const placed = graph.nodes.filter((n) => ids.includes(n.id));
    expect(graph.nodes.filter((n) => n.op === 'Input')).toHaveLength(1);
    expect(Math.min(...placed.map((n) => n.layout!.x))).toBe(300);
    // Moved down below `other` (at y 0, 100 high), not on top of it.
    expect(Math.min(...placed.map((n) => n.layout!.y))).toBeGreaterThanOrEqual(100);
  });
});
