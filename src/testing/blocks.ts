// The lecture's blocks at small sizes, as graph files, for the GPU block tests (blocks.gpu.test.ts) and
// the compiler's CPU tests (lower.test.ts): Inception v1, the Inception-v3 factorised module, a ResNet
// bottleneck with a projection shortcut, a ResNeXt block, the ResNet stem, a ConvNeXt block and a DenseNet block.
import type { GraphFile, GraphNode } from '../graph/types.ts';

/** BatchNormalization with non-trivial statistics, so folding it into the conv is really tested. */
export const bn = (id: string, input: string): GraphNode => ({
  id, op: 'BatchNormalization', inputs: [input], attrs: {
    gamma_initializer: { name: 'random_uniform', minval: 0.5, maxval: 1.5 },
    beta_initializer: { name: 'random_normal', stddev: 0.3 },
    moving_mean_initializer: { name: 'random_normal', stddev: 0.3 },
    moving_variance_initializer: { name: 'random_uniform', minval: 0.5, maxval: 2 },
  },
});
const conv = (id: string, input: string, filters: number, kernel_size: number | [number, number], extra: Record<string, unknown> = {}): GraphNode =>
  ({ id, op: 'Conv2D', inputs: [input], attrs: { filters, kernel_size, padding: 'same', ...extra } });
const relu = (id: string, input: string): GraphNode => ({ id, op: 'Activation', inputs: [input], attrs: { activation: 'relu' } });
const graph = (input: number[], nodes: GraphNode[], outputs: string[]): GraphFile =>
  ({ format: 'deepwire-graph', version: 1, nodes: [{ id: 'x', op: 'Input', attrs: { shape: input } }, ...nodes], outputs });

