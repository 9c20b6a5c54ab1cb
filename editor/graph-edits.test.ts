import { describe, expect, it } from 'vitest';
import type { GraphFile } from '../src/index.ts';
import {
  addNode, addNodes, cloneNodes, emptyGraph, extractNodes, moveNodes, normalizeGraph, removeNodes, rename, setAttr, setInputs, takenNames,
} from './graph-edits.ts';

/** input → conv → relu, with conv and relu in one block. */
function chain(): GraphFile {
  return {
    ...emptyGraph(),
    nodes: [
      { id: 'input', op: 'Input', attrs: { shape: [8, 8, 3] }, inputs: [], layout: { x: 0, y: 0 } },
      { id: 'conv', op: 'Conv2D', name: 'stem_conv', attrs: { filters: 4, kernel_size: 3 }, inputs: ['input'], layout: { x: 200, y: 0 } },
      { id: 'relu', op: 'ReLU', attrs: {}, inputs: ['conv'], layout: { x: 400, y: 0 } },
    ],
    outputs: ['relu'],
    groups: [{ id: 'stem', name: 'stem', nodes: ['conv', 'relu'] }],
  };
}

describe('graph edits', () => {
  it('never change the graph they are given', () => {
    const g = chain();
    const before = structuredClone(g);
    addNode(g, 'Dense', { x: 0, y: 0 }, {}, ['relu']);
    removeNodes(g, ['conv']);
    setInputs(g, 'relu', ['input']);
    setAttr(g, 'conv', 'filters', 8);
    rename(g, 'conv', 'x');
    moveNodes(g, { conv: { x: 1, y: 1 } });
    cloneNodes(g, g.nodes, { x: 10, y: 10 });
    expect(g).toEqual(before);
  });

  it('add a node with a fresh Keras-style id, and keep the outputs at the sinks', () => {
    const { graph, id } = addNode(chain(), 'MaxPool2D', { x: 600, y: 0 }, { pool_size: 2 }, ['relu']);
    expect(id).toBe('max_pooling2d');
    expect(graph.nodes.at(-1)).toEqual({ id, op: 'MaxPool2D', attrs: { pool_size: 2 }, inputs: ['relu'], layout: { x: 600, y: 0 } });
    expect(graph.outputs).toEqual([id]);
    // a second one of the same op gets the next free id
    expect(addNode(graph, 'MaxPool2D', { x: 0, y: 0 }).id).toBe('max_pooling2d_1');
  });

  it('list every id and explicit name as taken', () => {
    expect([...takenNames(chain())].sort()).toEqual(['conv', 'input', 'relu', 'stem_conv']);
  });

  it('remove nodes with their links, and drop them from their block', () => {
    const g = removeNodes(chain(), ['conv']);
    expect(g.nodes.map((n) => n.id)).toEqual(['input', 'relu']);
    expect(g.nodes[1].inputs).toEqual([]);
    expect(g.groups).toEqual([{ id: 'stem', name: 'stem', nodes: ['relu'] }]);
    expect(g.outputs).toEqual(['input', 'relu']);
    // a block emptied by the delete goes
    expect(removeNodes(chain(), ['conv', 'relu']).groups).toBeUndefined();
  });

  it('rewire a node, and leave the graph as it is for an unknown one', () => {
    const g = chain();
    const rewired = setInputs(g, 'relu', ['input']);
    expect(rewired.nodes[2].inputs).toEqual(['input']);
    expect(rewired.outputs).toEqual(['conv', 'relu']);
    expect(setInputs(g, 'nosuch', ['input'])).toBe(g);
  });

  it('set an attr, and remove it with undefined so the Keras default applies', () => {
    const set = setAttr(chain(), 'conv', 'strides', 2);
    expect(set.nodes[1].attrs).toEqual({ filters: 4, kernel_size: 3, strides: 2 });
    expect(setAttr(set, 'conv', 'filters', undefined).nodes[1].attrs).toEqual({ kernel_size: 3, strides: 2 });
  });

  it('rename a node, trimmed; an empty name falls back to the default', () => {
    expect(rename(chain(), 'relu', '  act  ').nodes[2].name).toBe('act');
    expect('name' in rename(chain(), 'conv', '   ').nodes[1]).toBe(false);
  });

  it('move nodes to whole-pixel positions', () => {
    const g = moveNodes(chain(), { relu: { x: 10.6, y: -3.2 } });
    expect(g.nodes.map((n) => n.layout)).toEqual([{ x: 0, y: 0 }, { x: 200, y: 0 }, { x: 11, y: -3 }]);
  });

  it('extract the selection for the clipboard without its links to the rest', () => {
    const nodes = extractNodes(chain(), ['conv', 'relu']);
    expect(nodes.map((n) => [n.id, n.inputs])).toEqual([['conv', []], ['relu', ['conv']]]);
  });

  it('clone nodes with fresh ids and names, links among them kept, shifted', () => {
    const g = chain();
    const { graph, ids, idMap } = cloneNodes(g, extractNodes(g, ['conv', 'relu']), { x: 20, y: 30 });
    expect(ids).toEqual(['conv_1', 'relu_1']);
    expect([...idMap]).toEqual([['conv', 'conv_1'], ['relu', 'relu_1']]);
    const [conv, relu] = graph.nodes.slice(3);
    expect(conv).toMatchObject({ id: 'conv_1', name: 'stem_conv_1', inputs: [], layout: { x: 220, y: 30 } });
    expect(relu).toMatchObject({ id: 'relu_1', inputs: ['conv_1'], layout: { x: 420, y: 30 } });
    expect(graph.outputs).toEqual(['relu', 'relu_1']);
  });

  it('duplicate (keepExternal) keeps the inputs from outside the copied set', () => {
    const g = chain();
    const { graph } = cloneNodes(g, [g.nodes[1]], { x: 0, y: 100 }, true);
    expect(graph.nodes.at(-1)!.inputs).toEqual(['input']);
    expect(cloneNodes(g, [g.nodes[1]], { x: 0, y: 100 }).graph.nodes.at(-1)!.inputs).toEqual([]);
  });

  it('add ready-made nodes as copies', () => {
    const block = [{ id: 'd', op: 'Dense', attrs: { units: 2 }, inputs: ['relu'] }];
    const g = addNodes(chain(), block);
    block[0].inputs.push('x');
    expect(g.nodes.at(-1)!.inputs).toEqual(['relu']);
    expect(g.outputs).toEqual(['d']);
  });

  it('normalise a loaded graph: inputs and attrs present, outputs from the sinks only when absent', () => {
    const raw = { ...emptyGraph(), nodes: [{ id: 'a', op: 'Input' }, { id: 'b', op: 'ReLU', inputs: ['a'] }] } as unknown as GraphFile;
    delete (raw as Partial<GraphFile>).outputs;
    const g = normalizeGraph(raw);
    expect(g.nodes).toEqual([{ id: 'a', op: 'Input', inputs: [], attrs: {} }, { id: 'b', op: 'ReLU', inputs: ['a'], attrs: {} }]);
    expect(g.outputs).toEqual(['b']);
    expect(normalizeGraph({ ...raw, outputs: ['a'] }).outputs).toEqual(['a']);
  });
});
