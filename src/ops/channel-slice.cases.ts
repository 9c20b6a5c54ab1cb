// ChannelSlice for the GPU sweep: ShuffleNetV2's two halves, an inner range, one channel, all of them
// (the identity), rank 1 (a feature vector), rank 4, batch 2. Exact: data movement.
import type { OpCase } from '../testing/cases.ts';

export const op = 'ChannelSlice';

export const cases: OpCase[] = [
  { name: 'first half of 5×7×6', inputs: [[5, 7, 6]], attrs: { start: 0, end: 3 } },
  { name: 'second half of 3×4×12, batch 2', inputs: [[3, 4, 12]], batch: 2, attrs: { start: 6, end: 12 } },
  { name: 'channels 2…6 of 2×3×9', inputs: [[2, 3, 9]], attrs: { start: 2, end: 7 } },
  { name: 'one channel: the last of 3×3×5', inputs: [[3, 3, 5]], attrs: { start: 4, end: 5 } },
  { name: 'every channel: the identity', inputs: [[4, 3, 6]], attrs: { start: 0, end: 6 } },
  { name: 'rank 1: 300 of 630', inputs: [[630]], batch: 2, attrs: { start: 315, end: 615 } },
  { name: 'rank 4 (2×2×2×4 after a Reshape), channels 1…2, batch 2', inputs: [[2, 2, 2, 4]], batch: 2, attrs: { start: 1, end: 3 } },
];
