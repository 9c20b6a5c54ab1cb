import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../graph/analyze.ts';
import type { GraphFile } from '../graph/types.ts';
import { augmentationLayers, withAugmentation } from './augment-graph.ts';

const GRAPH: GraphFile = {
  format: 'deepwire-graph', version: 1,
  nodes: [
    { id: 'x', op: 'Input', attrs: { shape: [8, 8, 3] } },
    { id: 'a', op: 'Conv2D', inputs: ['x'], attrs: { filters: 2, kernel_size: 3 } },
    { id: 'b', op: 'Conv2D', inputs: ['x'], attrs: { filters: 2, kernel_size: 3 } },
    { id: 'sum', op: 'Add', inputs: ['a', 'b'] },
  ],
  outputs: ['sum'],
};

describe('--augment', () => {
  it('reads flip and translate, with Keras layers and their arguments', () => {
    expect(augmentationLayers('flip,translate')).toEqual([
      { id: 'augment_flip', op: 'RandomFlip', attrs: { mode: 'horizontal' } },
      { id: 'augment_translate', op: 'RandomTranslation', attrs: { height_factor: 0.1, width_factor: 0.1 } },
    ]);
    expect(augmentationLayers('translate=0.25, flip=horizontal_and_vertical').map((l) => l.attrs)).toEqual([
      { height_factor: 0.25, width_factor: 0.25 }, { mode: 'horizontal_and_vertical' },
    ]);
  });

  it('refuses what it does not know, saying what it takes', () => {
    expect(() => augmentationLayers('crop=24x24')).toThrow(/unknown augmentation 'crop'/);
    expect(() => augmentationLayers('flip=diagonal')).toThrow(/unknown flip mode/);
    expect(() => augmentationLayers('translate=2')).toThrow(/fraction in \(0, 1\]/);
    expect(() => augmentationLayers('flip,flip')).toThrow(/each augmentation once/);
  });

  it('chains the layers after the Input; every reader of the Input reads the last; names stay unique', () => {
    const g = withAugmentation({ ...GRAPH, nodes: [...GRAPH.nodes, { id: 'augment_flip', op: 'ReLU', inputs: ['sum'] }], outputs: ['augment_flip'] }, augmentationLayers('flip,translate'));
    expect(g.nodes.map((n) => [n.id, n.inputs ?? []])).toEqual([
      ['x', []], ['augment_flip_1', ['x']], ['augment_translate', ['augment_flip_1']],
      ['a', ['augment_translate']], ['b', ['augment_translate']], ['sum', ['a', 'b']], ['augment_flip', ['sum']],
    ]);
    expect(analyzeGraph(g).problems).toEqual([]);
    expect(withAugmentation(GRAPH, [])).toBe(GRAPH);
  });

  it('wants one image Input', () => {
    const flat: GraphFile = { ...GRAPH, nodes: [{ id: 'x', op: 'Input', attrs: { shape: [10] } }, { id: 'd', op: 'Dense', inputs: ['x'], attrs: { units: 2 } }], outputs: ['d'] };
    expect(() => withAugmentation(flat, augmentationLayers('flip'))).toThrow(/one H×W×C Input/);
  });
});
