// Divide for the GPU sweep: first ÷ second (order matters), with broadcasting either way, rank 1, batch 2.
// Inputs in [−1, 1) give quotients up to ~1e7 near a zero divisor: the relative tolerance covers them.
import type { OpCase } from '../testing/cases.ts';

export const op = 'Divide';

export const cases: OpCase[] = [
  { name: 'equal shapes 9×7×5', inputs: [[9, 7, 5], [9, 7, 5]] },
  { name: '[H, W, C] ÷ [1, 1, C]', inputs: [[9, 7, 5], [1, 1, 5]] },
  { name: '[1, 1, C] ÷ [H, W, C]', inputs: [[1, 1, 5], [9, 7, 5]], batch: 2 },
  { name: '[H, 1, C] ÷ [1, W, 1]', inputs: [[6, 1, 4], [1, 7, 1]] },
  { name: 'rank 1: 2179 values', inputs: [[2179], [2179]] },
];
