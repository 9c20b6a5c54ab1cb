// Where a value is: a position in a node's output (batch left out) checked against its shape, and the
// flat NHWC offsets the explainers read.
import { formatShape, sizeOf, stridesOf, type Tensor } from '../tensor.ts';
import { OpError } from '../ops/op.ts';

/** A node as messages and texts name it: its name, and its id too where they differ (`conv2d_3 [stem_conv]`). */
export const nodeLabel = (id: string, name: string): string => (name === id || !id ? name : `${name} [${id}]`);

/** Names of a position's coordinates, as the CLI's --at writes them. */
export function axisNames(rank: number): string[] {
  return rank === 3 ? ['y', 'x', 'c'] : rank === 1 ? ['c'] : Array.from({ length: rank }, (_, i) => `i${i}`);
}

/** Throws an OpError saying which coordinate is out of range and what the ranges are. */
export function checkPosition(name: string, shape: readonly number[], at: readonly number[], image: number, batch: number): void {
  const names = axisNames(shape.length);
  const ranges = shape.map((d, i) => `${names[i]} in 0…${d - 1}`).join(', ');
  if (at.length !== shape.length)
    throw new OpError(
      `a position in ${name}'s ${formatShape(shape)} output has ${shape.length} coordinate${shape.length === 1 ? '' : 's'} (${names.join(', ')}), got ${at.length}`,
      `give ${names.join(',')} with ${ranges}`,
    );
  const bad = at.findIndex((v, i) => !Number.isInteger(v) || v < 0 || v >= shape[i]);
  if (bad >= 0)
    throw new OpError(`${names[bad]} = ${at[bad]} is outside ${name}'s ${formatShape(shape)} output`, `pick ${ranges}`);
  if (!Number.isInteger(image) || image < 0 || image >= batch)
    throw new OpError(`image ${image + 1} is not in the batch of ${batch}`, `pick an image from 1 to ${batch}`);
}

/** Flat offset of (image, ...at) in a batch-first tensor. */
export function offsetOf(t: Tensor, image: number, at: readonly number[]): number {
  const strides = stridesOf(t.shape);
  return image * strides[0] + at.reduce((o, v, i) => o + v * strides[i + 1], 0);
}

/** The size of one image of a batch-first tensor. */
export const imageSize = (t: Tensor): number => sizeOf(t.shape.slice(1));
