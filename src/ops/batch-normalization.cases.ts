// BatchNormalization (not after a conv, so the affine kernel runs it unfolded) for the GPU sweep:
// random statistics far from 0/1, center and scale off, a large epsilon, rank 1 and 3, batch 2.
import type { OpCase } from '../testing/cases.ts';

export const op = 'BatchNormalization';

/** Statistics far from the identity defaults, so every term of the formula shows. */
const STATISTICS = {
  gamma_initializer: { name: 'random_uniform', minval: 0.5, maxval: 1.5 },
  beta_initializer: { name: 'random_normal', stddev: 0.3 },
  moving_mean_initializer: { name: 'random_normal', stddev: 0.3 },
  moving_variance_initializer: { name: 'random_uniform', minval: 0.5, maxval: 2 },
};

export const cases: OpCase[] = [
  { name: '9×9×16 with random statistics', inputs: [[9, 9, 16]], attrs: STATISTICS },
  { name: 'batch 2, 5×7×33', inputs: [[5, 7, 33]], batch: 2, attrs: STATISTICS },
  { name: 'rank 1: 315 features (after Dense)', inputs: [[315]], attrs: STATISTICS },
  { name: 'axis 3 (the channel axis counting the batch) on 1×2179×1', inputs: [[1, 2179, 1]], attrs: { ...STATISTICS, axis: 3 } },
  { name: 'center false (no beta)', inputs: [[6, 5, 7]], attrs: { ...STATISTICS, center: false } },
  { name: 'scale false (no gamma)', inputs: [[6, 5, 7]], attrs: { ...STATISTICS, scale: false } },
  { name: 'epsilon 0.5 and tiny variances', inputs: [[4, 4, 5]], attrs: { ...STATISTICS, epsilon: 0.5, moving_variance_initializer: { name: 'random_uniform', minval: 0, maxval: 0.01 } } },
];
