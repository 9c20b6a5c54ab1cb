// Small graphs the saliency and Grad-CAM tests share (the reference against finite differences, the
// GPU against the reference): smooth activations where finite differences must hold, each op family a
// map passes back through (conv, depthwise, pools, merges, Concatenate, BatchNormalization at inference,
// Dropout left out at inference), and classifiers ending in a softmax (as a Dense activation, as a node).
import type { GraphFile } from '../graph/types.ts';
import { RANDOM_BIAS, STATISTICS, trainGraph } from './train-graphs.ts';

/** Each node named as its id, so messages and labels read as the tests write them. */
const named = (g: GraphFile): GraphFile => ({ ...g, nodes: g.nodes.map((n) => ({ ...n, name: n.id })) });

/**
 * conv → BN, a 1×1 branch merged by Add and Multiply, depthwise, two pools, Concatenate, GAP, Dropout,
 * Dense softmax. `pool`: the second pool's op — MaxPool2D for the GPU test; finite differences need the
 * smooth AveragePool2D (a step of h flips a max's winner wherever two values are within h).
 */
export const smoothClassifier = (pool: 'MaxPool2D' | 'AveragePool2D' = 'AveragePool2D'): GraphFile => named(trainGraph([
  { id: 'x', op: 'Input', attrs: { shape: [8, 8, 3] } },
  { id: 'c1', op: 'Conv2D', inputs: ['x'], attrs: { filters: 4, kernel_size: 3, padding: 'same', activation: 'tanh', bias_initializer: RANDOM_BIAS } },
  { id: 'bn', op: 'BatchNormalization', inputs: ['c1'], attrs: STATISTICS },
  { id: 'b1', op: 'Conv2D', inputs: ['x'], attrs: { filters: 4, kernel_size: 1, activation: 'swish', bias_initializer: RANDOM_BIAS } },
  { id: 'add', op: 'Add', inputs: ['bn', 'b1'] },
  { id: 'mul', op: 'Multiply', inputs: ['add', 'b1'] },
  { id: 'dw', op: 'DepthwiseConv2D', inputs: ['mul'], attrs: { kernel_size: 3, padding: 'same', activation: 'elu', bias_initializer: RANDOM_BIAS } },
  { id: 'avgp', op: 'AveragePool2D', inputs: ['dw'], attrs: { pool_size: 2 } },
  { id: 'maxp', op: pool, inputs: ['add'], attrs: { pool_size: 2 } },
  { id: 'cat', op: 'Concatenate', inputs: ['avgp', 'maxp'] },
  { id: 'c2', op: 'Conv2D', inputs: ['cat'], attrs: { filters: 6, kernel_size: 3, padding: 'same', activation: 'tanh', bias_initializer: RANDOM_BIAS } },
  { id: 'gap', op: 'GlobalAveragePool2D', inputs: ['c2'] },
  { id: 'drop', op: 'Dropout', inputs: ['gap'], attrs: { rate: 0.5 } },
  { id: 'dense', op: 'Dense', inputs: ['drop'], attrs: { units: 5, activation: 'softmax', bias_initializer: RANDOM_BIAS } },
], 'dense'));

/** Conv layers, GAP and a linear Dense, then a Softmax node: Grad-CAM of its logits is CAM (Zhou et al. 2016). */
export const camClassifier = (): GraphFile => named(trainGraph([
  { id: 'x', op: 'Input', attrs: { shape: [10, 10, 3] } },
  { id: 'c1', op: 'Conv2D', inputs: ['x'], attrs: { filters: 5, kernel_size: 3, activation: 'relu', bias_initializer: RANDOM_BIAS } },
  { id: 'c2', op: 'Conv2D', inputs: ['c1'], attrs: { filters: 6, kernel_size: 3, strides: 2, activation: 'relu', bias_initializer: RANDOM_BIAS } },
  { id: 'gap', op: 'GlobalAveragePool2D', inputs: ['c2'] },
  { id: 'logits', op: 'Dense', inputs: ['gap'], attrs: { units: 4, bias_initializer: RANDOM_BIAS } },
  { id: 'probs', op: 'Softmax', inputs: ['logits'] },
], 'probs'));
