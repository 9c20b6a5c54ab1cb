// Small graphs the training tests share (the CPU trainer against TF.js, the GPU trainer against the CPU
// trainer), so each checks the same models: BatchNormalization with statistics far from the identity
// (else its batch and moving paths would agree by accident) and biases that are not all zero.
import type { GraphFile, GraphNode } from '../graph/types.ts';

export const STATISTICS = {
  moving_mean_initializer: { name: 'random_normal', stddev: 0.3 },
  moving_variance_initializer: { name: 'random_uniform', minval: 0.5, maxval: 2 },
  gamma_initializer: { name: 'random_uniform', minval: 0.5, maxval: 1.5 },
  beta_initializer: { name: 'random_normal', stddev: 0.3 },
};

export const RANDOM_BIAS = { name: 'random_normal', stddev: 0.1 };

export const trainGraph = (nodes: GraphNode[], output: string): GraphFile => ({ format: 'deepwire-graph', version: 1, nodes, outputs: [output] });

/** A ResNet basic block on a ReLU stem: two Conv2D + BatchNormalization, Add, ReLU, GAP, Dense softmax. */
export const residualBlock = (): GraphFile => trainGraph([
  { id: 'x', op: 'Input', attrs: { shape: [5, 5, 3] } },
  { id: 'stem', op: 'Conv2D', inputs: ['x'], attrs: { filters: 4, kernel_size: 3, padding: 'same', activation: 'relu', bias_initializer: RANDOM_BIAS } },
  { id: 'c1', op: 'Conv2D', inputs: ['stem'], attrs: { filters: 4, kernel_size: 3, padding: 'same', use_bias: false } },
  { id: 'bn1', op: 'BatchNormalization', inputs: ['c1'], attrs: STATISTICS },
  { id: 'r1', op: 'ReLU', inputs: ['bn1'] },
  { id: 'c2', op: 'Conv2D', inputs: ['r1'], attrs: { filters: 4, kernel_size: 3, padding: 'same', use_bias: false } },
  { id: 'bn2', op: 'BatchNormalization', inputs: ['c2'], attrs: STATISTICS },
  { id: 'add', op: 'Add', inputs: ['bn2', 'stem'] },
  { id: 'r2', op: 'ReLU', inputs: ['add'] },
  { id: 'gap', op: 'GlobalAveragePool2D', inputs: ['r2'] },
  { id: 'dense', op: 'Dense', inputs: ['gap'], attrs: { units: 3, activation: 'softmax', bias_initializer: RANDOM_BIAS } },
], 'dense');
