// Dot (batch_dot) for the GPU sweep: vectors, matrices contracted on either axis of either input
// (axes pairs), normalize (cosine proximity), 315 and 2179 long contractions, batch 2.
import type { OpCase } from '../testing/cases.ts';

export const op = 'Dot';

export const cases: OpCase[] = [
  { name: 'vectors · vectors (→ [1]), 315 long, batch 2', inputs: [[315], [315]], batch: 2 },
  { name: 'normalize: cosine of 2179-long vectors, batch 2', inputs: [[2179], [2179]], batch: 2, attrs: { axes: 1, normalize: true } },
  { name: '[P, K] · [Q, K] on axes −1 → [P, Q]', inputs: [[5, 7], [3, 7]] },
  { name: 'matrix product: [P, K] · [K, Q] on axes [2, 1]', inputs: [[5, 7], [7, 4]], batch: 2, attrs: { axes: [2, 1] } },
  { name: '[K, P] · [K, Q] on axes [1, 1]', inputs: [[6, 3], [6, 5]], attrs: { axes: [1, 1] } },
  { name: '[K, P] · [Q, K] on axes [1, 2], normalize', inputs: [[6, 3], [4, 6]], attrs: { axes: [1, 2], normalize: true } },
  { name: '[P, K] · [K] on axes [2, 1] → [P]', inputs: [[9, 11], [11]], attrs: { axes: [2, 1] } },
  { name: '[K] · [K, Q] on axes [1, 1] → [Q], normalize', inputs: [[11], [11, 9]], attrs: { axes: [1, 1], normalize: true } },
];