export const BLOCKS: Record<string, GraphFile> = {
  'Inception v1 module (1×1 reductions, pool projection)': graph([9, 9, 24], [
    conv('b1', 'x', 8, 1, { activation: 'relu' }),
    conv('b2r', 'x', 12, 1, { activation: 'relu' }), conv('b2', 'b2r', 16, 3, { activation: 'relu' }),
    conv('b3r', 'x', 4, 1, { activation: 'relu' }), conv('b3', 'b3r', 8, 5, { activation: 'relu' }),
    { id: 'pool', op: 'MaxPool2D', inputs: ['x'], attrs: { pool_size: 3, strides: 1, padding: 'same' } },
    conv('b4', 'pool', 8, 1, { activation: 'relu' }),
    { id: 'cat', op: 'Concatenate', inputs: ['b1', 'b2', 'b3', 'b4'], attrs: { axis: -1 } },
  ], ['cat']),
  'Inception-v3 factorised module (1×7 then 7×1)': graph([11, 11, 16], [
    conv('a', 'x', 8, 1), bn('a_bn', 'a'), relu('a_r', 'a_bn'),
    conv('b1', 'x', 6, 1), bn('b1_bn', 'b1'), relu('b1_r', 'b1_bn'),
    conv('b2', 'b1_r', 6, [1, 7]), bn('b2_bn', 'b2'), relu('b2_r', 'b2_bn'),
    conv('b3', 'b2_r', 8, [7, 1]), bn('b3_bn', 'b3'), relu('b3_r', 'b3_bn'),
    { id: 'pool', op: 'AveragePool2D', inputs: ['x'], attrs: { pool_size: 3, strides: 1, padding: 'same' } },
    conv('p', 'pool', 8, 1), bn('p_bn', 'p'), relu('p_r', 'p_bn'),
    { id: 'cat', op: 'Concatenate', inputs: ['a_r', 'b3_r', 'p_r'] },
  ], ['cat']),
  'ResNet bottleneck with a projection shortcut (stride 2)': graph([10, 10, 16], [
    conv('sc', 'x', 32, 1, { strides: 2 }), bn('sc_bn', 'sc'),
    conv('c1', 'x', 8, 1, { strides: 2 }), bn('c1_bn', 'c1'), relu('c1_r', 'c1_bn'),
    conv('c2', 'c1_r', 8, 3), bn('c2_bn', 'c2'), relu('c2_r', 'c2_bn'),
    conv('c3', 'c2_r', 32, 1), bn('c3_bn', 'c3'),
    { id: 'add', op: 'Add', inputs: ['sc_bn', 'c3_bn'] }, relu('out', 'add'),
  ], ['out']),
  'ResNeXt block (cardinality 32 × 4d, grouped 3×3)': graph([6, 6, 64], [
    conv('c1', 'x', 128, 1), bn('c1_bn', 'c1'), relu('c1_r', 'c1_bn'),
    conv('c2', 'c1_r', 128, 3, { groups: 32 }), bn('c2_bn', 'c2'), relu('c2_r', 'c2_bn'),
    conv('c3', 'c2_r', 64, 1), bn('c3_bn', 'c3'),
    { id: 'add', op: 'Add', inputs: ['x', 'c3_bn'] }, relu('out', 'add'),
  ], ['out']),
  // No ReLU before the pools: they see negatives, so the folded zero padding really counts.
  'ResNet stem, ZeroPadding2D folded into the 7×7 conv and the pools': graph([13, 13, 3], [
    { id: 'p1', op: 'ZeroPadding2D', inputs: ['x'], attrs: { padding: 3 } },
    conv('c1', 'p1', 32, 7, { strides: 2, padding: 'valid' }), bn('c1_bn', 'c1'),
    { id: 'p2', op: 'ZeroPadding2D', inputs: ['c1_bn'], attrs: { padding: [[1, 0], [0, 2]] } },
    { id: 'pool', op: 'MaxPool2D', inputs: ['p2'], attrs: { pool_size: 3, strides: 2 } },
    { id: 'p3', op: 'ZeroPadding2D', inputs: ['c1_bn'], attrs: { padding: 1 } },
    { id: 'avg', op: 'AveragePool2D', inputs: ['p3'], attrs: { pool_size: 2, strides: 2 } },
  ], ['pool', 'avg']),
  'ConvNeXt block (7×7 depthwise, LayerNormalization, Dense gelu, Dense, residual)': graph([8, 8, 12], [
    { id: 'dw', op: 'DepthwiseConv2D', inputs: ['x'], attrs: { kernel_size: 7, padding: 'same', bias_initializer: { name: 'random_normal', stddev: 0.3 } } },
    { id: 'ln', op: 'LayerNormalization', inputs: ['dw'], attrs: { epsilon: 1e-6, gamma_initializer: { name: 'random_uniform', minval: 0.5, maxval: 1.5 }, beta_initializer: { name: 'random_normal', stddev: 0.3 } } },
    { id: 'up', op: 'Dense', inputs: ['ln'], attrs: { units: 48, activation: 'gelu' } },
    { id: 'down', op: 'Dense', inputs: ['up'], attrs: { units: 12 } },
    { id: 'add', op: 'Add', inputs: ['x', 'down'] },
  ], ['add']),
  'DenseNet block (3 layers, growth 4) and transition': graph([8, 8, 8], [
    ...[0, 1, 2].flatMap((i) => {
      const input = i === 0 ? 'x' : `cat${i - 1}`;
      return [
        bn(`l${i}_bn1`, input), relu(`l${i}_r1`, `l${i}_bn1`), conv(`l${i}_c1`, `l${i}_r1`, 16, 1, { use_bias: false }),
        bn(`l${i}_bn2`, `l${i}_c1`), relu(`l${i}_r2`, `l${i}_bn2`), conv(`l${i}_c2`, `l${i}_r2`, 4, 3, { use_bias: false }),
        { id: `cat${i}`, op: 'Concatenate', inputs: [input, `l${i}_c2`] } as GraphNode,
      ];
    }),
    bn('t_bn', 'cat2'), relu('t_r', 't_bn'), conv('t_c', 't_r', 10, 1, { use_bias: false }),
    { id: 't_pool', op: 'AveragePool2D', inputs: ['t_c'], attrs: { pool_size: 2, strides: 2 } },
  ], ['t_pool']),
};

/** A LayerNormalization writing a channel slice of a Concatenate (rows of 6 in rows of 10), beside the conv it reads. */
export const LAYER_NORM_CONCAT: GraphFile = graph([5, 5, 3], [
  conv('conv', 'x', 4, 3, { bias_initializer: { name: 'random_normal', stddev: 0.3 } }),
  conv('wide', 'conv', 6, 1),
  { id: 'ln', op: 'LayerNormalization', inputs: ['wide'], attrs: { gamma_initializer: { name: 'random_uniform', minval: 0.5, maxval: 1.5 }, beta_initializer: { name: 'random_normal', stddev: 0.3 } } },
  { id: 'cat', op: 'Concatenate', inputs: ['ln', 'conv'] },
], ['cat']);
