import { describe, expect, it } from 'vitest';
import { analyzeGraph, type GraphFile } from '../src/index.ts';
import { addClassifierHead, setTrainable } from './transfer-head.ts';

const backbone = (): GraphFile => ({
  format: 'deepwire-graph', version: 1, name: 'b',
  nodes: [
    { id: 'x', op: 'Input', attrs: { shape: [8, 8, 3] } },
    { id: 'conv', op: 'Conv2D', attrs: { filters: 4, kernel_size: 3 }, inputs: ['x'] },
    { id: 'bn', op: 'BatchNormalization', inputs: ['conv'] },
    { id: 'relu', op: 'ReLU', inputs: ['bn'] },
  ],
  outputs: ['relu'],
});

describe('addClassifierHead', () => {
  it('puts GlobalAveragePooling2D + Dense softmax on a feature map and freezes every layer with weights', () => {
    const g = backbone();
    const { graph, added, frozen, text } = addClassifierHead(g, analyzeGraph(g), 3);
    const report = analyzeGraph(graph);
    expect(report.ok).toBe(true);
    expect(added).toEqual(['global_average_pooling2d', 'predictions']);
    expect(graph.outputs).toEqual(['predictions']);
    expect(report.byId.get('predictions')!.shape).toEqual([3]);
    expect(report.byId.get('predictions')!.attrs.activation).toBe('softmax');
    expect(frozen).toEqual(['conv', 'bn']);
    expect(graph.nodes.find((n) => n.id === 'conv')!.attrs!.trainable).toBe(false);
    expect(graph.nodes.find((n) => n.id === 'relu')!.attrs?.trainable).toBeUndefined();
    expect(graph.nodes.find((n) => n.id === 'predictions')!.attrs!.trainable).toBeUndefined();
    expect(text).toContain('Dense(3, activation="softmax")');
    expect(g.nodes[1].attrs!.trainable).toBeUndefined(); // the given graph is not changed
  });
  it('puts only the Dense on a feature vector', () => {
    const g = backbone();
    g.nodes.push({ id: 'gap', op: 'GlobalAveragePool2D', inputs: ['relu'] });
    g.outputs = ['gap'];
    const { added } = addClassifierHead(g, analyzeGraph(g), 2);
    expect(added).toEqual(['predictions']);
  });
  it('says why it cannot', () => {
    const g = backbone();
    expect(() => addClassifierHead(g, analyzeGraph(g), 1)).toThrow('at least 2 classes');
    g.outputs = ['relu', 'conv'];
    expect(() => addClassifierHead(g, analyzeGraph(g), 2)).toThrow('the graph has 2');
  });
});

describe('setTrainable', () => {
  it('freezes and unfreezes only the nodes with weights', () => {
    const g = backbone();
    const frozen = setTrainable(g, analyzeGraph(g), ['conv', 'relu'], false);
    expect(frozen.nodes.find((n) => n.id === 'conv')!.attrs!.trainable).toBe(false);
    expect(frozen.nodes.find((n) => n.id === 'relu')!.attrs?.trainable).toBeUndefined();
    const back = setTrainable(frozen, analyzeGraph(frozen), ['conv'], true);
    expect('trainable' in back.nodes.find((n) => n.id === 'conv')!.attrs!).toBe(false);
  });
});
