import { describe, expect, it } from 'vitest';
import { analyzeGraph, type GraphFile } from '../src/index.ts';
import { emptyGraph } from './graph-edits.ts';
import {
  addGroup, collapseAll, collapsedView, drawnLinks, groupIdOf, groupNodeId, groupsOwning, groupStats, setCollapsed,
} from './groups.ts';

/**
 * input → a → b → out, with a side branch a → side → out (a merge): the block {a, b, side} has one
 * input (input) and one output (b and side both feed out).
 */
function graph(collapsed = true): GraphFile {
  return {
    ...emptyGraph(),
    nodes: [
      { id: 'input', op: 'Input', attrs: { shape: [4, 4, 2] }, inputs: [], layout: { x: 0, y: 0 } },
      { id: 'a', op: 'Conv2D', attrs: { filters: 2, kernel_size: 1 }, inputs: ['input'], layout: { x: 300, y: 0 } },
      { id: 'b', op: 'ReLU', attrs: {}, inputs: ['a'], layout: { x: 600, y: 0 } },
      { id: 'side', op: 'ReLU', attrs: {}, inputs: ['a'], layout: { x: 600, y: 200 } },
      { id: 'out', op: 'Add', attrs: {}, inputs: ['b', 'side'], layout: { x: 900, y: 0 } },
      { id: 'far', op: 'Input', attrs: { shape: [1] }, inputs: [], layout: { x: 900, y: 2000 } },
    ],
    outputs: ['out', 'far'],
    groups: [{ id: 'blk', name: 'blk', nodes: ['a', 'b', 'side'], ...(collapsed ? { collapsed: true } : {}) }],
  };
}

describe('blocks as collapsible groups', () => {
  it('name a collapsed group\'s canvas node so that it is never taken for a node id', () => {
    expect(groupNodeId('blk')).toBe('⊞blk');
    expect(groupIdOf(groupNodeId('blk'))).toBe('blk');
    expect(groupIdOf('blk')).toBeNull();
  });

  it('see a collapsed group as one node: its outside inputs, the members read outside it, its top-left', () => {
    const g = graph();
    const view = collapsedView(g, g.groups!);
    expect(view.groups.get('blk')).toMatchObject({ inputs: ['input'], outputs: ['b', 'side'], origin: { x: 300, y: 0 } });
    expect([...view.hiddenBy]).toEqual([['a', 'blk'], ['b', 'blk'], ['side', 'blk']]);
    expect(view.groupOf.get('b')?.id).toBe('blk');
    // expanded, nothing is hidden but membership is known
    const open = graph(false);
    const openView = collapsedView(open, open.groups!);
    expect(openView.groups.size).toBe(0);
    expect(openView.hiddenBy.size).toBe(0);
    expect(openView.groupOf.get('a')?.id).toBe('blk');
  });

  it('draw the wires between what is drawn: into the group\'s sockets, none inside it', () => {
    const g = graph();
    const links = drawnLinks(g, collapsedView(g, g.groups!));
    expect(links).toEqual([
      { source: 'input', output: 'out', target: '⊞blk', input: 'in0' },
      { source: '⊞blk', output: 'out0', target: 'out', input: 'in0' },
      { source: '⊞blk', output: 'out1', target: 'out', input: 'in1' },
    ]);
    const open = graph(false);
    expect(drawnLinks(open, collapsedView(open, open.groups!))).toHaveLength(5);
  });

  it('sum a group\'s params and FLOPs and show its last member\'s shape', () => {
    const g = graph();
    const report = analyzeGraph(g);
    const stats = groupStats(g.groups![0], report);
    const a = report.byId.get('a')!;
    expect(stats.params).toBe(2 * 2 + 2);
    expect(stats.params).toBe(a.params.trainable + a.params.nonTrainable);
    expect(stats.flops).toBe(['a', 'b', 'side'].reduce((sum, id) => sum + report.byId.get(id)!.flops, 0));
    expect(stats.shape).toEqual([4, 4, 2]);
    expect(stats.problems).toEqual([]);
  });

  it('name a member\'s problem in the group\'s stats', () => {
    const g = graph();
    g.nodes[1].attrs = { filters: 0, kernel_size: 1 };
    const stats = groupStats(g.groups![0], analyzeGraph(g));
    expect(stats.problems[0]?.node).toBe('conv2d');
  });

  it('add a group with a fresh id, and drop the list when it is empty', () => {
    const { graph: g, id } = addGroup(graph(), 'blk', ['out'], true);
    expect(id).toBe('blk_1');
    expect(g.groups!.at(-1)).toEqual({ id: 'blk_1', name: 'blk', nodes: ['out'], collapsed: true });
    expect(addGroup(emptyGraph(), 'x', ['n']).graph.groups).toEqual([{ id: 'x', name: 'x', nodes: ['n'] }]);
  });

  it('expand a group, moving what is right of it and level with it aside by the members\' width', () => {
    const g = setCollapsed(graph(), ['blk'], false);
    expect(g.groups![0].collapsed).toBeUndefined();
    const at = (id: string) => g.nodes.find((n) => n.id === id)!.layout;
    expect(at('a')).toEqual({ x: 300, y: 0 });
    expect(at('out')).toEqual({ x: 900 + 300, y: 0 });
    // not level with the block: stays
    expect(at('far')).toEqual({ x: 900, y: 2000 });
    expect(at('input')).toEqual({ x: 0, y: 0 });
  });

  it('collapse groups, each one edit, and expand only what is collapsed', () => {
    const open = graph(false);
    const collapsed = setCollapsed(open, ['blk'], true);
    expect(collapsed.groups![0].collapsed).toBe(true);
    expect(open.groups![0].collapsed).toBeUndefined();
    expect(setCollapsed(open, ['blk'], false)).toBe(open);
    expect(collapseAll(open).groups![0].collapsed).toBe(true);
    expect(collapseAll(emptyGraph()).groups).toBeUndefined();
  });

  it('find the groups owning nodes, by member id or by the collapsed node\'s id', () => {
    const g = graph();
    expect(groupsOwning(g, ['b']).map((x) => x.id)).toEqual(['blk']);
    expect(groupsOwning(g, ['⊞blk']).map((x) => x.id)).toEqual(['blk']);
    expect(groupsOwning(g, ['input', 'out'])).toEqual([]);
  });
});
