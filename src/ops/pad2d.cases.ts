// Pad2D for the GPU sweep: every mode, symmetric and lopsided pads, reflect at its widest (size − 1),
// a 1-wide axis under edge, batch 2 (each item's border from its own data).
import type { OpCase } from '../testing/cases.ts';

export const op = 'Pad2D';

const exact = { tolerance: { atol: 0, rtol: 0 }, why: 'data movement: exact, tighter than the default' };

export const cases: OpCase[] = ([
  { name: 'reflect 1 on 7×9×3', inputs: [[7, 9, 3]], attrs: { mode: 'reflect' } },
  { name: 'reflect [[4, 0], [2, 8]] on 5×9×2 (widest), batch 2', inputs: [[5, 9, 2]], batch: 2, attrs: { mode: 'reflect', padding: [[4, 0], [2, 8]] } },
  { name: 'edge [[2, 3], [0, 1]] on 4×5×3', inputs: [[4, 5, 3]], attrs: { mode: 'edge', padding: [[2, 3], [0, 1]] } },
  { name: 'edge 3 on 1×7×2 (a 1-row image)', inputs: [[1, 7, 2]], batch: 2, attrs: { mode: 'edge', padding: 3 } },
  { name: 'constant −2.5 [[1, 0], [0, 2]]', inputs: [[3, 4, 5]], attrs: { mode: 'constant', constant_value: -2.5, padding: [[1, 0], [0, 2]] } },
] as OpCase[]).map((c) => ({ ...c, ...exact }));
