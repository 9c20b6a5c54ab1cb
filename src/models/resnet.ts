// ResNet50/101/152 (He et al. 2015, post-activation bottlenecks) and ResNet50V2/101V2/152V2 (He et al.
// 2016, pre-activation) as keras.applications builds them: conv1 stem, stacks conv2…conv5 of bottleneck
// blocks, BN epsilon 1.001e-5. Reference: keras/src/applications/resnet.py, resnet_v2.py.
import { ModelBuilder, classifierHead, inputShapeOf, type ZooOptions } from './builder.ts';

const EPSILON = 1.001e-5;

/**
 * The v1 bottleneck: 1×1 (stride) → 3×3 → 1×1 (4·filters), BN after each, added to the shortcut (a
 * 1×1 projection when `convShortcut`, else the identity), then ReLU. Names `${name}_1_conv` ….
 */
export function residualBlockV1(b: ModelBuilder, x: string, filters: number, name: string, { stride = 1, convShortcut = true } = {}): string {
  let shortcut = x;
  if (convShortcut) {
    shortcut = b.conv(x, 4 * filters, 1, { strides: stride, name: `${name}_0_conv` });
    shortcut = b.bn(shortcut, { epsilon: EPSILON, name: `${name}_0_bn` });
  }
  x = b.conv(x, filters, 1, { strides: stride, name: `${name}_1_conv` });
  x = b.bn(x, { epsilon: EPSILON, name: `${name}_1_bn` });
  x = b.act(x, 'relu', `${name}_1_relu`);
  x = b.conv(x, filters, 3, { padding: 'same', name: `${name}_2_conv` });
  x = b.bn(x, { epsilon: EPSILON, name: `${name}_2_bn` });
  x = b.act(x, 'relu', `${name}_2_relu`);
  x = b.conv(x, 4 * filters, 1, { name: `${name}_3_conv` });
  x = b.bn(x, { epsilon: EPSILON, name: `${name}_3_bn` });
  x = b.add([shortcut, x], `${name}_add`);
  return b.act(x, 'relu', `${name}_out`);
}

/** `blocks` v1 bottlenecks; the first projects and strides by `stride1`. */
export function stackV1(b: ModelBuilder, x: string, filters: number, blocks: number, name: string, stride1 = 2): string {
  x = b.group(`${name}_block1`, () => residualBlockV1(b, x, filters, `${name}_block1`, { stride: stride1 }));
  for (let i = 2; i <= blocks; i++) x = b.group(`${name}_block${i}`, () => residualBlockV1(b, x, filters, `${name}_block${i}`, { convShortcut: false }));
  return x;
}

/**
 * The v2 (pre-activation) bottleneck: BN-ReLU first, shared by the projection shortcut; the stride is
 * on the 3×3 (explicitly padded); an identity shortcut of a strided block is a 1×1 max pool.
 */
export function residualBlockV2(b: ModelBuilder, x: string, filters: number, name: string, { stride = 1, convShortcut = false } = {}): string {
  let preact = b.bn(x, { epsilon: EPSILON, name: `${name}_preact_bn` });
  preact = b.act(preact, 'relu', `${name}_preact_relu`);
  const shortcut = convShortcut
    ? b.conv(preact, 4 * filters, 1, { strides: stride, name: `${name}_0_conv` })
    : stride > 1 ? b.maxPool(x, 1, { strides: stride }) : x;
  x = b.conv(preact, filters, 1, { strides: 1, use_bias: false, name: `${name}_1_conv` });
  x = b.bn(x, { epsilon: EPSILON, name: `${name}_1_bn` });
  x = b.act(x, 'relu', `${name}_1_relu`);
  x = b.pad(x, [[1, 1], [1, 1]], `${name}_2_pad`);
  x = b.conv(x, filters, 3, { strides: stride, use_bias: false, name: `${name}_2_conv` });
  x = b.bn(x, { epsilon: EPSILON, name: `${name}_2_bn` });
  x = b.act(x, 'relu', `${name}_2_relu`);
  x = b.conv(x, 4 * filters, 1, { name: `${name}_3_conv` });
  return b.add([shortcut, x], `${name}_out`);
}

/** `blocks` v2 bottlenecks; the first projects, the LAST strides by `stride1` (as Keras does). */
export function stackV2(b: ModelBuilder, x: string, filters: number, blocks: number, name: string, stride1 = 2): string {
  x = b.group(`${name}_block1`, () => residualBlockV2(b, x, filters, `${name}_block1`, { convShortcut: true }));
  for (let i = 2; i < blocks; i++) x = b.group(`${name}_block${i}`, () => residualBlockV2(b, x, filters, `${name}_block${i}`));
  return b.group(`${name}_block${blocks}`, () => residualBlockV2(b, x, filters, `${name}_block${blocks}`, { stride: stride1 }));
}

/** Blocks per stack conv2…conv5. */
const DEPTHS: Record<string, [number, number, number, number]> = {
  50: [3, 4, 6, 3], 101: [3, 4, 23, 3], 152: [3, 8, 36, 3],
};

function resnet(modelName: string, preact: boolean, blocks: [number, number, number, number], o: ZooOptions) {
  const b = new ModelBuilder(modelName);
  let x = b.input(inputShapeOf(o, 224));
  x = b.pad(x, [[3, 3], [3, 3]], 'conv1_pad');
  x = b.conv(x, 64, 7, { strides: 2, name: 'conv1_conv' });
  if (!preact) {
    x = b.bn(x, { epsilon: EPSILON, name: 'conv1_bn' });
    x = b.act(x, 'relu', 'conv1_relu');
  }
  x = b.pad(x, [[1, 1], [1, 1]], 'pool1_pad');
  x = b.maxPool(x, 3, { strides: 2, name: 'pool1_pool' });
  const [n2, n3, n4, n5] = blocks;
  if (preact) {
    x = stackV2(b, x, 64, n2, 'conv2');
    x = stackV2(b, x, 128, n3, 'conv3');
    x = stackV2(b, x, 256, n4, 'conv4');
    x = stackV2(b, x, 512, n5, 'conv5', 1);
    x = b.bn(x, { epsilon: EPSILON, name: 'post_bn' });
    x = b.act(x, 'relu', 'post_relu');
  } else {
    x = stackV1(b, x, 64, n2, 'conv2', 1);
    x = stackV1(b, x, 128, n3, 'conv3');
    x = stackV1(b, x, 256, n4, 'conv4');
    x = stackV1(b, x, 512, n5, 'conv5');
  }
  return b.graph([classifierHead(b, x, o, { top: 'avg_pool', avg: 'avg_pool', max: 'max_pool' })]);
}

export const ResNet50 = (o: ZooOptions = {}) => resnet('resnet50', false, DEPTHS[50], o);
export const ResNet101 = (o: ZooOptions = {}) => resnet('resnet101', false, DEPTHS[101], o);
export const ResNet152 = (o: ZooOptions = {}) => resnet('resnet152', false, DEPTHS[152], o);
export const ResNet50V2 = (o: ZooOptions = {}) => resnet('resnet50v2', true, DEPTHS[50], o);
export const ResNet101V2 = (o: ZooOptions = {}) => resnet('resnet101v2', true, DEPTHS[101], o);
export const ResNet152V2 = (o: ZooOptions = {}) => resnet('resnet152v2', true, DEPTHS[152], o);
