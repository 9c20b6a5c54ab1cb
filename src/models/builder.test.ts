// ModelBuilder: Keras' default names, shapes as layers are added, correct_pad, and its errors.
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../graph/analyze.ts';
import { ModelBuilder } from './builder.ts';
import { VGG16 } from './vgg.ts';

describe('ModelBuilder', () => {
  it("names unnamed layers as Keras' counters do, skipping names already taken", () => {
    const b = new ModelBuilder('m');
    const x = b.input([8, 8, 3]);
    const c0 = b.conv(x, 4, 3);
    const c1 = b.conv(c0, 4, 3, { name: 'conv2d_1' });
    const c2 = b.conv(c1, 4, 1);
    const bn = b.bn(c2);
    const pool = b.maxPool(bn, 2);
    expect([x, c0, c1, c2, bn, pool]).toEqual(['input_1', 'conv2d', 'conv2d_1', 'conv2d_2', 'batch_normalization', 'max_pooling2d']);
    // the graph's own default naming agrees with the builder's
    const graph = b.graph([pool]);
    expect(analyzeGraph({ ...graph, nodes: graph.nodes.map(({ name, ...n }) => ({ ...n, name: n.id === 'conv2d_1' ? name : undefined })) })
      .nodes.map((r) => r.name)).toEqual(graph.nodes.map((n) => n.name));
  });

  it('infers each shape as the layer is added, and stores only the attrs given', () => {
    const b = new ModelBuilder('m');
    const c = b.conv(b.input([9, 9, 3]), 16, 3, { strides: 2, padding: 'same' });
    expect([b.shape(c), b.channels(c)]).toEqual([[5, 5, 16], 16]);
    expect(b.nodes[1]).toEqual({ id: 'conv2d', op: 'Conv2D', name: 'conv2d', inputs: ['input_1'], attrs: { filters: 16, kernel_size: 3, strides: 2, padding: 'same' } });
  });

  it("pads as Keras' correct_pad: one less at the top-left of an even input", () => {
    const b = new ModelBuilder('m');
    expect(b.correctPad(b.input([112, 111, 3]), 3)).toEqual([[0, 1], [1, 1]]);
    expect(b.correctPad('input_1', 5)).toEqual([[1, 2], [2, 2]]);
  });

  it('says which layer of which model a shape error is in', () => {
    expect(() => VGG16({ include_top: false, input_shape: [16, 16, 3] })).toThrow(/^vgg16: layer block5_pool: MaxPool2D/);
  });

  it('refuses two layers with one name, and unknown ops or attrs', () => {
    const b = new ModelBuilder('m');
    const x = b.input([4, 4, 1]);
    b.conv(x, 1, 1, { name: 'c' });
    expect(() => b.conv(x, 1, 1, { name: 'c' })).toThrow("model builder: two layers are named 'c'");
    expect(() => b.layer('Conv3D', x)).toThrow("model builder: unknown op 'Conv3D'");
    expect(() => b.conv(x, 1, 1, { kernel: 3 })).toThrow("model builder: conv2d: Conv2D has no attribute 'kernel'");
  });
});
