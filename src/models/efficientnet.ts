// EfficientNetB0–B7 (Tan & Le 2019) as keras.applications builds them: Rescaling(1/255) and an adapted
// Normalization, a stem, 7 stages of MBConv blocks (expand 1×1, depthwise k×k, squeeze-excite, project
// 1×1, Add + Dropout when shapes allow) widened and deepened per variant, a 1×1 top conv.
// Reference: keras/src/applications/efficientnet.py (weights=None: no second, ImageNet-only Rescaling).
import { ModelBuilder, classifierHead, inputShapeOf, type ZooOptions } from './builder.ts';

interface BlockArgs {
  kernelSize: number;
  repeats: number;
  filtersIn: number;
  filtersOut: number;
  expandRatio: number;
  strides: number;
  seRatio: number;
}

const DEFAULT_BLOCKS: BlockArgs[] = [
  { kernelSize: 3, repeats: 1, filtersIn: 32, filtersOut: 16, expandRatio: 1, strides: 1, seRatio: 0.25 },
  { kernelSize: 3, repeats: 2, filtersIn: 16, filtersOut: 24, expandRatio: 6, strides: 2, seRatio: 0.25 },
  { kernelSize: 5, repeats: 2, filtersIn: 24, filtersOut: 40, expandRatio: 6, strides: 2, seRatio: 0.25 },
  { kernelSize: 3, repeats: 3, filtersIn: 40, filtersOut: 80, expandRatio: 6, strides: 2, seRatio: 0.25 },
  { kernelSize: 5, repeats: 3, filtersIn: 80, filtersOut: 112, expandRatio: 6, strides: 1, seRatio: 0.25 },
  { kernelSize: 5, repeats: 4, filtersIn: 112, filtersOut: 192, expandRatio: 6, strides: 2, seRatio: 0.25 },
  { kernelSize: 3, repeats: 1, filtersIn: 192, filtersOut: 320, expandRatio: 6, strides: 1, seRatio: 0.25 },
];

/** Keras' CONV_KERNEL_INITIALIZER, VarianceScaling(2, fan_out, truncated normal), is not one deepwire
 *  draws; he_normal (the same with fan_in) is the nearest. Parameter counts do not depend on it. */
const CONV_INIT = 'he_normal';

/**
 * The MBConv block: `name` is Keras' prefix (`block2a_`). The Add (and its Dropout, the identity at
 * inference) only when the block keeps stride 1 and its channel count.
 */
export function mbConvBlock(
  b: ModelBuilder, inputs: string, a: Omit<BlockArgs, 'repeats'>, name: string, { activation = 'swish', dropRate = 0 } = {},
): string {
  const filters = a.filtersIn * a.expandRatio;
  let x = inputs;
  if (a.expandRatio !== 1) {
    x = b.conv(x, filters, 1, { padding: 'same', use_bias: false, kernel_initializer: CONV_INIT, name: `${name}expand_conv` });
    x = b.bn(x, { name: `${name}expand_bn` });
    x = b.act(x, activation, `${name}expand_activation`);
  }
  if (a.strides === 2) x = b.pad(x, b.correctPad(x, a.kernelSize), `${name}dwconv_pad`);
  x = b.depthwise(x, a.kernelSize, {
    strides: a.strides, padding: a.strides === 2 ? 'valid' : 'same', use_bias: false, depthwise_initializer: CONV_INIT, name: `${name}dwconv`,
  });
  x = b.bn(x, { name: `${name}bn` });
  x = b.act(x, activation, `${name}activation`);
  if (a.seRatio > 0 && a.seRatio <= 1) x = squeezeExcite(b, x, Math.max(1, Math.trunc(a.filtersIn * a.seRatio)), activation, name);
  x = b.conv(x, a.filtersOut, 1, { padding: 'same', use_bias: false, kernel_initializer: CONV_INIT, name: `${name}project_conv` });
  x = b.bn(x, { name: `${name}project_bn` });
  if (a.strides === 1 && a.filtersIn === a.filtersOut) {
    if (dropRate > 0) x = b.layer('Dropout', x, { rate: dropRate, name: `${name}drop` });
    x = b.add([x, inputs], `${name}add`);
  }
  return x;
}

/** Squeeze-excite: global average → 1×1×C → reduce (activation) → expand (sigmoid) → scale x by it. */
export function squeezeExcite(b: ModelBuilder, x: string, filtersSe: number, activation: string, name: string): string {
  const filters = b.channels(x);
  let se = b.globalAvgPool(x, { name: `${name}se_squeeze` });
  se = b.layer('Reshape', se, { target_shape: [1, 1, filters], name: `${name}se_reshape` });
  se = b.conv(se, filtersSe, 1, { padding: 'same', activation, kernel_initializer: CONV_INIT, name: `${name}se_reduce` });
  se = b.conv(se, filters, 1, { padding: 'same', activation: 'sigmoid', kernel_initializer: CONV_INIT, name: `${name}se_expand` });
  return b.multiply([x, se], `${name}se_excite`);
}

