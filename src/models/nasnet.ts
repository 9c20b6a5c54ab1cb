// NASNet-A Mobile and Large (Zoph et al. 2018) as keras.applications builds them: a strided stem,
// two stem reduction cells, then 3 stacks of N normal cells separated by reduction cells; every cell
// takes the two previous outputs (x, p), `adjust` squares p up to x first.
// Reference: keras/src/applications/nasnet.py.
import { ModelBuilder, classifierHead, inputShapeOf, type ZooOptions } from './builder.ts';

const BN = { momentum: 0.9997, epsilon: 1e-3 };
const HE = { kernel_initializer: 'he_normal' };

/** Two ReLU–SeparableConv2D–BN; the first strided (and explicitly padded) when `strides` is 2. */
export function separableConvBlock(b: ModelBuilder, ip: string, filters: number, kernel: number, blockId: string, strides = 1): string {
  let x = b.act(ip, 'relu');
  let padding = 'same';
  if (strides === 2) {
    x = b.pad(x, b.correctPad(x, kernel), `separable_conv_1_pad_${blockId}`);
    padding = 'valid';
  }
  x = b.separable(x, filters, kernel, { strides, name: `separable_conv_1_${blockId}`, padding, use_bias: false });
  x = b.bn(x, { ...BN, name: `separable_conv_1_bn_${blockId}` });
  x = b.act(x, 'relu');
  x = b.separable(x, filters, kernel, { name: `separable_conv_2_${blockId}`, padding: 'same', use_bias: false });
  return b.bn(x, { ...BN, name: `separable_conv_2_bn_${blockId}` });
}

/**
 * Makes the previous cell's output `p` fit `ip`: halves its size with two offset 1×1/2 paths
 * (factorised reduction) when the widths differ, else projects its channels to `filters`.
 */
export function adjustBlock(b: ModelBuilder, p: string | null, ip: string, filters: number, blockId: string): string {
  if (p === null) return ip;
  if (b.shape(p)[1] !== b.shape(ip)[1]) {
    p = b.act(p, 'relu', `adjust_relu_1_${blockId}`);
    let p1 = b.avgPool(p, 1, { strides: 2, padding: 'valid', name: `adjust_avg_pool_1_${blockId}` });
    p1 = b.conv(p1, Math.floor(filters / 2), 1, { padding: 'same', use_bias: false, name: `adjust_conv_1_${blockId}`, ...HE });
    let p2 = b.pad(p, [[0, 1], [0, 1]]);
    p2 = b.layer('Cropping2D', p2, { cropping: [[1, 0], [1, 0]] });
    p2 = b.avgPool(p2, 1, { strides: 2, padding: 'valid', name: `adjust_avg_pool_2_${blockId}` });
    p2 = b.conv(p2, Math.floor(filters / 2), 1, { padding: 'same', use_bias: false, name: `adjust_conv_2_${blockId}`, ...HE });
    p = b.concat([p1, p2]);
    return b.bn(p, { ...BN, name: `adjust_bn_${blockId}` });
  }
  if (b.channels(p) !== filters) {
    p = b.act(p, 'relu');
    p = b.conv(p, filters, 1, { strides: 1, padding: 'same', name: `adjust_conv_projection_${blockId}`, use_bias: false, ...HE });
    return b.bn(p, { ...BN, name: `adjust_bn_${blockId}` });
  }
  return p;
}

/** ReLU–1×1 conv–BN of the cell input: the `h` every branch of a cell starts from. */
function squeeze(b: ModelBuilder, ip: string, filters: number, kind: 'normal' | 'reduction', blockId: string): string {
  const h = b.act(ip, 'relu');
  const conv = b.conv(h, filters, 1, { strides: 1, padding: 'same', name: `${kind}_conv_1_${blockId}`, use_bias: false, ...HE });
  return b.bn(conv, { ...BN, name: `${kind}_bn_1_${blockId}` });
}

/** The normal cell (Fig. 4 left): five pairwise-added branches concatenated with p. Returns [x, ip]. */
export function normalCell(b: ModelBuilder, ip: string, pIn: string | null, filters: number, blockId: string): [string, string] {
  const p = adjustBlock(b, pIn, ip, filters, blockId);
  const h = squeeze(b, ip, filters, 'normal', blockId);
  const avg3 = (x: string, name: string) => b.avgPool(x, 3, { strides: 1, padding: 'same', name });

  const x1 = b.add([
    separableConvBlock(b, h, filters, 5, `normal_left1_${blockId}`),
    separableConvBlock(b, p, filters, 3, `normal_right1_${blockId}`),
  ], `normal_add_1_${blockId}`);
  const x2 = b.add([
    separableConvBlock(b, p, filters, 5, `normal_left2_${blockId}`),
    separableConvBlock(b, p, filters, 3, `normal_right2_${blockId}`),
  ], `normal_add_2_${blockId}`);
  const x3 = b.add([avg3(h, `normal_left3_${blockId}`), p], `normal_add_3_${blockId}`);
  const x4 = b.add([avg3(p, `normal_left4_${blockId}`), avg3(p, `normal_right4_${blockId}`)], `normal_add_4_${blockId}`);
  const x5 = b.add([separableConvBlock(b, h, filters, 3, `normal_left5_${blockId}`), h], `normal_add_5_${blockId}`);
  return [b.concat([p, x1, x2, x3, x4, x5], `normal_concat_${blockId}`), ip];
}

