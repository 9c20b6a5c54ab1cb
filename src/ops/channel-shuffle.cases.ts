// ChannelShuffle for the GPU sweep: ShuffleNet's 2 groups, more groups than channels per group, the
// degenerate 1 and C groups (the identity), rank 1 (a feature vector), batch 2. Exact: data movement.
import type { OpCase } from '../testing/cases.ts';

export const op = 'ChannelShuffle';

export const cases: OpCase[] = [
  { name: '2 groups on 5×7×6', inputs: [[5, 7, 6]], attrs: { groups: 2 } },
  { name: '3 groups of 4 on 3×4×12, batch 2', inputs: [[3, 4, 12]], batch: 2, attrs: { groups: 3 } },
  { name: '8 groups of 2 (more groups than channels per group) on 2×3×16', inputs: [[2, 3, 16]], attrs: { groups: 8 } },
  { name: '5 groups of 1 channel: the identity', inputs: [[3, 3, 5]], attrs: { groups: 5 } },
  { name: '1 group: the identity', inputs: [[4, 3, 6]], attrs: { groups: 1 } },
  { name: 'rank 1: 2 groups of 315', inputs: [[630]], batch: 2, attrs: { groups: 2 } },
];
