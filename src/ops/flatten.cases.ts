// Flatten for the GPU sweep: H×W×C in NHWC order, rank 1 (nothing to do), batch 2, a produced input.
import type { OpCase } from '../testing/cases.ts';

export const op = 'Flatten';

export const cases: OpCase[] = [
  { name: '7×5×3 → 105', inputs: [[7, 5, 3]] },
  { name: 'batch 2, 1×2179×1 → 2179', inputs: [[1, 2179, 1]], batch: 2 },
  { name: 'rank 1 stays as it is', inputs: [[315]] },
  { name: 'a produced (Rescaling) input, batch 2', inputs: [[3, 4, 5]], batch: 2, inputScale: 2 },
];
