// Add for the GPU sweep: equal shapes, broadcasting either way ([H, W, C] with [1, 1, C], rank 1 with
// rank 3, [H, 1, C] with [1, W, C]), 3 and 4 inputs (accumulating dispatches), rank 1, batch 2.
import type { OpCase } from '../testing/cases.ts';

export const op = 'Add';

export const cases: OpCase[] = [
  { name: 'equal shapes 9×7×5', inputs: [[9, 7, 5], [9, 7, 5]] },
  { name: '[H, W, C] + [1, 1, C]', inputs: [[9, 7, 5], [1, 1, 5]] },
  { name: '[1, 1, C] + [H, W, C] (the first input broadcasts)', inputs: [[1, 1, 5], [9, 7, 5]] },
  { name: '[H, 1, C] + [1, W, C]: both broadcast', inputs: [[6, 1, 4], [1, 7, 4]] },
  { name: '[H, W, C] + [C] (lower rank, aligned right)', inputs: [[5, 6, 3], [3]] },
  { name: '3 inputs (ResNet-style sum of branches)', inputs: [[5, 6, 8], [5, 6, 8], [5, 6, 8]] },
  { name: '4 inputs, the third broadcasting [1, 1, C]', inputs: [[5, 6, 8], [5, 6, 8], [1, 1, 8], [5, 6, 8]], batch: 2 },
  { name: '3 inputs, the first two [1, 1, C]', inputs: [[1, 1, 6], [1, 1, 6], [4, 3, 6]] },
  { name: 'rank 1: 2179 values, batch 2', inputs: [[2179], [2179]], batch: 2 },
  { name: '1×2179×1 + [1]', inputs: [[1, 2179, 1], [1]] },
];
