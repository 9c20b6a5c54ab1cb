// RandomFlip (Keras 3 keras.layers.RandomFlip): while training, each image of the batch is flipped left–right
// ('horizontal'), top–bottom ('vertical') or both at once ('horizontal_and_vertical', the default) with
// probability ½; at inference (every deepwire run but a training step) the identity, as in Keras. Keras 3
// draws one number per image, so horizontal_and_vertical flips both axes or neither (a 180° turn), not each
// on its own. The draw is sampleUniform(dropoutKey(seed, step, node), image, 0) ≤ ½ (src/train/dropout-mask.ts),
// the same bits on the CPU reference and in WGSL (shaders/resample2d-lib.wgsl).
import { tensor } from '../tensor.ts';
import { nodeStepKey } from '../train/dropout-mask.ts';
import { expectRank } from './geometry.ts';
import { IDENTITY, resample, resampleBackward, whole, type Sampling } from './image-sampling.ts';
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

  inferShape([x]) {
    expectRank('RandomFlip', x, 3);
    return x;
  },

  flops: () => 0,

  reference: ([x]) => tensor(x.shape, x.data),

  trainForward: ([x], _weights, a, ctx) => ({ output: resample(x, randomFlipSampling(a, x.shape.slice(1)), nodeStepKey(ctx)) }),

  // a permutation of the pixels: dx is dy moved back (the identity's gradient without a ctx)
  backward: ([x], _weights, a, dy, ctx) => ({
    inputs: [ctx ? resampleBackward(x.shape, dy, randomFlipSampling(a, x.shape.slice(1)), nodeStepKey(ctx)) : tensor(x.shape, dy.data)],
    weights: {},
  }),

  gpu: { exact: true },
});
