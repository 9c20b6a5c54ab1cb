// MaxPoolWithArgmax2D for the GPU sweep: indices in every order and the values, with dilation, stride,
// ceil mode and asymmetric pads, batch 2 (the batch is part of the index).
import type { OpCase } from '../testing/cases.ts';

export const op = 'MaxPoolWithArgmax2D';

const exact = { tolerance: { atol: 0, rtol: 0 }, why: 'a selection (indices and maxima): exact, tighter than the default' };

export const cases: OpCase[] = ([
  { name: 'indices nhwc, 3×3 stride 2 same on 9×11×5, batch 2', inputs: [[9, 11, 5]], batch: 2, attrs: { pool_size: 3, strides: 2, padding: 'same' } },
  { name: 'indices nchw, dilation 2, 2×2 stride 1 on 7×8×3', inputs: [[7, 8, 3]], attrs: { pool_size: 2, strides: 1, dilation_rate: 2, index_order: 'nchw' } },
  { name: 'indices ncwh, pads [[1, 0], [0, 2]], 3×3 stride 2, ceil_mode, batch 2', inputs: [[10, 9, 4]], batch: 2, attrs: { pool_size: 3, strides: 2, padding: [[1, 0], [0, 2]], ceil_mode: true, index_order: 'ncwh' } },
  { name: 'values, dilation [2, 3], 3×2 stride [1, 2] on 11×13×6', inputs: [[11, 13, 6]], attrs: { pool_size: [3, 2], strides: [1, 2], dilation_rate: [2, 3], output: 'values' } },
  { name: 'values, dilation 2 with pads 2 (windows half padding)', inputs: [[6, 7, 2]], attrs: { pool_size: 3, strides: 1, dilation_rate: 2, padding: [[2, 2], [2, 2]], output: 'values' } },
] as OpCase[]).map((c) => ({ ...c, ...exact }));
