// Data augmentation of a training batch, on the CPU for now: random flips (Keras' RandomFlip) and a
// random shift with padding (pad by p pixels and crop back at a random offset — the "RandomCrop with
// padding" of the CIFAR recipes — i.e. each image moved by −p … p pixels, the uncovered border filled).
//
// Split in two so that a GPU version can replace the second half alone:
// - augmentParams draws each sample's transform: [flipH, flipV, dy, dx] per sample, an Int32Array [B, 4]
//   (what a WGSL storage buffer takes as array<vec4<i32>>). A draw depends only on (seed, epoch, sample
//   index in the data set), not on the batch size or the shuffle, so the CPU and a GPU kernel agree.
// - applyAugmentation moves the pixels: out[y][x] = flipped[y − dy][x − dx], or fill outside the image.
import { OpError } from '../ops/op.ts';
import { formatShape, type Tensor } from '../tensor.ts';
import { RandomStream } from '../weights/random.ts';

export interface Augmentation {
  /** Keras' RandomFlip modes: each named axis flipped with probability ½, independently. */
  flip?: 'horizontal' | 'vertical' | 'horizontal_and_vertical';
  /** Shift by a whole number of pixels drawn uniformly from −pad … pad on each axis ([padH, padW] or one for both). */
  shift?: { pad: number | [number, number]; /** The value of the uncovered pixels (default 0). */ fill?: number };
}

/** Values per sample in the parameter array: flipH (0/1), flipV (0/1), dy, dx. */
export const AUGMENT_PARAMS = 4;

/** Draws the transform of each sample `indices[k]` for `epoch`: an Int32Array [B, 4] of [flipH, flipV, dy, dx]. */
export function augmentParams(augmentation: Augmentation, indices: ArrayLike<number>, seed: number, epoch: number): Int32Array {
  const { flip, shift } = augmentation;
  if (flip !== undefined && !['horizontal', 'vertical', 'horizontal_and_vertical'].includes(flip))
    throw new OpError(`unknown flip mode '${flip}'`, "use 'horizontal', 'vertical' or 'horizontal_and_vertical' (Keras' RandomFlip modes)");
  const [padH, padW] = shift ? pads(shift.pad) : [0, 0];
  const stream = new RandomStream(seed, `fit/augment/epoch:${epoch}`);
  const out = new Int32Array(indices.length * AUGMENT_PARAMS);
  for (let k = 0; k < indices.length; k++) {
    // Draws j = 4·sample + 0…3: flipH, flipV, dy, dx; each is drawn whether used or not, so enabling one never changes another.
    const base = indices[k] * AUGMENT_PARAMS, o = k * AUGMENT_PARAMS;
    out[o] = (flip === 'horizontal' || flip === 'horizontal_and_vertical') && stream.uniformAt(base) < 0.5 ? 1 : 0;
    out[o + 1] = (flip === 'vertical' || flip === 'horizontal_and_vertical') && stream.uniformAt(base + 1) < 0.5 ? 1 : 0;
    out[o + 2] = padH ? Math.floor(stream.uniformAt(base + 2) * (2 * padH + 1)) - padH : 0;
    out[o + 3] = padW ? Math.floor(stream.uniformAt(base + 3) * (2 * padW + 1)) - padW : 0;
  }
  return out;
}

function pads(pad: number | [number, number]): [number, number] {
  const [h, w] = typeof pad === 'number' ? [pad, pad] : pad;
  for (const p of [h, w]) if (!Number.isInteger(p) || p < 0) throw new OpError(`shift padding ${JSON.stringify(pad)} must be whole numbers ≥ 0`, 'e.g. 4 for the CIFAR recipe (pad 4, crop back to 32×32)');
  return [h, w];
}

/** Applies [B, 4] transforms to an NHWC batch [B, H, W, C]; returns a new tensor. */
export function applyAugmentation(x: Tensor, params: Int32Array, fill = 0): Tensor {
  if (x.shape.length !== 4) throw new OpError(`augmentation flips and shifts N×H×W×C images; this batch is ${formatShape(x.shape)}`, 'augment image data only');
  const [B, H, W, C] = x.shape;
  if (params.length !== B * AUGMENT_PARAMS) throw new OpError(`${params.length / AUGMENT_PARAMS} augmentation parameter sets for a batch of ${B}`);
  const out = new Float32Array(x.data.length);
  const src = x.data, row = W * C, image = H * row;
  for (let b = 0; b < B; b++) {
    const p = b * AUGMENT_PARAMS;
    const flipH = params[p] === 1, flipV = params[p + 1] === 1, dy = params[p + 2], dx = params[p + 3];
    const base = b * image;
    for (let y = 0; y < H; y++) {
      const sy = y - dy;
      const o = base + y * row;
      if (sy < 0 || sy >= H) {
        if (fill !== 0) out.fill(fill, o, o + row);
        continue;
      }
      const srcRow = base + (flipV ? H - 1 - sy : sy) * row;
      // the covered columns [x0, x1): sx = x − dx inside 0 … W − 1
      const x0 = Math.max(0, dx), x1 = Math.min(W, W + dx);
      if (fill !== 0) {
        out.fill(fill, o, o + x0 * C);
        out.fill(fill, o + x1 * C, o + row);
      }
      if (!flipH) {
        out.set(src.subarray(srcRow + (x0 - dx) * C, srcRow + (x1 - dx) * C), o + x0 * C);
        continue;
      }
      for (let xo = x0; xo < x1; xo++) {
        const s = srcRow + (W - 1 - (xo - dx)) * C, d = o + xo * C;
        for (let c = 0; c < C; c++) out[d + c] = src[s + c];
      }
    }
  }
  return { shape: [...x.shape], data: out };
}

/** Something that augments a batch of images: the CPU one below; a WebGPU one later, with the same draws. */
export interface Augmenter {
  augment(x: Tensor, indices: ArrayLike<number>, epoch: number): Tensor;
}

/** The CPU augmenter: augmentParams, then applyAugmentation. */
export function cpuAugmenter(augmentation: Augmentation, seed: number): Augmenter {
  augmentParams(augmentation, [], seed, 0); // validate the options now, not at the first batch
  return {
    augment: (x, indices, epoch) => applyAugmentation(x, augmentParams(augmentation, indices, seed, epoch), augmentation.shift?.fill ?? 0),
  };
}
