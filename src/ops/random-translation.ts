// RandomTranslation (Keras 3 keras.layers.RandomTranslation): while training, each image is shifted by
// (low + u·(high − low))·H rows and likewise columns, u uniform in [0, 1) per image and axis, the factor
// f meaning [−|f|, |f|] and a pair [low, high] itself (fractions of the size, −1 … 1; positive moves the
// image down / right); output (y, x) reads the input at (y − dy, x − dx), interpolated (bilinear or
// nearest) and the uncovered part filled by fill_mode (reflect, wrap, constant with fill_value, nearest).
// At inference, the identity, as in Keras. The draws are sampleUniform(dropoutKey(seed, step, node), image,
// 0 | 1) (src/train/dropout-mask.ts), the same on the CPU reference and in WGSL (shaders/resample2d-lib.wgsl).
import { expectRank } from './geometry.ts';
import { FILL_MODES, identityAtInference, IDENTITY, INTERPOLATIONS, whole, type FillMode, type Interpolation, type Sampling } from './image-sampling.ts';
import { defineOp, OpError } from './op.ts';

export interface RandomTranslationAttrs {
  /** Keras' factor: [f] (for −|f| … |f|) or [low, high], fractions of the height. */
  height_factor: number[];
  width_factor: number[];
  fill_mode: FillMode;
  interpolation: Interpolation;
  fill_value: number;
}

/** A factor as Keras reads it: f → [−|f|, |f|], a pair sorted; every value within −1 … 1. */
export function factorRange(name: string, f: number[]): [number, number] {
  if (f.length !== 1 && f.length !== 2)
    throw new OpError(`RandomTranslation ${name} must be one number or a pair [low, high], got ${f.length} numbers`, 'e.g. 0.1 for shifts of up to 10 % either way');
  if (f.some((v) => v < -1 || v > 1)) throw new OpError(`RandomTranslation ${name} must lie within −1 … 1 (a fraction of the size), got ${JSON.stringify(f)}`);
  if (f.length === 1) return [-Math.abs(f[0]), Math.abs(f[0])];
  return [Math.min(f[0], f[1]), Math.max(f[0], f[1])];
}

/** A training step's shifts of an [H, W, C] image batch. */
export function randomTranslationSampling(a: RandomTranslationAttrs, [H, W]: readonly number[]): Sampling {
  return {
    out: [H, W], window: [whole(H), whole(W)], interpolation: a.interpolation, fill: a.fill_mode, fillValue: a.fill_value, fixed: [IDENTITY, IDENTITY],
    random: { kind: 'shift', y: factorRange('height_factor', a.height_factor), x: factorRange('width_factor', a.width_factor) },
  };
}

export const RandomTranslation = defineOp<RandomTranslationAttrs>({
  type: 'RandomTranslation',
  category: 'Core',
  summary: 'Augmentation: shifts each image at random while training; the identity at inference',
  attrs: {
    height_factor: { kind: 'floats', default: [0.1], doc: 'f for shifts of −f … f of the height, or [low, high]' },
    width_factor: { kind: 'floats', default: [0.1], doc: 'f for shifts of −f … f of the width, or [low, high]' },
    fill_mode: { kind: 'enum', default: 'reflect', options: FILL_MODES, doc: 'what the uncovered border shows' },
    interpolation: { kind: 'enum', default: 'bilinear', options: INTERPOLATIONS },
    fill_value: { kind: 'float', default: 0, doc: "the border's value with fill_mode constant" },
  },
  arity: { min: 1, max: 1 },
  field: () => 'pointwise', // the identity at inference

  inferShape([x], a) {
    expectRank('RandomTranslation', x, 3);
    factorRange('height_factor', a.height_factor);
    factorRange('width_factor', a.width_factor);
    return x;
  },

  ...identityAtInference(randomTranslationSampling),
});
