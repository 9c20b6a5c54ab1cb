// The optional "groups" of a graph file: blocks the editor collapses to one node. Old files (no groups)
// are unaffected; faulty groups are reported in words and never take the graph's nodes with them.
import { describe, expect, it } from 'vitest';
import { analyzeGraph, type GraphReport } from './analyze.ts';
import { copyGroups, groupsWithin } from './groups.ts';
import type { GraphFile } from './types.ts';

type RawNode = Record<string, unknown>;
const nodes: RawNode[] = [
  { id: 'x', op: 'Input', attrs: { shape: [8, 8, 3] } },
  { id: 'a', op: 'Conv2D', inputs: ['x'], attrs: { filters: 4 } },
  { id: 'b', op: 'ReLU', inputs: ['a'] },
  { id: 'c', op: 'Conv2D', inputs: ['b'], attrs: { filters: 4 } },
];
const graph = (groups: unknown) => ({ format: 'deepwire-graph', version: 1, nodes, groups });
const lines = (r: GraphReport) => r.problems.map((p) => `${p.node ?? 'graph'}: ${p.message}${p.hint ? ` — ${p.hint}` : ''}`);

describe('graph groups', () => {
  it('are optional: a file without them analyses as before, with no groups', () => {
    const r = analyzeGraph({ format: 'deepwire-graph', version: 1, nodes });
    expect(r.ok).toBe(true);
    expect(r.groups).toEqual([]);
  });

  it('are read with the name defaulting to the id, and collapse state kept', () => {
    const r = analyzeGraph(graph([{ id: 'g1', name: 'conv2_block1', nodes: ['a', 'b'], collapsed: true }, { id: 'g2', nodes: ['c'] }]));
    expect(lines(r)).toEqual([]);
    expect(r.groups).toEqual([{ id: 'g1', name: 'conv2_block1', nodes: ['a', 'b'], collapsed: true }, { id: 'g2', name: 'g2', nodes: ['c'] }]);
    // Groups change nothing the engine computes.
    expect(r.totals).toEqual(analyzeGraph({ ...graph(undefined) }).totals);
  });

  it('must be a list of objects with an id', () => {
    expect(lines(analyzeGraph(graph({ g: ['a'] })))).toEqual([
      'graph: "groups" must be a list of groups — e.g. "groups": [{ "id": "block1", "name": "conv2_block1", "nodes": ["conv1", "bn1"], "collapsed": true }]',
    ]);
    const r = analyzeGraph(graph([{ nodes: ['a'] }, 'g', { id: '', nodes: ['a'] }]));
    expect(r.problems.map((p) => p.message)).toEqual([
      'group #1 needs a non-empty string "id"', 'group #2 needs a non-empty string "id"', 'group #3 needs a non-empty string "id"',
    ]);
    expect(r.groups).toEqual([]);
  });

  it('name unknown node ids, and keep the members that exist', () => {
    const r = analyzeGraph(graph([{ id: 'g', name: 'block', nodes: ['a', 'ghost', 'b'] }]));
    expect(lines(r)).toEqual(["graph: group 'g' lists 'ghost', which is not a node of the graph — remove 'ghost' from the group's \"nodes\""]);
    expect(r.ok).toBe(false);
    expect(r.groups).toEqual([{ id: 'g', name: 'block', nodes: ['a', 'b'] }]);
  });

  it('put a node in one group at most, and say so on the node', () => {
    const r = analyzeGraph(graph([{ id: 'g1', nodes: ['a', 'b'] }, { id: 'g2', nodes: ['b', 'c'] }]));
    expect(lines(r)).toEqual(["b: 'b' is in two groups, 'g1' and 'g2' — a node belongs to one group at most: remove it from 'g2' or 'g1'"]);
    expect(r.byId.get('b')!.problems).toHaveLength(1);
    expect(r.groups.map((g) => g.nodes)).toEqual([['a', 'b'], ['c']]);
  });

  it('refuse duplicate ids, repeated members, empty or malformed lists, bad names and flags', () => {
    const r = analyzeGraph(graph([
      { id: 'g', nodes: ['a'] }, { id: 'g', nodes: ['b'] },
      { id: 'h', nodes: ['b', 'b'] },
      { id: 'e', nodes: [] }, { id: 'f', nodes: ['c', 3] },
      { id: 'n', name: 7, nodes: ['c'], collapsed: 'yes' },
    ]));
    expect(lines(r)).toEqual([
      "graph: two groups have the id 'g' — group ids must be unique: rename one",
      "graph: group 'h' lists 'b' twice — list each node once",
      'graph: group \'e\': "nodes" must be a non-empty list of node ids — e.g. "groups": [{ "id": "block1", "name": "conv2_block1", "nodes": ["conv1", "bn1"], "collapsed": true }]',
      'graph: group \'f\': "nodes" must be a non-empty list of node ids — e.g. "groups": [{ "id": "block1", "name": "conv2_block1", "nodes": ["conv1", "bn1"], "collapsed": true }]',
      'graph: group \'n\': "name" must be a non-empty string — e.g. "name": "conv2_block1"',
      'graph: group \'n\': "collapsed" must be true or false, not "yes"',
    ]);
    expect(r.groups).toEqual([{ id: 'g', name: 'g', nodes: ['a'] }, { id: 'h', name: 'h', nodes: ['b'] }, { id: 'n', name: 'n', nodes: ['c'] }]);
  });
});

describe('copying groups (the editor\'s copy, paste and duplicate)', () => {
  const g: GraphFile = {
    format: 'deepwire-graph', version: 1, nodes: nodes as unknown as GraphFile['nodes'], outputs: ['c'],
    groups: [{ id: 'blk', name: 'block', nodes: ['a', 'b'], collapsed: true }, { id: 'g2', name: 'g2', nodes: ['c'] }],
  };

  it('carry only the groups whose every member is copied', () => {
    expect(groupsWithin(g, ['a', 'b', 'x'])).toEqual([{ id: 'blk', name: 'block', nodes: ['a', 'b'], collapsed: true }]);
    expect(groupsWithin(g, ['b', 'c'])).toEqual([{ id: 'g2', name: 'g2', nodes: ['c'] }]);
    expect(groupsWithin(g, ['a'])).toEqual([]);
  });

  it('get fresh ids and suffixed names over the copied nodes, collapse state kept, and analyse cleanly', () => {
    const pasted: GraphFile = { ...g, nodes: [...g.nodes, { id: 'a_1', op: 'Conv2D', inputs: ['x'], attrs: { filters: 4 } }, { id: 'b_1', op: 'ReLU', inputs: ['a_1'] }] };
    const idMap = new Map([['a', 'a_1'], ['b', 'b_1']]);
    const once = copyGroups(pasted, groupsWithin(g, ['a', 'b']), idMap);
    expect(once.groups!.slice(2)).toEqual([{ id: 'blk_1', name: 'block_1', nodes: ['a_1', 'b_1'], collapsed: true }]);
    expect(lines(analyzeGraph(once))).toEqual([]);
    // The originals are untouched; a second copy takes the next suffix.
    expect(once.groups!.slice(0, 2)).toEqual(g.groups);
    const twice = copyGroups(once, groupsWithin(g, ['a', 'b']), new Map([['a', 'a_2'], ['b', 'b_2']]));
    expect(twice.groups!.map((x) => `${x.id}/${x.name}`)).toEqual(['blk/block', 'g2/g2', 'blk_1/block_1', 'blk_2/block_2']);
    // Nothing to carry leaves the graph as it was.
    expect(copyGroups(pasted, [], idMap)).toBe(pasted);
  });
});
