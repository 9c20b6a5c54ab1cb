// Softmax for the GPU sweep: every axis of an H×W×C map (H and W through softmax-axis.wgsl, the last
// through the channel kernel), negative axes, rank 1 and 2, batch 2, wide inputs (±10) for the max shift.
import type { OpCase } from '../testing/cases.ts';

export const op = 'Softmax';

export const cases: OpCase[] = [
  { name: 'axis 1 (H) of 7×9×5', inputs: [[7, 9, 5]], attrs: { axis: 1 }, inputScale: 10 },
  { name: 'axis 2 (W) of 7×9×5, batch 2', inputs: [[7, 9, 5]], attrs: { axis: 2 }, batch: 2, inputScale: 10 },
  { name: 'axis −1 (C) of 7×9×5', inputs: [[7, 9, 5]], attrs: { axis: -1 }, inputScale: 10 },
  { name: 'axis −3 (H) of 3×315×2', inputs: [[315, 3, 2]], attrs: { axis: -3 }, inputScale: 10 },
  { name: 'axis 1 of 2179×3 (rank 2)', inputs: [[2179, 3]], attrs: { axis: 1 }, inputScale: 10 },
  { name: 'rank 1: 2179 values', inputs: [[2179]], attrs: { axis: 1 }, batch: 2, inputScale: 10 },
];
