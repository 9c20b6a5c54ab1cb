// DenseNet121/169/201 (Huang et al. 2017) as keras.applications builds them: a 7×7 stem, four dense
// blocks of BN–ReLU–1×1(128)–BN–ReLU–3×3(32) layers each concatenated onto its input, transitions
// halving channels and size. Reference: keras/src/applications/densenet.py.
import { ModelBuilder, classifierHead, inputShapeOf, type ZooOptions } from './builder.ts';

const EPSILON = 1.001e-5;
const GROWTH_RATE = 32;

/** One dense layer: its `growthRate` new channels concatenated onto the input. */
export function denseConvBlock(b: ModelBuilder, x: string, growthRate: number, name: string): string {
  let x1 = b.bn(x, { epsilon: EPSILON, name: `${name}_0_bn` });
  x1 = b.act(x1, 'relu', `${name}_0_relu`);
  x1 = b.conv(x1, 4 * growthRate, 1, { use_bias: false, name: `${name}_1_conv` });
  x1 = b.bn(x1, { epsilon: EPSILON, name: `${name}_1_bn` });
  x1 = b.act(x1, 'relu', `${name}_1_relu`);
  x1 = b.conv(x1, growthRate, 3, { padding: 'same', use_bias: false, name: `${name}_2_conv` });
  return b.concat([x, x1], `${name}_concat`);
}

export function denseBlock(b: ModelBuilder, x: string, blocks: number, name: string): string {
  for (let i = 1; i <= blocks; i++) x = b.group(`${name}_block${i}`, () => denseConvBlock(b, x, GROWTH_RATE, `${name}_block${i}`));
  return x;
}

/** BN–ReLU–1×1 conv to `reduction`·C channels, 2×2 average pool. */
export function transitionBlock(b: ModelBuilder, x: string, reduction: number, name: string): string {
  x = b.bn(x, { epsilon: EPSILON, name: `${name}_bn` });
  x = b.act(x, 'relu', `${name}_relu`);
  x = b.conv(x, Math.trunc(b.channels(x) * reduction), 1, { use_bias: false, name: `${name}_conv` });
  return b.avgPool(x, 2, { strides: 2, name: `${name}_pool` });
}

function densenet(modelName: string, blocks: [number, number, number, number], o: ZooOptions) {
  const b = new ModelBuilder(modelName);
  let x = b.input(inputShapeOf(o, 224));
  x = b.pad(x, [[3, 3], [3, 3]]);
  x = b.conv(x, 64, 7, { strides: 2, use_bias: false, name: 'conv1_conv' });
  x = b.bn(x, { epsilon: EPSILON, name: 'conv1_bn' });
  x = b.act(x, 'relu', 'conv1_relu');
  x = b.pad(x, [[1, 1], [1, 1]]);
  x = b.maxPool(x, 3, { strides: 2, name: 'pool1' });
  x = denseBlock(b, x, blocks[0], 'conv2');
  x = b.group('pool2', () => transitionBlock(b, x, 0.5, 'pool2'));
  x = denseBlock(b, x, blocks[1], 'conv3');
  x = b.group('pool3', () => transitionBlock(b, x, 0.5, 'pool3'));
  x = denseBlock(b, x, blocks[2], 'conv4');
  x = b.group('pool4', () => transitionBlock(b, x, 0.5, 'pool4'));
  x = denseBlock(b, x, blocks[3], 'conv5');
  x = b.bn(x, { epsilon: EPSILON, name: 'bn' });
  x = b.act(x, 'relu', 'relu');
  return b.graph([classifierHead(b, x, o, { top: 'avg_pool', avg: 'avg_pool', max: 'max_pool' })]);
}

export const DenseNet121 = (o: ZooOptions = {}) => densenet('densenet121', [6, 12, 24, 16], o);
export const DenseNet169 = (o: ZooOptions = {}) => densenet('densenet169', [6, 12, 32, 32], o);
export const DenseNet201 = (o: ZooOptions = {}) => densenet('densenet201', [6, 12, 48, 32], o);
