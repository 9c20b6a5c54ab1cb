// RandomFlip (Keras 3 keras.layers.RandomFlip): while training, each image of the batch is flipped left–right
// ('horizontal'), top–bottom ('vertical') or both at once ('horizontal_and_vertical', the default) with
// probability ½; at inference (every deepwire run but a training step) the identity, as in Keras. Keras 3
// draws one number per image, so horizontal_and_vertical flips both axes or neither (a 180° turn), not each
// on its own. The draw is sampleUniform(dropoutKey(seed, step, node), image, 0) ≤ ½ (src/train/dropout-mask.ts),
// the same bits on the CPU reference and in WGSL (shaders/resample2d-lib.wgsl).
import { expectRank } from './geometry.ts';
import { identityAtInference, IDENTITY, whole, type Sampling } from './image-sampling.ts';
import { defineOp } from './op.ts';

export const FLIP_MODES = ['horizontal', 'vertical', 'horizontal_and_vertical'] as const;

export interface RandomFlipAttrs {
  mode: (typeof FLIP_MODES)[number];
}

/** A training step's flips of an [H, W, C] image batch. */
export function randomFlipSampling(a: RandomFlipAttrs, [H, W]: readonly number[]): Sampling {
  return {
    out: [H, W], window: [whole(H), whole(W)], interpolation: 'nearest', fill: 'nearest', fillValue: 0, fixed: [IDENTITY, IDENTITY],
    random: { kind: 'flip', y: a.mode !== 'horizontal', x: a.mode !== 'vertical' },
  };
}

export const RandomFlip = defineOp<RandomFlipAttrs>({
  type: 'RandomFlip',
  category: 'Core',
  summary: 'Augmentation: flips each image at random while training; the identity at inference',
  attrs: {
    mode: { kind: 'enum', default: 'horizontal_and_vertical', options: FLIP_MODES, doc: 'which axes a flip turns over (one draw per image)' },
  },
  arity: { min: 1, max: 1 },
  field: () => 'pointwise', // the identity at inference

  inferShape([x]) {
    expectRank('RandomFlip', x, 3);
    return x;
  },

  ...identityAtInference(randomFlipSampling),
});
