// RandomCrop (Keras 3 keras.layers.RandomCrop): while training, a height × width window of each image at
// a random offset, top drawn from 0 … H − height and left from 0 … W − width (sampleIndex of
// dropoutKey(seed, step, node), image, 0 | 1: src/train/dropout-mask.ts, the same in WGSL). At inference,
// and while training when the input is not larger than the crop on both axes (Keras' rule), the largest
// centered window with the crop's aspect ratio, resized to height × width bilinearly (half-pixel centers,
// no antialias) — an exact center crop when that window is the crop's size.
// Keras 3 draws one offset for the whole batch; deepwire draws one per image (a stronger augmentation,
// the same on average). Keras 3.x before the fix of keras-team/keras#21868 returns the input unchanged at
// inference; deepwire does what Keras documents.
import { formatShape } from '../tensor.ts';
import { nodeStepKey } from '../train/dropout-mask.ts';
import { expectRank } from './geometry.ts';
import { IDENTITY, resample, resampleBackward, whole, type Sampling } from './image-sampling.ts';
import { defineOp, OpError } from './op.ts';
import { shiftStep } from './field.ts';

export interface RandomCropAttrs {
  height: number;
  width: number;
}

/** Offsets above this many cannot be drawn from 16 bits (sampleIndex). */
const MAX_OFFSETS = 65536;

/**
 * RandomCrop's sampling of an [H, W, C] image batch: random windows while training where the input is
 * larger on both axes, else Keras' centered window with the crop's aspect ratio, resized.
 */
export function randomCropSampling(a: RandomCropAttrs, [H, W]: readonly number[], training: boolean): Sampling {
  const out: [number, number] = [a.height, a.width];
  if (training && H > a.height && W > a.width)
    return { out, window: [whole(H), whole(W)], interpolation: 'nearest', fill: 'nearest', fillValue: 0, fixed: [IDENTITY, IDENTITY], random: { kind: 'crop', count: [H - a.height + 1, W - a.width + 1] } };
  // Keras: crop_height = int(W·height / width) within 1 … H, h_start = int((H − crop_height) / 2), likewise the width
  const cropH = Math.max(Math.min(H, Math.floor((W * a.height) / a.width)), 1);
  const cropW = Math.max(Math.min(W, Math.floor((H * a.width) / a.height)), 1);
  const top = Math.floor((H - cropH) / 2), left = Math.floor((W - cropW) / 2);
  // half-pixel centers: output o reads (o + ½)·crop/out − ½ of the window, taps clamped to it
  const axis = (lo: number, crop: number, size: number) => ({ scale: crop / size, offset: lo + (0.5 * crop) / size - 0.5 });
  return {
    out, window: [{ lo: top, len: cropH }, { lo: left, len: cropW }], interpolation: 'bilinear', fill: 'nearest', fillValue: 0,
    fixed: [axis(top, cropH, a.height), axis(left, cropW, a.width)], random: null,
  };
}

export const RandomCrop = defineOp<RandomCropAttrs>({
  type: 'RandomCrop',
  category: 'Core',
  summary: 'Augmentation: a random height × width window of each image while training; the center, resized, at inference',
  attrs: {
    height: { kind: 'int', default: 24, min: 1, doc: 'rows of the crop' },
    width: { kind: 'int', default: 24, min: 1, doc: 'columns of the crop' },
  },
  arity: { min: 1, max: 1 },
  field: ([x], a) => {
    // at inference a centre crop: a shift, unless the window is resized
    const s = randomCropSampling(a, x, false);
    if (s.window[0].len !== s.out[0] || s.window[1].len !== s.out[1])
      return { none: `RandomCrop resizes its ${s.window[0].len}×${s.window[1].len} centre window to ${s.out[0]}×${s.out[1]} at inference: no whole-pixel stride` };
    return shiftStep(-s.window[0].lo, -s.window[1].lo);
  },

  inferShape([x], a) {
    expectRank('RandomCrop', x, 3);
    if (x[0] - a.height + 1 > MAX_OFFSETS || x[1] - a.width + 1 > MAX_OFFSETS)
      throw new OpError(`RandomCrop ${a.height}×${a.width} of ${formatShape(x)}: more than ${MAX_OFFSETS} offsets to draw from`, 'crop a larger window, or resize the input first');
    return [a.height, a.width, x[2]];
  },

  // the resize at inference: 4 taps, a multiply-add each (an exact crop costs nothing)
  flops([x], [OH, OW, C], a) {
    const s = randomCropSampling(a, x, false);
    return s.window[0].len === OH && s.window[1].len === OW ? 0 : 8 * OH * OW * C;
  },

  reference: ([x], _weights, a) => resample(x, randomCropSampling(a, x.shape.slice(1), false), 0),

  trainForward: ([x], _weights, a, ctx) => ({ output: resample(x, randomCropSampling(a, x.shape.slice(1), true), nodeStepKey(ctx)) }),

  backward: ([x], _weights, a, dy, ctx) => ({
    inputs: [resampleBackward(x.shape, dy, randomCropSampling(a, x.shape.slice(1), !!ctx), ctx ? nodeStepKey(ctx) : 0)],
    weights: {},
  }),
});
