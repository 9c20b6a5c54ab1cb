// LeakyReLU for the GPU sweep: the Keras 3 default slope 0.3, slopes 0 and 1, a slope above 1, rank 1.
import type { OpCase } from '../testing/cases.ts';

export const op = 'LeakyReLU';

export const cases: OpCase[] = [
  { name: 'default slope 0.3', inputs: [[7, 9, 5]] },
  { name: 'slope 0: plain relu', inputs: [[6, 5, 4]], attrs: { negative_slope: 0 } },
  { name: 'slope 1: the identity', inputs: [[6, 5, 4]], attrs: { negative_slope: 1 } },
  { name: 'slope 5.5 on ±4', inputs: [[6, 5, 4]], inputScale: 4, attrs: { negative_slope: 5.5 } },
  { name: 'rank 1: 2179 values, batch 2', inputs: [[2179]], batch: 2, attrs: { negative_slope: 0.01 } },
];
