// LayerNormalization for the GPU sweep: random gamma and beta, rows of 1 to 96 channels (one channel
// normalises to beta), a constant offset so the mean matters, center and scale off, batch 2.
import type { OpCase } from '../testing/cases.ts';

export const op = 'LayerNormalization';

const AFFINE = {
  gamma_initializer: { name: 'random_uniform', minval: 0.5, maxval: 1.5 },
  beta_initializer: { name: 'random_normal', stddev: 0.3 },
};

export const cases: OpCase[] = [
  { name: '7×7×96 (a ConvNeXt-T row)', inputs: [[7, 7, 96]], attrs: { ...AFFINE, epsilon: 1e-6 } },
  { name: 'batch 2, 5×3×17', inputs: [[5, 3, 17]], batch: 2, attrs: AFFINE },
  { name: 'rank 1: 33 features (after Dense)', inputs: [[33]], batch: 3, attrs: AFFINE },
  { name: 'one channel: every value becomes beta', inputs: [[4, 4, 1]], attrs: AFFINE },
  { name: 'inputs in [−50, 50): large mean and spread', inputs: [[3, 5, 12]], inputScale: 50, attrs: AFFINE },
  { name: 'center false, scale false', inputs: [[6, 5, 7]], attrs: { center: false, scale: false } },
  { name: 'epsilon 0.5 (Keras default 1e-3 is far below the variances)', inputs: [[2, 3, 8]], attrs: { ...AFFINE, epsilon: 0.5 } },
];
