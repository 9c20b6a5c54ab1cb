// AveragePool2D shapes for the GPU sweep: both divisors (Keras' real cells only; count_include_pad)
// with 'same', explicit and asymmetric pads, ceil mode windows that run past the end pad, odd inputs.
import type { OpCase } from '../testing/cases.ts';

export const op = 'AveragePool2D';

export const cases: OpCase[] = [
  { name: '2×2 default on odd 9×9×3', inputs: [[9, 9, 3]] },
  { name: '2×2 default on odd 9×9×8 (the backward one window at a time; last row and column uncovered)', inputs: [[9, 9, 8]] },
  { name: '3×3 stride 2 same on odd 15×13×5 (real cells only)', inputs: [[15, 13, 5]], attrs: { pool_size: 3, strides: 2, padding: 'same' } },
  { name: '3×3 stride 2 same, count_include_pad', inputs: [[15, 13, 5]], attrs: { pool_size: 3, strides: 2, padding: 'same', count_include_pad: true } },
  { name: '3×3 stride 1 same (Inception-v3 pool branch)', inputs: [[7, 8, 6]], attrs: { pool_size: 3, strides: 1, padding: 'same' } },
  { name: 'explicit pads 1, 3×3 stride 2, real cells only', inputs: [[9, 10, 4]], attrs: { pool_size: 3, strides: 2, padding: [[1, 1], [1, 1]] } },
  { name: 'explicit pads 1, 3×3 stride 2, count_include_pad', inputs: [[9, 10, 4]], attrs: { pool_size: 3, strides: 2, padding: [[1, 1], [1, 1]], count_include_pad: true } },
  { name: 'asymmetric pads [[0, 2], [1, 0]], count_include_pad', inputs: [[8, 7, 3]], attrs: { pool_size: 3, strides: 2, padding: [[0, 2], [1, 0]], count_include_pad: true } },
  { name: 'ceil_mode past the end pad, count_include_pad (clipped at the padded edge)', inputs: [[10, 11, 3]], attrs: { pool_size: 3, strides: 2, padding: [[1, 1], [1, 1]], ceil_mode: true, count_include_pad: true } },
  { name: 'ceil_mode past the end pad, real cells only', inputs: [[10, 11, 3]], attrs: { pool_size: 3, strides: 2, padding: [[1, 1], [1, 1]], ceil_mode: true } },
  { name: 'ceil_mode without pads, count_include_pad (partial windows)', inputs: [[9, 9, 2]], attrs: { ceil_mode: true, count_include_pad: true } },
  { name: 'pool [1, 7] on a 2×2179×1 strip, ceil_mode', inputs: [[2, 2179, 1]], attrs: { pool_size: [1, 7], strides: [1, 4], ceil_mode: true } },
  { name: 'batch 2, 5×5 stride 3 valid', inputs: [[13, 14, 8]], batch: 2, attrs: { pool_size: 5, strides: 3 } },
];
