// Multiply for the GPU sweep: squeeze-excite ([H, W, C] × [1, 1, C]), 3 inputs with broadcasting,
// [H, W, 1] spatial attention, rank 1, batch 2.
import type { OpCase } from '../testing/cases.ts';

export const op = 'Multiply';

export const cases: OpCase[] = [
  { name: 'equal shapes 9×7×5', inputs: [[9, 7, 5], [9, 7, 5]] },
  { name: 'squeeze-excite: [H, W, C] × [1, 1, C], batch 2', inputs: [[7, 7, 32], [1, 1, 32]], batch: 2 },
  { name: 'spatial attention: [H, W, C] × [H, W, 1]', inputs: [[6, 5, 8], [6, 5, 1]] },
  { name: '3 inputs, the second [1, 1, C]', inputs: [[5, 4, 6], [1, 1, 6], [5, 4, 6]] },
  { name: 'rank 1: 2179 values', inputs: [[2179], [2179]] },
];
