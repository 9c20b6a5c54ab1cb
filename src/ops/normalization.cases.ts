// Normalization for the GPU sweep: per-channel and single mean/variance attrs, invert, a zero variance
// (the 1e-7 floor of the standard deviation), and the adapted-statistics weights (no attrs).
import type { OpCase } from '../testing/cases.ts';

export const op = 'Normalization';

export const cases: OpCase[] = [
  { name: 'per-channel mean and variance (ImageNet-like)', inputs: [[7, 9, 3]], attrs: { mean: [0.485, 0.456, 0.406], variance: [0.052, 0.05, 0.063] } },
  { name: 'one mean and variance for every channel, batch 2', inputs: [[5, 5, 8]], batch: 2, attrs: { mean: 0.5, variance: 4 } },
  { name: 'invert: y = mean + x·√variance', inputs: [[6, 4, 3]], attrs: { mean: [1, -2, 0.25], variance: [9, 0.01, 1], invert: true } },
  // Mean 0 on the zero-variance channel: x/1e-7 reaches 1e7 and a mean there would cancel catastrophically.
  { name: 'zero variance: the standard deviation floors at 1e-7', inputs: [[3, 3, 2]], attrs: { mean: [0, 0.3], variance: [0, 2] } },
  { name: 'rank 1: 2179 features with one statistic', inputs: [[2179]], attrs: { mean: -0.25, variance: 0.5 } },
  { name: 'statistics as weights (adapt(), here the zero/one defaults)', inputs: [[4, 5, 6]] },
];
