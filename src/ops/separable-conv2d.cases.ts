// SeparableConv2D shapes for the GPU sweep: the depthwise half into scratch, then a 1×1 GEMM (or the
// naive kernel) with the epilogue. Multipliers, stride 2 'same' on odd inputs, pads, dilation.
import { RANDOM_BIAS, type OpCase } from '../testing/cases.ts';

export const op = 'SeparableConv2D';

export const cases: OpCase[] = [
  { name: '3×3 same, 9×9×8 → 16', inputs: [[9, 9, 8]], attrs: { filters: 16, kernel_size: 3, padding: 'same', bias_initializer: RANDOM_BIAS } },
  { name: 'depth_multiplier 2, stride 2 same on odd 15×13×5, relu', inputs: [[15, 13, 5]], attrs: { filters: 7, kernel_size: 3, strides: 2, padding: 'same', depth_multiplier: 2, activation: 'relu', bias_initializer: RANDOM_BIAS } },
  { name: 'asymmetric pads [[0, 1], [2, 0]], dilation 2', inputs: [[10, 9, 4]], attrs: { filters: 5, kernel_size: 3, dilation_rate: 2, padding: [[0, 1], [2, 0]] } },
  { name: '1×7 same, 33 filters', inputs: [[5, 11, 6]], attrs: { filters: 33, kernel_size: [1, 7], padding: 'same', use_bias: false } },
  { name: 'swish, batch 2, depth_multiplier 3', inputs: [[7, 6, 3]], batch: 2, attrs: { filters: 4, kernel_size: 3, depth_multiplier: 3, activation: 'swish', bias_initializer: RANDOM_BIAS } },
  { name: 'softmax activation', inputs: [[6, 6, 4]], attrs: { filters: 5, kernel_size: 3, padding: 'same', activation: 'softmax' } },
];
