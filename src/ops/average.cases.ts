// Average for the GPU sweep: 2, 3 and 5 inputs (the last dispatch scales by 1/n), with broadcasting, batch 2.
import type { OpCase } from '../testing/cases.ts';

export const op = 'Average';

export const cases: OpCase[] = [
  { name: '2 inputs, 9×7×5', inputs: [[9, 7, 5], [9, 7, 5]] },
  { name: '3 inputs', inputs: [[6, 5, 4], [6, 5, 4], [6, 5, 4]] },
  { name: '3 inputs with [1, 1, C] first', inputs: [[1, 1, 4], [6, 5, 4], [6, 5, 4]], batch: 2 },
  { name: '5 inputs, one [C]', inputs: [[4, 3, 5], [4, 3, 5], [5], [4, 3, 5], [4, 3, 5]] },
  { name: 'rank 1: 2179 values, batch 2', inputs: [[2179], [2179]], batch: 2 },
];
