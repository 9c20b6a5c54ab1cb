// Inception-v3 (Szegedy et al. 2015) as keras.applications builds it: the stem, three 35×35 modules
// (mixed0–2), a grid reduction (mixed3), four 17×17 modules with 1×7/7×1 factorised convs (mixed4–7),
// a reduction (mixed8) and two 8×8 modules with split 1×3/3×1 branches (mixed9, mixed10).
// Reference: keras/src/applications/inception_v3.py.
import { ModelBuilder, classifierHead, inputShapeOf, type ZooOptions } from './builder.ts';

/** Keras' conv2d_bn: Conv2D (no bias) → BatchNormalization (scale=False) → ReLU, unnamed. */
export function conv2dBn(b: ModelBuilder, x: string, filters: number, rows: number, cols: number, { strides = 1, padding = 'same' } = {}): string {
  x = b.conv(x, filters, [rows, cols], { strides, padding, use_bias: false });
  x = b.bn(x, { scale: false });
  return b.act(x, 'relu');
}

const avgPool3x3 = (b: ModelBuilder, x: string) => b.avgPool(x, 3, { strides: 1, padding: 'same' });

/** 35×35 module: 1×1, 5×5, double 3×3 and a pooled 1×1 projection of `poolFilters`. */
export function inceptionA(b: ModelBuilder, x: string, poolFilters: number, name: string): string {
  const branch1x1 = conv2dBn(b, x, 64, 1, 1);
  let branch5x5 = conv2dBn(b, x, 48, 1, 1);
  branch5x5 = conv2dBn(b, branch5x5, 64, 5, 5);
  let branch3x3dbl = conv2dBn(b, x, 64, 1, 1);
  branch3x3dbl = conv2dBn(b, branch3x3dbl, 96, 3, 3);
  branch3x3dbl = conv2dBn(b, branch3x3dbl, 96, 3, 3);
  const branchPool = conv2dBn(b, avgPool3x3(b, x), poolFilters, 1, 1);
  return b.concat([branch1x1, branch5x5, branch3x3dbl, branchPool], name);
}

/** 17×17 module with factorised 7×7s: 1×7 then 7×1, and the doubled 7×1, 1×7, 7×1, 1×7. */
export function inceptionC(b: ModelBuilder, x: string, mid: number, name: string): string {
  const branch1x1 = conv2dBn(b, x, 192, 1, 1);
  let branch7x7 = conv2dBn(b, x, mid, 1, 1);
  branch7x7 = conv2dBn(b, branch7x7, mid, 1, 7);
  branch7x7 = conv2dBn(b, branch7x7, 192, 7, 1);
  let branch7x7dbl = conv2dBn(b, x, mid, 1, 1);
  branch7x7dbl = conv2dBn(b, branch7x7dbl, mid, 7, 1);
  branch7x7dbl = conv2dBn(b, branch7x7dbl, mid, 1, 7);
  branch7x7dbl = conv2dBn(b, branch7x7dbl, mid, 7, 1);
  branch7x7dbl = conv2dBn(b, branch7x7dbl, 192, 1, 7);
  const branchPool = conv2dBn(b, avgPool3x3(b, x), 192, 1, 1);
  return b.concat([branch1x1, branch7x7, branch7x7dbl, branchPool], name);
}

/** 8×8 module: 1×3 and 3×1 side by side after a 1×1 and after a 3×3 (expanded filter bank). */
export function inceptionE(b: ModelBuilder, x: string, i: number): string {
  const branch1x1 = conv2dBn(b, x, 320, 1, 1);
  const branch3x3 = conv2dBn(b, x, 384, 1, 1);
  const branch3x3Split = b.concat([conv2dBn(b, branch3x3, 384, 1, 3), conv2dBn(b, branch3x3, 384, 3, 1)], `mixed9_${i}`);
  let branch3x3dbl = conv2dBn(b, x, 448, 1, 1);
  branch3x3dbl = conv2dBn(b, branch3x3dbl, 384, 3, 3);
  const branch3x3dblSplit = b.concat([conv2dBn(b, branch3x3dbl, 384, 1, 3), conv2dBn(b, branch3x3dbl, 384, 3, 1)]);
  const branchPool = conv2dBn(b, avgPool3x3(b, x), 192, 1, 1);
  return b.concat([branch1x1, branch3x3Split, branch3x3dblSplit, branchPool], `mixed${9 + i}`);
}

export function InceptionV3(o: ZooOptions = {}) {
  const b = new ModelBuilder('inception_v3');
  let x = b.input(inputShapeOf(o, 299));
  x = conv2dBn(b, x, 32, 3, 3, { strides: 2, padding: 'valid' });
  x = conv2dBn(b, x, 32, 3, 3, { padding: 'valid' });
  x = conv2dBn(b, x, 64, 3, 3);
  x = b.maxPool(x, 3, { strides: 2 });
  x = conv2dBn(b, x, 80, 1, 1, { padding: 'valid' });
  x = conv2dBn(b, x, 192, 3, 3, { padding: 'valid' });
  x = b.maxPool(x, 3, { strides: 2 });

  x = b.group('mixed0', () => inceptionA(b, x, 32, 'mixed0'));
  x = b.group('mixed1', () => inceptionA(b, x, 64, 'mixed1'));
  x = b.group('mixed2', () => inceptionA(b, x, 64, 'mixed2'));

  // mixed3: grid reduction 35 → 17
  let start = b.nodes.length;
  const branch3x3 = conv2dBn(b, x, 384, 3, 3, { strides: 2, padding: 'valid' });
  let branch3x3dbl = conv2dBn(b, x, 64, 1, 1);
  branch3x3dbl = conv2dBn(b, branch3x3dbl, 96, 3, 3);
  branch3x3dbl = conv2dBn(b, branch3x3dbl, 96, 3, 3, { strides: 2, padding: 'valid' });
  x = b.concat([branch3x3, branch3x3dbl, b.maxPool(x, 3, { strides: 2 })], 'mixed3');
  b.groupSince('mixed3', start);

  x = b.group('mixed4', () => inceptionC(b, x, 128, 'mixed4'));
  x = b.group('mixed5', () => inceptionC(b, x, 160, 'mixed5'));
  x = b.group('mixed6', () => inceptionC(b, x, 160, 'mixed6'));
  x = b.group('mixed7', () => inceptionC(b, x, 192, 'mixed7'));

  // mixed8: grid reduction 17 → 8
  start = b.nodes.length;
  let branch3x3r = conv2dBn(b, x, 192, 1, 1);
  branch3x3r = conv2dBn(b, branch3x3r, 320, 3, 3, { strides: 2, padding: 'valid' });
  let branch7x7x3 = conv2dBn(b, x, 192, 1, 1);
  branch7x7x3 = conv2dBn(b, branch7x7x3, 192, 1, 7);
  branch7x7x3 = conv2dBn(b, branch7x7x3, 192, 7, 1);
  branch7x7x3 = conv2dBn(b, branch7x7x3, 192, 3, 3, { strides: 2, padding: 'valid' });
  x = b.concat([branch3x3r, branch7x7x3, b.maxPool(x, 3, { strides: 2 })], 'mixed8');
  b.groupSince('mixed8', start);

  x = b.group('mixed9', () => inceptionE(b, x, 0));
  x = b.group('mixed10', () => inceptionE(b, x, 1));
  return b.graph([classifierHead(b, x, o, { top: 'avg_pool' })]);
}
