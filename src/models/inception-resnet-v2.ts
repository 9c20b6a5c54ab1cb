// Inception-ResNet-v2 (Szegedy et al. 2016) as keras.applications builds it: stem, mixed_5b, 10×block35,
// mixed_6a, 20×block17, mixed_7a, 10×block8, conv_7b. Each residual block adds its scaled branch
// (Keras' CustomScaleLayer x + scale·up) — here a Rescaling then an Add named as Keras' scale layer.
// Reference: keras/src/applications/inception_resnet_v2.py.
import { ModelBuilder, classifierHead, inputShapeOf, type ZooOptions } from './builder.ts';

/** Keras' conv2d_bn here: Conv2D → BN (scale=False, unless a bias) → activation; `name`_bn, `name`_ac. */
export function conv2dBn(
  b: ModelBuilder, x: string, filters: number, kernel: number | [number, number],
  { strides = 1, padding = 'same', activation = 'relu' as string | null, useBias = false, name = undefined as string | undefined } = {},
): string {
  x = b.conv(x, filters, kernel, { strides, padding, use_bias: useBias, name });
  if (!useBias) x = b.bn(x, { scale: false, name: name && `${name}_bn` });
  if (activation) x = b.act(x, activation, name && `${name}_ac`);
  return x;
}

/** An Inception-ResNet block: branches, concat, linear 1×1 back to C channels, x + scale·up, ReLU. */
export function inceptionResnetBlock(b: ModelBuilder, x: string, scale: number, blockType: 'block35' | 'block17' | 'block8', blockIdx: number, activation: string | null = 'relu'): string {
  let branches: string[];
  if (blockType === 'block35') {
    const branch0 = conv2dBn(b, x, 32, 1);
    const branch1 = conv2dBn(b, conv2dBn(b, x, 32, 1), 32, 3);
    const branch2 = conv2dBn(b, conv2dBn(b, conv2dBn(b, x, 32, 1), 48, 3), 64, 3);
    branches = [branch0, branch1, branch2];
  } else if (blockType === 'block17') {
    const branch0 = conv2dBn(b, x, 192, 1);
    const branch1 = conv2dBn(b, conv2dBn(b, conv2dBn(b, x, 128, 1), 160, [1, 7]), 192, [7, 1]);
    branches = [branch0, branch1];
  } else {
    const branch0 = conv2dBn(b, x, 192, 1);
    const branch1 = conv2dBn(b, conv2dBn(b, conv2dBn(b, x, 192, 1), 224, [1, 3]), 256, [3, 1]);
    branches = [branch0, branch1];
  }
  const blockName = `${blockType}_${blockIdx}`;
  const mixed = b.concat(branches, `${blockName}_mixed`);
  const up = conv2dBn(b, mixed, b.channels(x), 1, { activation: null, useBias: true, name: `${blockName}_conv` });
  const scaled = b.layer('Rescaling', up, { scale, name: `${blockName}_scale` });
  x = b.add([x, scaled], blockName);
  return activation ? b.act(x, activation, `${blockName}_ac`) : x;
}

export function InceptionResNetV2(o: ZooOptions = {}) {
  const b = new ModelBuilder('inception_resnet_v2');
  let x = b.input(inputShapeOf(o, 299));
  x = conv2dBn(b, x, 32, 3, { strides: 2, padding: 'valid' });
  x = conv2dBn(b, x, 32, 3, { padding: 'valid' });
  x = conv2dBn(b, x, 64, 3);
  x = b.maxPool(x, 3, { strides: 2 });
  x = conv2dBn(b, x, 80, 1, { padding: 'valid' });
  x = conv2dBn(b, x, 192, 3, { padding: 'valid' });
  x = b.maxPool(x, 3, { strides: 2 });

  // mixed_5b (Inception-A): 35×35×320
  let start = b.nodes.length;
  const branch0 = conv2dBn(b, x, 96, 1);
  const branch1 = conv2dBn(b, conv2dBn(b, x, 48, 1), 64, 5);
  const branch2 = conv2dBn(b, conv2dBn(b, conv2dBn(b, x, 64, 1), 96, 3), 96, 3);
  const pool = conv2dBn(b, b.avgPool(x, 3, { strides: 1, padding: 'same' }), 64, 1);
  x = b.concat([branch0, branch1, branch2, pool], 'mixed_5b');
  b.groupSince('mixed_5b', start);
  for (let i = 1; i <= 10; i++) x = b.group(`block35_${i}`, () => inceptionResnetBlock(b, x, 0.17, 'block35', i));

  // mixed_6a (Reduction-A): 17×17×1088
  start = b.nodes.length;
  x = b.concat([
    conv2dBn(b, x, 384, 3, { strides: 2, padding: 'valid' }),
    conv2dBn(b, conv2dBn(b, conv2dBn(b, x, 256, 1), 256, 3), 384, 3, { strides: 2, padding: 'valid' }),
    b.maxPool(x, 3, { strides: 2, padding: 'valid' }),
  ], 'mixed_6a');
  b.groupSince('mixed_6a', start);
  for (let i = 1; i <= 20; i++) x = b.group(`block17_${i}`, () => inceptionResnetBlock(b, x, 0.1, 'block17', i));

  // mixed_7a (Reduction-B): 8×8×2080
  start = b.nodes.length;
  x = b.concat([
    conv2dBn(b, conv2dBn(b, x, 256, 1), 384, 3, { strides: 2, padding: 'valid' }),
    conv2dBn(b, conv2dBn(b, x, 256, 1), 288, 3, { strides: 2, padding: 'valid' }),
    conv2dBn(b, conv2dBn(b, conv2dBn(b, x, 256, 1), 288, 3), 320, 3, { strides: 2, padding: 'valid' }),
    b.maxPool(x, 3, { strides: 2, padding: 'valid' }),
  ], 'mixed_7a');
  b.groupSince('mixed_7a', start);
  for (let i = 1; i <= 9; i++) x = b.group(`block8_${i}`, () => inceptionResnetBlock(b, x, 0.2, 'block8', i));
  x = b.group('block8_10', () => inceptionResnetBlock(b, x, 1.0, 'block8', 10, null));

  x = conv2dBn(b, x, 1536, 1, { name: 'conv_7b' });
  return b.graph([classifierHead(b, x, o, { top: 'avg_pool' })]);
}