/** The reduction cell (Fig. 4 right): strided branches halve the size. Returns [x, ip]. */
export function reductionCell(b: ModelBuilder, ip: string, pIn: string | null, filters: number, blockId: string): [string, string] {
  const p = adjustBlock(b, pIn, ip, filters, blockId);
  const h = squeeze(b, ip, filters, 'reduction', blockId);
  const h3 = b.pad(h, b.correctPad(h, 3), `reduction_pad_1_${blockId}`);

  const x1 = b.add([
    separableConvBlock(b, h, filters, 5, `reduction_left1_${blockId}`, 2),
    separableConvBlock(b, p, filters, 7, `reduction_right1_${blockId}`, 2),
  ], `reduction_add_1_${blockId}`);
  const x2 = b.add([
    b.maxPool(h3, 3, { strides: 2, padding: 'valid', name: `reduction_left2_${blockId}` }),
    separableConvBlock(b, p, filters, 7, `reduction_right2_${blockId}`, 2),
  ], `reduction_add_2_${blockId}`);
  const x3 = b.add([
    b.avgPool(h3, 3, { strides: 2, padding: 'valid', name: `reduction_left3_${blockId}` }),
    separableConvBlock(b, p, filters, 5, `reduction_right3_${blockId}`, 2),
  ], `reduction_add3_${blockId}`);
  const x4 = b.add([x2, b.avgPool(x1, 3, { strides: 1, padding: 'same', name: `reduction_left4_${blockId}` })]);
  const x5 = b.add([
    separableConvBlock(b, x1, filters, 3, `reduction_left4_${blockId}`),
    b.maxPool(h3, 3, { strides: 2, padding: 'valid', name: `reduction_right5_${blockId}` }),
  ], `reduction_add4_${blockId}`);
  return [b.concat([x2, x3, x4, x5], `reduction_concat_${blockId}`), ip];
}

interface NasnetConfig {
  penultimateFilters: number;
  numBlocks: number;
  stemBlockFilters: number;
  skipReduction: boolean;
  filterMultiplier: number;
  defaultSize: number;
}

function nasnet(c: NasnetConfig, o: ZooOptions) {
  const b = new ModelBuilder('NASNet');
  const m = c.filterMultiplier;
  const filters = Math.floor(c.penultimateFilters / 24);
  let x = b.input(inputShapeOf(o, c.defaultSize));
  x = b.conv(x, c.stemBlockFilters, 3, { strides: 2, padding: 'valid', use_bias: false, name: 'stem_conv1', ...HE });
  x = b.bn(x, { ...BN, name: 'stem_bn1' });

  let p: string | null = null, p0: string;
  [x, p] = b.group('reduction_cell_stem_1', () => reductionCell(b, x, p, Math.floor(filters / m ** 2), 'stem_1'));
  [x, p] = b.group('reduction_cell_stem_2', () => reductionCell(b, x, p, Math.floor(filters / m), 'stem_2'));
  for (let i = 0; i < c.numBlocks; i++) [x, p] = b.group(`normal_cell_${i}`, () => normalCell(b, x, p, filters, `${i}`));
  [x, p0] = b.group(`reduction_cell_${c.numBlocks}`, () => reductionCell(b, x, p, filters * m, `reduce_${c.numBlocks}`));
  p = c.skipReduction ? p : p0;
  for (let i = 0; i < c.numBlocks; i++) [x, p] = b.group(`normal_cell_${c.numBlocks + i + 1}`, () => normalCell(b, x, p, filters * m, `${c.numBlocks + i + 1}`));
  [x, p0] = b.group(`reduction_cell_${2 * c.numBlocks}`, () => reductionCell(b, x, p, filters * m ** 2, `reduce_${2 * c.numBlocks}`));
  p = c.skipReduction ? p : p0;
  for (let i = 0; i < c.numBlocks; i++) [x, p] = b.group(`normal_cell_${2 * c.numBlocks + i + 1}`, () => normalCell(b, x, p, filters * m ** 2, `${2 * c.numBlocks + i + 1}`));
  x = b.act(x, 'relu');
  return b.graph([classifierHead(b, x, o)]);
}

export const NASNetMobile = (o: ZooOptions = {}) => nasnet(
  { penultimateFilters: 1056, numBlocks: 4, stemBlockFilters: 32, skipReduction: false, filterMultiplier: 2, defaultSize: 224 }, o);
export const NASNetLarge = (o: ZooOptions = {}) => nasnet(
  { penultimateFilters: 4032, numBlocks: 6, stemBlockFilters: 96, skipReduction: true, filterMultiplier: 2, defaultSize: 331 }, o);
