// Conv2D shapes for the GPU sweep (run with the auto and the naive kernel): odd sizes, stride 2 'same'
// on odd inputs, asymmetric pads, dilation, groups, 1×7 / 7×1, K and OC off the GEMM's 16/32 tiles;
// strides with dilation (PyTorch's, allow_strided_dilation) on every kernel the lowering picks.
import { ACTIVATIONS } from './activations.ts';
import { RANDOM_BIAS, type OpCase } from '../testing/cases.ts';

export const op = 'Conv2D';

/** Weights wide enough that conv outputs reach ±10: relu6 clips, sigmoids saturate. */
const WIDE_KERNEL = { name: 'random_uniform', minval: -1.5, maxval: 1.5 };

export const cases: OpCase[] = [
  { name: '3×3 same, 9×9×8 → 16, bias', inputs: [[9, 9, 8]], attrs: { filters: 16, kernel_size: 3, padding: 'same', bias_initializer: RANDOM_BIAS } },
  { name: '3×3 valid, no bias, 1×1 output', inputs: [[3, 3, 5]], attrs: { filters: 7, kernel_size: 3, use_bias: false } },
  { name: 'stride 2 same on odd 15×13×5 (pad at the end)', inputs: [[15, 13, 5]], attrs: { filters: 7, kernel_size: 3, strides: 2, padding: 'same', bias_initializer: RANDOM_BIAS } },
  { name: 'stride 2 same, even kernel 4×4 on odd 11×9×3', inputs: [[11, 9, 3]], attrs: { filters: 5, kernel_size: 4, strides: 2, padding: 'same' } },
  { name: 'strides [2, 3] valid 5×5, batch 2, 17×19×3', inputs: [[17, 19, 3]], batch: 2, attrs: { filters: 9, kernel_size: 5, strides: [2, 3], bias_initializer: RANDOM_BIAS } },
  { name: 'asymmetric explicit pads [[0, 2], [1, 0]], 5×3 kernel', inputs: [[11, 9, 3]], attrs: { filters: 6, kernel_size: [5, 3], padding: [[0, 2], [1, 0]] } },
  { name: 'explicit pads [[3, 1], [0, 2]] with stride 2', inputs: [[10, 7, 4]], attrs: { filters: 5, kernel_size: 3, strides: 2, padding: [[3, 1], [0, 2]] } },
  { name: 'dilation 2 same on 13×11×4', inputs: [[13, 11, 4]], attrs: { filters: 6, kernel_size: 3, dilation_rate: 2, padding: 'same', bias_initializer: RANDOM_BIAS } },
  { name: 'dilation [2, 3] valid', inputs: [[12, 14, 3]], attrs: { filters: 4, kernel_size: 3, dilation_rate: [2, 3] } },
  { name: '1×7 same (Inception-v3), 9×15×6', inputs: [[9, 15, 6]], attrs: { filters: 10, kernel_size: [1, 7], padding: 'same' } },
  { name: '7×1 same (Inception-v3), 15×9×6', inputs: [[15, 9, 6]], attrs: { filters: 10, kernel_size: [7, 1], padding: 'same' } },
  { name: '7×7 stride 2 same stem on odd 23×23×3', inputs: [[23, 23, 3]], attrs: { filters: 8, kernel_size: 7, strides: 2, padding: 'same', bias_initializer: RANDOM_BIAS } },
  { name: '1×1 over 315 channels → 33 (K, M, OC off the tiles)', inputs: [[5, 7, 315]], attrs: { filters: 33, kernel_size: 1, bias_initializer: RANDOM_BIAS } },
  { name: '1×1 on 1×2179×1 (a long row, one channel)', inputs: [[1, 2179, 1]], attrs: { filters: 3, kernel_size: 1 } },
  { name: '3×3 same → 64 filters on odd 7×9×5 (quad-shared direct where the adapter has subgroups)', inputs: [[7, 9, 5]], batch: 2, attrs: { filters: 64, kernel_size: 3, padding: 'same', bias_initializer: RANDOM_BIAS } },
  { name: '1×1 stride 2 → 32 filters, 16 channels (vec4 loads)', inputs: [[9, 11, 16]], attrs: { filters: 32, kernel_size: 1, strides: 2 } },
  { name: '3×3 → 65 filters (three channel tiles, the last of 1)', inputs: [[6, 5, 7]], attrs: { filters: 65, kernel_size: 3, padding: 'same' } },
  { name: 'groups 32 (ResNeXt), 3×3 same, 7×7×64 → 64', inputs: [[7, 7, 64]], attrs: { filters: 64, kernel_size: 3, padding: 'same', groups: 32, bias_initializer: RANDOM_BIAS } },
  { name: 'groups 8, 4 channels and 4 filters per group (grouped kernel), 9×7×32', inputs: [[9, 7, 32]], batch: 2, attrs: { filters: 32, kernel_size: 3, padding: 'same', groups: 8, bias_initializer: RANDOM_BIAS } },
  { name: 'groups 2, 8 channels → 12 filters per group, stride 2 same on odd 11×9', inputs: [[11, 9, 16]], attrs: { filters: 24, kernel_size: 3, strides: 2, padding: 'same', groups: 2 } },
  { name: 'groups 4, 3 channels per group → 8 filters, stride 2 same, batch 2', inputs: [[9, 9, 12]], batch: 2, attrs: { filters: 8, kernel_size: 3, strides: 2, padding: 'same', groups: 4 } },
  { name: 'groups = C with 2 filters per group (depthwise as Conv2D)', inputs: [[8, 7, 6]], attrs: { filters: 12, kernel_size: 3, padding: 'same', groups: 6, bias_initializer: RANDOM_BIAS } },
  { name: 'groups 3 with dilation 2 and asymmetric pads', inputs: [[9, 10, 9]], attrs: { filters: 6, kernel_size: 3, dilation_rate: 2, padding: [[1, 3], [2, 0]], groups: 3 } },
  // Strides and dilation together, as PyTorch allows (Keras does not): gemm, direct (vec4 and not), naive, quad16's
  // one-row taps (ROW: few channels, DW = 1), the grouped and the depthwise kernel, a 1-D conv (one row).
  { name: 'strides 2 with dilation 2, same on odd 13×11×4', inputs: [[13, 11, 4]], attrs: { filters: 6, kernel_size: 3, strides: 2, dilation_rate: 2, padding: 'same', allow_strided_dilation: true, bias_initializer: RANDOM_BIAS } },
  { name: 'strides [2, 3] with dilation [3, 2], explicit pads, 16 → 32 filters, batch 2', inputs: [[15, 14, 16]], batch: 2, attrs: { filters: 32, kernel_size: 3, strides: [2, 3], dilation_rate: [3, 2], padding: [[3, 1], [2, 2]], allow_strided_dilation: true } },
  { name: 'strides 2 with dilation [2, 1] on 3 channels (one-row taps), 5×3 kernel', inputs: [[17, 15, 3]], attrs: { filters: 8, kernel_size: [5, 3], strides: 2, dilation_rate: [2, 1], padding: [[4, 4], [1, 1]], allow_strided_dilation: true, bias_initializer: RANDOM_BIAS } },
  { name: 'strides 2 with dilation 2, groups 4 (grouped kernel), 11×9×16', inputs: [[11, 9, 16]], attrs: { filters: 16, kernel_size: 3, strides: 2, dilation_rate: 2, padding: [[2, 2], [2, 2]], groups: 4, allow_strided_dilation: true } },
  { name: 'strides 2 with dilation 3, groups = C (depthwise), 14×13×6', inputs: [[14, 13, 6]], attrs: { filters: 6, kernel_size: 3, strides: 2, dilation_rate: 3, padding: 'same', groups: 6, allow_strided_dilation: true, bias_initializer: RANDOM_BIAS } },
  { name: 'a 1-D conv: 1×3 kernel, strides [1, 2] with dilation [1, 2] on 1×23×5', inputs: [[1, 23, 5]], attrs: { filters: 7, kernel_size: [1, 3], strides: [1, 2], dilation_rate: [1, 2], padding: [[0, 0], [2, 2]], allow_strided_dilation: true } },
  ...Object.keys(ACTIVATIONS).map((activation): OpCase => ({
    name: `activation ${activation}`,
    inputs: [[5, 6, 3]],
    attrs: { filters: 7, kernel_size: 3, padding: 'same', activation, kernel_initializer: WIDE_KERNEL, bias_initializer: RANDOM_BIAS },
  })),
  { name: 'grouped conv with softmax (naive kernel, then softmax)', inputs: [[5, 5, 8]], attrs: { filters: 8, kernel_size: 3, groups: 2, activation: 'softmax', kernel_initializer: WIDE_KERNEL } },
];
