// Maximum for the GPU sweep: 2, 3 and 4 inputs (folded by accumulating dispatches), broadcasting, batch 2.
import type { OpCase } from '../testing/cases.ts';

export const op = 'Maximum';

export const cases: OpCase[] = [
  { name: '2 inputs, 9×7×5', inputs: [[9, 7, 5], [9, 7, 5]] },
  { name: '[H, W, C] and [1, 1, C]', inputs: [[9, 7, 5], [1, 1, 5]] },
  { name: '3 inputs, the first [1, 1, C]', inputs: [[1, 1, 6], [5, 4, 6], [5, 4, 6]], batch: 2 },
  { name: '4 inputs, the last [H, W, 1]', inputs: [[5, 4, 6], [5, 4, 6], [5, 4, 6], [5, 4, 1]] },
  { name: 'rank 1: 2179 values', inputs: [[2179], [2179], [2179]] },
];
