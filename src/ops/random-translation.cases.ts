// RandomTranslation: the identity at inference; in a training step (the backward sweeps) each fill mode
// and interpolation, shifts up to the whole image.
import type { OpCase } from '../testing/cases.ts';

export const op = 'RandomTranslation';

export const cases: OpCase[] = [
  { name: 'Keras defaults (reflect, bilinear), factors 0.1 on 10×12×3, batch 3', inputs: [[10, 12, 3]], batch: 3 },
  {
    name: 'constant 0.5, nearest, factors 0.5 and [−0.5, 0.2] on 8×8×2, batch 4', inputs: [[8, 8, 2]], batch: 4,
    attrs: { height_factor: 0.5, width_factor: [-0.5, 0.2], fill_mode: 'constant', fill_value: 0.5, interpolation: 'nearest' },
  },
  { name: 'wrap, factors 1 (up to the whole image) on 5×6×2, batch 4', inputs: [[5, 6, 2]], batch: 4, attrs: { height_factor: 1, width_factor: 1, fill_mode: 'wrap' } },
  {
    name: 'nearest fill, one-sided factors on 6×5×3, batch 3', inputs: [[6, 5, 3]], batch: 3,
    attrs: { height_factor: [0.2, 0.6], width_factor: [-0.7, -0.1], fill_mode: 'nearest' },
  },
  { name: 'reflect, factors 0.9 on 3×4×1, batch 5', inputs: [[3, 4, 1]], batch: 5, attrs: { height_factor: 0.9, width_factor: [-0.9, 0.9] } },
];
