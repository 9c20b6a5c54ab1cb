// ReLU (the Keras layer) for the GPU sweep: max_value, threshold and negative_slope alone and
// together, a threshold above max_value, a ceiling of 0, on inputs widened past the ceilings.
import type { OpCase } from '../testing/cases.ts';

export const op = 'ReLU';

export const cases: OpCase[] = [
  { name: 'defaults: max(x, 0)', inputs: [[7, 9, 5]] },
  { name: 'max_value 6 (relu6) on ±10', inputs: [[7, 9, 5]], inputScale: 10, attrs: { max_value: 6 } },
  { name: 'threshold 0.5 (thresholded ReLU)', inputs: [[6, 5, 4]], attrs: { threshold: 0.5 } },
  { name: 'negative threshold −0.4', inputs: [[6, 5, 4]], attrs: { threshold: -0.4 } },
  { name: 'negative_slope 0.1 (leaky)', inputs: [[6, 5, 4]], attrs: { negative_slope: 0.1 } },
  { name: 'all three: max_value 4, slope 0.2, threshold 1 on ±8', inputs: [[6, 5, 4]], inputScale: 8, attrs: { max_value: 4, negative_slope: 0.2, threshold: 1 } },
  { name: 'threshold 0.5 above max_value 0.25 (Keras keeps the slope below the threshold)', inputs: [[6, 5, 4]], attrs: { max_value: 0.25, threshold: 0.5, negative_slope: 0.3 } },
  { name: 'max_value 0: everything above the threshold is 0', inputs: [[4, 4, 3]], attrs: { max_value: 0 } },
  { name: 'rank 1: 2179 values, batch 2', inputs: [[2179]], batch: 2, attrs: { max_value: 0.5, negative_slope: 0.05 } },
];