interface Variant {
  width: number;
  depth: number;
  size: number;
  dropout: number;
}

const VARIANTS: Variant[] = [
  { width: 1.0, depth: 1.0, size: 224, dropout: 0.2 },
  { width: 1.0, depth: 1.1, size: 240, dropout: 0.2 },
  { width: 1.1, depth: 1.2, size: 260, dropout: 0.3 },
  { width: 1.2, depth: 1.4, size: 300, dropout: 0.3 },
  { width: 1.4, depth: 1.8, size: 380, dropout: 0.4 },
  { width: 1.6, depth: 2.2, size: 456, dropout: 0.4 },
  { width: 1.8, depth: 2.6, size: 528, dropout: 0.5 },
  { width: 2.0, depth: 3.1, size: 600, dropout: 0.5 },
];

/** Native input size of EfficientNetB`k`. */
export const efficientNetSize = (k: number) => VARIANTS[k].size;

function efficientnet(k: number, o: ZooOptions) {
  const { width, depth, size, dropout } = VARIANTS[k];
  const dropConnectRate = 0.2, divisor = 8, activation = 'swish';
  const roundFilters = (filters: number) => {
    filters *= width;
    let newFilters = Math.max(divisor, Math.floor(Math.trunc(filters + divisor / 2) / divisor) * divisor);
    if (newFilters < 0.9 * filters) newFilters += divisor;
    return newFilters;
  };
  const roundRepeats = (repeats: number) => Math.ceil(depth * repeats);

  const b = new ModelBuilder(`efficientnetb${k}`);
  let x = b.input(inputShapeOf(o, size));
  x = b.layer('Rescaling', x, { scale: 1 / 255 });
  x = b.layer('Normalization', x, { axis: -1 });
  x = b.pad(x, b.correctPad(x, 3), 'stem_conv_pad');
  x = b.conv(x, roundFilters(32), 3, { strides: 2, padding: 'valid', use_bias: false, kernel_initializer: CONV_INIT, name: 'stem_conv' });
  x = b.bn(x, { name: 'stem_bn' });
  x = b.act(x, activation, 'stem_activation');

  const total = DEFAULT_BLOCKS.reduce((s, a) => s + roundRepeats(a.repeats), 0);
  let blockIndex = 0;
  DEFAULT_BLOCKS.forEach((stage, i) => {
    const filtersIn = roundFilters(stage.filtersIn), filtersOut = roundFilters(stage.filtersOut);
    for (let j = 0; j < roundRepeats(stage.repeats); j++) {
      // The first block of a stage strides and changes the channel count; the rest keep both.
      const args = { ...stage, filtersIn: j > 0 ? filtersOut : filtersIn, filtersOut, strides: j > 0 ? 1 : stage.strides };
      const name = `block${i + 1}${String.fromCharCode(97 + j)}`;
      x = b.group(name, () => mbConvBlock(b, x, args, `${name}_`, { activation, dropRate: (dropConnectRate * blockIndex) / total }));
      blockIndex++;
    }
  });

  x = b.conv(x, roundFilters(1280), 1, { padding: 'same', use_bias: false, kernel_initializer: CONV_INIT, name: 'top_conv' });
  x = b.bn(x, { name: 'top_bn' });
  x = b.act(x, activation, 'top_activation');
  if (o.include_top ?? true) {
    x = b.globalAvgPool(x, { name: 'avg_pool' });
    if (dropout > 0) x = b.layer('Dropout', x, { rate: dropout, name: 'top_dropout' });
    x = b.dense(x, o.classes ?? 1000, { activation: o.classifier_activation ?? 'softmax', name: 'predictions' });
    return b.graph([x]);
  }
  return b.graph([classifierHead(b, x, o, { avg: 'avg_pool', max: 'max_pool' })]);
}

export const EfficientNetB0 = (o: ZooOptions = {}) => efficientnet(0, o);
export const EfficientNetB1 = (o: ZooOptions = {}) => efficientnet(1, o);
export const EfficientNetB2 = (o: ZooOptions = {}) => efficientnet(2, o);
export const EfficientNetB3 = (o: ZooOptions = {}) => efficientnet(3, o);
export const EfficientNetB4 = (o: ZooOptions = {}) => efficientnet(4, o);
export const EfficientNetB5 = (o: ZooOptions = {}) => efficientnet(5, o);
export const EfficientNetB6 = (o: ZooOptions = {}) => efficientnet(6, o);
export const EfficientNetB7 = (o: ZooOptions = {}) => efficientnet(7, o);
