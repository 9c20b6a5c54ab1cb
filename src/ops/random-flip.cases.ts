// RandomFlip: the identity at inference; in a training step (the backward sweeps) each image flipped or not.
import type { OpCase } from '../testing/cases.ts';

export const op = 'RandomFlip';

export const cases: OpCase[] = [
  { name: 'horizontal_and_vertical on 5×7×3, batch 6', inputs: [[5, 7, 3]], batch: 6 },
  { name: 'horizontal on 4×6×2, batch 5', inputs: [[4, 6, 2]], batch: 5, attrs: { mode: 'horizontal' } },
  { name: 'vertical on 9×1×1, batch 4, a produced (Rescaling) input', inputs: [[9, 1, 1]], batch: 4, inputScale: 2, attrs: { mode: 'vertical' } },
];
