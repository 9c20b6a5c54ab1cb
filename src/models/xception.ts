// Xception (Chollet 2017) as keras.applications builds it: entry flow with strided 1×1 projection
// shortcuts, middle flow of 8 residual blocks of 3 ReLU–SeparableConv2D–BN, exit flow.
// Reference: keras/src/applications/xception.py.
import { ModelBuilder, classifierHead, inputShapeOf, type ZooOptions } from './builder.ts';

/** `prefix`_sepconvN, its BN, with the ReLU before it when `reluFirst` (Keras names it sepconvN_act). */
function sepConvBn(b: ModelBuilder, x: string, filters: number, prefix: string, n: number, reluFirst = true): string {
  if (reluFirst) x = b.act(x, 'relu', `${prefix}_sepconv${n}_act`);
  x = b.separable(x, filters, 3, { padding: 'same', use_bias: false, name: `${prefix}_sepconv${n}` });
  return b.bn(x, { name: `${prefix}_sepconv${n}_bn` });
}

/** Entry/exit-flow block: two separable convs and a 3×3/2 max pool, added to a strided 1×1 projection. */
export function xceptionDownBlock(b: ModelBuilder, x: string, filters: [number, number], prefix: string, firstRelu = true): string {
  let residual = b.conv(x, filters[1], 1, { strides: 2, padding: 'same', use_bias: false });
  residual = b.bn(residual);
  x = sepConvBn(b, x, filters[0], prefix, 1, firstRelu);
  x = sepConvBn(b, x, filters[1], prefix, 2);
  x = b.maxPool(x, 3, { strides: 2, padding: 'same', name: `${prefix}_pool` });
  return b.add([x, residual]);
}

/** Middle-flow block: three ReLU–SeparableConv2D(728)–BN and the identity shortcut. */
export function xceptionMiddleBlock(b: ModelBuilder, x: string, prefix: string): string {
  const residual = x;
  for (let n = 1; n <= 3; n++) x = sepConvBn(b, x, 728, prefix, n);
  return b.add([x, residual]);
}

export function Xception(o: ZooOptions = {}) {
  const b = new ModelBuilder('xception');
  let x = b.input(inputShapeOf(o, 299));
  x = b.conv(x, 32, 3, { strides: 2, use_bias: false, name: 'block1_conv1' });
  x = b.bn(x, { name: 'block1_conv1_bn' });
  x = b.act(x, 'relu', 'block1_conv1_act');
  x = b.conv(x, 64, 3, { use_bias: false, name: 'block1_conv2' });
  x = b.bn(x, { name: 'block1_conv2_bn' });
  x = b.act(x, 'relu', 'block1_conv2_act');

  // block2 has no ReLU of its own before its first separable conv: block1 ends with one.
  x = b.group('block2', () => xceptionDownBlock(b, x, [128, 128], 'block2', false));
  x = b.group('block3', () => xceptionDownBlock(b, x, [256, 256], 'block3'));
  x = b.group('block4', () => xceptionDownBlock(b, x, [728, 728], 'block4'));
  for (let i = 5; i <= 12; i++) x = b.group(`block${i}`, () => xceptionMiddleBlock(b, x, `block${i}`));
  x = b.group('block13', () => xceptionDownBlock(b, x, [728, 1024], 'block13'));

  x = b.separable(x, 1536, 3, { padding: 'same', use_bias: false, name: 'block14_sepconv1' });
  x = b.bn(x, { name: 'block14_sepconv1_bn' });
  x = b.act(x, 'relu', 'block14_sepconv1_act');
  x = b.separable(x, 2048, 3, { padding: 'same', use_bias: false, name: 'block14_sepconv2' });
  x = b.bn(x, { name: 'block14_sepconv2_bn' });
  x = b.act(x, 'relu', 'block14_sepconv2_act');
  return b.graph([classifierHead(b, x, o, { top: 'avg_pool' })]);
}

