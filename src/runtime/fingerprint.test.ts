// Fingerprints move exactly when a node's output can: op, attrs, weights, upstream, input data.
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../graph/analyze.ts';
import type { GraphFile } from '../graph/types.ts';
import { tensor } from '../tensor.ts';
import { fingerprints, hashFeed, hashTensor } from './fingerprint.ts';

const graph = (convAttrs: Record<string, unknown> = {}): GraphFile => ({
  format: 'deepwire-graph', version: 1,
  nodes: [
    { id: 'x', op: 'Input', attrs: { shape: [4, 4, 2] } },
    { id: 'a', op: 'Conv2D', inputs: ['x'], attrs: { filters: 3, kernel_size: 1, ...convAttrs } },
    { id: 'b', op: 'Conv2D', inputs: ['x'], attrs: { filters: 3, kernel_size: 1 } },
    { id: 'sum', op: 'Add', inputs: ['a', 'b'] },
    { id: 'p', op: 'MaxPool2D', inputs: ['x'] },
  ],
  outputs: ['sum', 'p'],
});

const feed = (v = 1) => ({ x: tensor([1, 4, 4, 2], new Array(32).fill(v)) });
const fp = (g: GraphFile, options: Parameters<typeof fingerprints>[1] = { seed: 1, feeds: feed() }) => fingerprints(analyzeGraph(g), options);

/** Ids whose fingerprints differ between two maps. */
function changed(a: Map<string, string>, b: Map<string, string>): string[] {
  return [...a.keys()].filter((id) => a.get(id) !== b.get(id)).sort();
}

describe('fingerprints', () => {
  it('are stable: the same graph, seed and feed give the same fingerprints', () => {
    expect(changed(fp(graph()), fp(graph()))).toEqual([]);
  });

  it('an attr edit moves the node and its descendants only', () => {
    expect(changed(fp(graph()), fp(graph({ activation: 'relu' })))).toEqual(['a', 'sum']);
  });

  it('a rename or a move on the canvas moves nothing', () => {
    const g = graph();
    const renamed = { ...g, nodes: g.nodes.map((n) => (n.id === 'a' ? { ...n, name: 'renamed', layout: { x: 5, y: 9 } } : n)) };
    expect(changed(fp(g), fp(renamed))).toEqual([]);
  });

  it('new input data moves everything downstream of the Input; the same data in a new array moves nothing', () => {
    expect(changed(fp(graph()), fp(graph(), { seed: 1, feeds: feed(2) }))).toEqual(['a', 'b', 'p', 'sum', 'x']);
    expect(changed(fp(graph()), fp(graph(), { seed: 1, feeds: feed(1) }))).toEqual([]);
  });

  it('the seed moves only nodes with initialised weights and their descendants', () => {
    expect(changed(fp(graph()), fp(graph(), { seed: 2, feeds: feed() }))).toEqual(['a', 'b', 'sum']);
  });

  it('stored weights count by content: new data moves the node, equal data in a new tensor does not', () => {
    const g = graph();
    g.nodes[1].weights = { kernel: 'k' };
    const kernel = (v: number) => tensor([1, 1, 2, 3], new Array(6).fill(v));
    const run = (k: ReturnType<typeof kernel>) => fp(g, { seed: 1, feeds: feed(), store: new Map([['k', k]]) });
    expect(changed(run(kernel(0.5)), run(kernel(0.25)))).toEqual(['a', 'sum']);
    expect(changed(run(kernel(0.5)), run(kernel(0.5)))).toEqual([]);
  });

  it('without feeds the Inputs hash their shape: structure only', () => {
    const structure = fp(graph(), { seed: 1 });
    expect(changed(structure, fp(graph(), { seed: 1 }))).toEqual([]);
    expect(structure.get('x')).not.toBe(fp(graph()).get('x'));
  });

  it('hashes every bit: -0 differs from 0, and shapes count', () => {
    expect(hashFeed(tensor([1], [-0]))).not.toBe(hashFeed(tensor([1], [0])));
    expect(hashFeed(tensor([2, 1], [1, 2]))).not.toBe(hashFeed(tensor([1, 2], [1, 2])));
    const t = tensor([2], [1, 2]);
    expect(hashTensor(t)).toBe(hashTensor(tensor([2], [1, 2])));
  });
});
