// Rescaling for the GPU sweep: the usual pixel scalings, a negative scale, rank 1 and 1×2179×1, batch 2.
import type { OpCase } from '../testing/cases.ts';

export const op = 'Rescaling';

export const cases: OpCase[] = [
  { name: '1/255', inputs: [[9, 9, 3]], attrs: { scale: 1 / 255 } },
  { name: '1/127.5 with offset −1 (MobileNet), batch 2', inputs: [[7, 5, 3]], batch: 2, attrs: { scale: 1 / 127.5, offset: -1 } },
  { name: 'negative scale and an offset', inputs: [[1, 2179, 1]], attrs: { scale: -3.5, offset: 0.25 } },
  { name: 'rank 1: 315 values', inputs: [[315]], attrs: { scale: 2, offset: -7 } },
  { name: 'the identity (defaults)', inputs: [[4, 4, 4]] },
];
