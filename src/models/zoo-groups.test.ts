// The zoo's Keras blocks arrive as graph groups (the editor opens models with them collapsed): valid
// groups, named as Keras names the blocks, each a connected run of the block's own layers.
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../graph/analyze.ts';
import { ZOO, zooModel } from './zoo.ts';

describe('zoo models emit their blocks as groups', () => {
  it.each(ZOO.map((e) => [e.name]))('%s: every group valid, no node in two', (name) => {
    const graph = zooModel(name);
    const report = analyzeGraph(graph);
    expect(report.problems).toEqual([]);
    expect(report.groups.length).toBeGreaterThan(2);
    expect(report.groups).toEqual(graph.groups);
    for (const g of report.groups) expect(g.nodes.length, g.name).toBeGreaterThan(1);
  });

  it('names them as Keras does', () => {
    const names = (model: string) => zooModel(model).groups!.map((g) => g.name);
    expect(names('ResNet50').slice(0, 4)).toEqual(['conv2_block1', 'conv2_block2', 'conv2_block3', 'conv3_block1']);
    expect(names('ResNet50')).toHaveLength(16);
    expect(names('InceptionV3')).toEqual(Array.from({ length: 11 }, (_, i) => `mixed${i}`));
    expect(names('MobileNetV2')).toContain('block_3');
    expect(names('DenseNet121')).toEqual(expect.arrayContaining(['conv2_block1', 'conv5_block16', 'pool2', 'pool4']));
    expect(names('DenseNet121')).toHaveLength(6 + 12 + 24 + 16 + 3);
    expect(names('NASNetLarge')).toHaveLength(2 + 18 + 2);
    expect(names('NASNetLarge')[0]).toBe('reduction_cell_stem_1');
    expect(names('EfficientNetB0')[0]).toBe('block1a');
    expect(names('VGG16')).toEqual(['block1', 'block2', 'block3', 'block4', 'block5']);
  });

  it('a ResNet block holds exactly its Keras layers', () => {
    const g = zooModel('ResNet50').groups!.find((x) => x.name === 'conv3_block1')!;
    expect(g.nodes.every((id) => id.startsWith('conv3_block1_'))).toBe(true);
    expect(g.nodes).toHaveLength(12); // 0_conv/bn, 1_conv/bn/relu, 2_conv/bn/relu, 3_conv/bn, add, out
  });

  it('only the top-level block counts: a NASNet cell owns its adjust and separable blocks', () => {
    const graph = zooModel('NASNetMobile');
    const cell = graph.groups!.find((x) => x.name === 'normal_cell_0')!;
    expect(cell.nodes).toContain('adjust_bn_0');
    expect(cell.nodes).toContain('normal_concat_0');
    expect(new Set(graph.groups!.flatMap((x) => x.nodes)).size).toBe(graph.groups!.reduce((s, x) => s + x.nodes.length, 0));
  });
});
