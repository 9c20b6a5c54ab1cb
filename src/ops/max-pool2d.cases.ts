// MaxPool2D shapes for the GPU sweep: floor and ceil mode on odd inputs, stride 2 'same', asymmetric
// explicit pads (padded cells never win, even over negative values), non-square windows and strides.
import type { OpCase } from '../testing/cases.ts';

export const op = 'MaxPool2D';

export const cases: OpCase[] = [
  { name: '2×2 default on odd 9×9×3 (last row and column dropped)', inputs: [[9, 9, 3]] },
  { name: '2×2 ceil_mode on odd 9×9×3 (partial last windows)', inputs: [[9, 9, 3]], attrs: { ceil_mode: true } },
  { name: '3×3 stride 2 same on odd 15×13×5', inputs: [[15, 13, 5]], attrs: { pool_size: 3, strides: 2, padding: 'same' } },
  { name: '3×3 stride 1 same (Inception pool branch)', inputs: [[7, 8, 6]], attrs: { pool_size: 3, strides: 1, padding: 'same' } },
  { name: 'asymmetric pads [[1, 0], [0, 2]], 3×3 stride 2, ceil_mode', inputs: [[10, 9, 4]], attrs: { pool_size: 3, strides: 2, padding: [[1, 0], [0, 2]], ceil_mode: true } },
  { name: 'pads [[2, 2], [2, 2]] on a 3×3 pool: corner windows hold one real cell', inputs: [[5, 6, 3]], attrs: { pool_size: 3, strides: 1, padding: [[2, 2], [2, 2]] } },
  { name: 'pool [2, 3], strides [1, 2], valid', inputs: [[8, 11, 5]], attrs: { pool_size: [2, 3], strides: [1, 2] } },
  { name: '3×3 stride 2 ceil_mode with a window starting on the last row', inputs: [[11, 12, 2]], attrs: { pool_size: 3, strides: 2, ceil_mode: true } },
  { name: '1×3 ceil_mode along a 3×2179×1 strip', inputs: [[3, 2179, 1]], attrs: { pool_size: [1, 3], ceil_mode: true } },
  { name: 'batch 2, 2×2 stride 2 same on 7×7×16', inputs: [[7, 7, 16]], batch: 2, attrs: { padding: 'same' } },
  { name: '3×3 stride 2 same on odd 9×9×8 (overlapping windows; the backward takes 4 channels at once)', inputs: [[9, 9, 8]], attrs: { pool_size: 3, strides: 2, padding: 'same' } },
  { name: '2×2 stride 3 on 11×10×4 (windows apart: the cells between them get no gradient)', inputs: [[11, 10, 4]], batch: 2, attrs: { pool_size: 2, strides: 3 } },
];
