// Cropping2D for the GPU sweep: asymmetric crops, one side only, nothing cropped, a long strip, batch 2.
import type { OpCase } from '../testing/cases.ts';

export const op = 'Cropping2D';

export const cases: OpCase[] = [
  { name: '[[1, 2], [0, 3]] on 9×11×3', inputs: [[9, 11, 3]], attrs: { cropping: [[1, 2], [0, 3]] } },
  { name: '[h, w] = [1, 2], batch 2', inputs: [[7, 8, 5]], batch: 2, attrs: { cropping: [1, 2] } },
  { name: 'nothing cropped (the default)', inputs: [[4, 5, 3]] },
  { name: 'down to 1×1', inputs: [[5, 4, 6]], attrs: { cropping: [[2, 2], [3, 0]] } },
  { name: '1×2179×1 cropped [[0, 0], [5, 1000]]', inputs: [[1, 2179, 1]], attrs: { cropping: [[0, 0], [5, 1000]] } },
  { name: 'a produced (Rescaling) input', inputs: [[6, 6, 2]], inputScale: 3, attrs: { cropping: 1 } },
];
