// Reshape for the GPU sweep: to rank 1, 2 and 3, an inferred −1, a permutation of sizes (not of
// axes: the row-major order stays), batch 2.
import type { OpCase } from '../testing/cases.ts';

export const op = 'Reshape';

export const cases: OpCase[] = [
  { name: '7×5×3 → [−1]', inputs: [[7, 5, 3]], attrs: { target_shape: [-1] } },
  { name: '7×5×3 → 15×7, batch 2', inputs: [[7, 5, 3]], batch: 2, attrs: { target_shape: [15, 7] } },
  { name: '3×5×7 → 7×3×5', inputs: [[3, 5, 7]], attrs: { target_shape: [7, 3, 5] } },
  { name: '2179 → 1×2179×1 with −1', inputs: [[2179]], attrs: { target_shape: [1, -1, 1] } },
  { name: 'a produced (Rescaling) input → [4, −1]', inputs: [[6, 2, 2]], inputScale: 2, attrs: { target_shape: [4, -1] } },
];
