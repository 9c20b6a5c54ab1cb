// MobileNetV2 (Sandler et al. 2018) as keras.applications builds it at alpha 1: inverted residual
// blocks (1×1 expand–ReLU6, 3×3 depthwise–ReLU6, linear 1×1 project, Add when shapes allow).
// Reference: keras/src/applications/mobilenet_v2.py.
import { ModelBuilder, classifierHead, inputShapeOf, type ZooOptions } from './builder.ts';

/** Keras' _make_divisible: round to a multiple of `divisor`, never more than 10% below `v`. */
export function makeDivisible(v: number, divisor: number, minValue = divisor): number {
  let newV = Math.max(minValue, Math.floor(Math.trunc(v + divisor / 2) / divisor) * divisor);
  if (newV < 0.9 * v) newV += divisor;
  return newV;
}

const BN = { epsilon: 1e-3, momentum: 0.999 };

/** The inverted residual block; block 0 has no expansion and is named `expanded_conv_`. */
export function invertedResBlock(b: ModelBuilder, inputs: string, expansion: number, stride: number, filters: number, blockId: number): string {
  const inChannels = b.channels(inputs);
  const pointwiseFilters = makeDivisible(filters, 8);
  let x = inputs;
  let prefix = `block_${blockId}_`;
  if (blockId) {
    x = b.conv(x, expansion * inChannels, 1, { padding: 'same', use_bias: false, name: `${prefix}expand` });
    x = b.bn(x, { ...BN, name: `${prefix}expand_BN` });
    x = b.relu6(x, `${prefix}expand_relu`);
  } else prefix = 'expanded_conv_';
  if (stride === 2) x = b.pad(x, b.correctPad(x, 3), `${prefix}pad`);
  x = b.depthwise(x, 3, { strides: stride, use_bias: false, padding: stride === 1 ? 'same' : 'valid', name: `${prefix}depthwise` });
  x = b.bn(x, { ...BN, name: `${prefix}depthwise_BN` });
  x = b.relu6(x, `${prefix}depthwise_relu`);
  x = b.conv(x, pointwiseFilters, 1, { padding: 'same', use_bias: false, name: `${prefix}project` });
  x = b.bn(x, { ...BN, name: `${prefix}project_BN` });
  if (inChannels === pointwiseFilters && stride === 1) return b.add([inputs, x], `${prefix}add`);
  return x;
}

/** [filters, stride, expansion] of blocks 0…16. */
const BLOCKS: [number, number, number][] = [
  [16, 1, 1],
  [24, 2, 6], [24, 1, 6],
  [32, 2, 6], [32, 1, 6], [32, 1, 6],
  [64, 2, 6], [64, 1, 6], [64, 1, 6], [64, 1, 6],
  [96, 1, 6], [96, 1, 6], [96, 1, 6],
  [160, 2, 6], [160, 1, 6], [160, 1, 6],
  [320, 1, 6],
];

export function MobileNetV2(o: ZooOptions = {}) {
  const shape = inputShapeOf(o, 224);
  const b = new ModelBuilder(`mobilenetv2_1.00_${shape[0]}`);
  let x = b.input(shape);
  x = b.conv(x, makeDivisible(32, 8), 3, { strides: 2, padding: 'same', use_bias: false, name: 'Conv1' });
  x = b.bn(x, { ...BN, name: 'bn_Conv1' });
  x = b.relu6(x, 'Conv1_relu');
  BLOCKS.forEach(([filters, stride, expansion], id) => (x = b.group(id ? `block_${id}` : 'expanded_conv', () => invertedResBlock(b, x, expansion, stride, filters, id))));
  x = b.conv(x, 1280, 1, { use_bias: false, name: 'Conv_1' });
  x = b.bn(x, { ...BN, name: 'Conv_1_bn' });
  x = b.relu6(x, 'out_relu');
  return b.graph([classifierHead(b, x, o)]);
}
