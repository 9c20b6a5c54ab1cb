// Dropout for the GPU sweep: the identity at inference, whatever the rate, on rank 1 and 3, batch 2.
import type { OpCase } from '../testing/cases.ts';

export const op = 'Dropout';

export const cases: OpCase[] = [
  { name: 'rate 0.5 on 7×9×5', inputs: [[7, 9, 5]] },
  { name: 'rate 0.9 on 2179 values, batch 2', inputs: [[2179]], batch: 2, attrs: { rate: 0.9 } },
  { name: 'rate 0 on a produced (Rescaling) input', inputs: [[4, 4, 3]], inputScale: 2, attrs: { rate: 0 } },
];
