// featureGraph: Keras' Model(inputs, layer.output) on a deepwire graph.
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../graph/analyze.ts';
import type { GraphFile } from '../graph/types.ts';
import { featureGraph } from './features.ts';
import { zooModel } from './zoo.ts';

describe('featureGraph', () => {
  it("keeps VGG19 up to block4_pool, as the lecture's Model(inputs, get_layer('block4_pool').output)", () => {
    const vgg = zooModel('VGG19');
    const features = featureGraph(vgg, analyzeGraph(vgg), ['block4_pool']);
    expect(features.outputs).toEqual(['block4_pool']);
    expect(features.nodes.map((n) => n.id)).toEqual([
      'input_1', 'block1_conv1', 'block1_conv2', 'block1_pool', 'block2_conv1', 'block2_conv2', 'block2_pool',
      'block3_conv1', 'block3_conv2', 'block3_conv3', 'block3_conv4', 'block3_pool',
      'block4_conv1', 'block4_conv2', 'block4_conv3', 'block4_conv4', 'block4_pool',
    ]);
    const report = analyzeGraph(features);
    expect(report.problems).toEqual([]);
    expect(report.byId.get('block4_pool')!.shape).toEqual([14, 14, 512]);
    expect(report.totals.params).toBe(10_585_152);
  });

  it('keeps both branches a merge needs, and pins default names so they do not shift', () => {
    const graph: GraphFile = {
      format: 'deepwire-graph', version: 1, outputs: ['sum'], nodes: [
        { id: 'x', op: 'Input', attrs: { shape: [4, 4, 2] } },
        { id: 'side', op: 'Conv2D', inputs: ['x'], attrs: { filters: 2, kernel_size: 1 } },
        { id: 'a', op: 'Conv2D', inputs: ['x'], attrs: { filters: 2, kernel_size: 1 } },
        { id: 'b', op: 'Conv2D', inputs: ['a'], attrs: { filters: 2, kernel_size: 1 } },
        { id: 'sum', op: 'Add', inputs: ['a', 'b'] },
        { id: 'after', op: 'Activation', inputs: ['sum'] },
      ],
    };
    const full = analyzeGraph(graph);
    const features = featureGraph(graph, full, ['sum']);
    expect(features.nodes.map((n) => [n.id, n.name])).toEqual([['x', 'input_1'], ['a', 'conv2d_1'], ['b', 'conv2d_2'], ['sum', 'add']]);
    expect(analyzeGraph(features).byId.get('b')!.name).toBe('conv2d_2');
    expect(graph.nodes[2].name).toBeUndefined(); // the original graph is left as it was
  });
});
