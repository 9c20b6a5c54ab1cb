// DepthwiseConv2D shapes for the GPU sweep (the depthwise kernel, and conv2d-naive with groups = C):
// depth multipliers 1–3, stride 2 'same' on odd inputs, asymmetric pads, dilation, 1×7 and 7×1.
import { RANDOM_BIAS, type OpCase } from '../testing/cases.ts';

export const op = 'DepthwiseConv2D';

export const cases: OpCase[] = [
  { name: '3×3 same, 9×9×8', inputs: [[9, 9, 8]], attrs: { kernel_size: 3, padding: 'same', bias_initializer: RANDOM_BIAS } },
  { name: 'depth_multiplier 2, stride 2 same on odd 15×13×5', inputs: [[15, 13, 5]], attrs: { kernel_size: 3, strides: 2, padding: 'same', depth_multiplier: 2, bias_initializer: RANDOM_BIAS } },
  { name: 'depth_multiplier 3, 5×5, asymmetric pads [[2, 0], [0, 3]]', inputs: [[8, 9, 4]], attrs: { kernel_size: 5, padding: [[2, 0], [0, 3]], depth_multiplier: 3 } },
  { name: 'dilation 2 valid', inputs: [[11, 12, 6]], attrs: { kernel_size: 3, dilation_rate: 2, use_bias: false } },
  { name: 'dilation [3, 1] same, depth_multiplier 2', inputs: [[10, 7, 3]], attrs: { kernel_size: 3, dilation_rate: [3, 1], padding: 'same', depth_multiplier: 2 } },
  { name: '1×7 same', inputs: [[7, 13, 5]], attrs: { kernel_size: [1, 7], padding: 'same' } },
  { name: '7×1 valid, strides [2, 1]', inputs: [[13, 7, 5]], attrs: { kernel_size: [7, 1], strides: [2, 1] } },
  { name: 'relu6, batch 2 (MobileNet)', inputs: [[9, 7, 16]], batch: 2, attrs: { kernel_size: 3, strides: 2, padding: 'same', activation: 'relu6', bias_initializer: RANDOM_BIAS } },
  { name: 'one channel over a 1×2179 row', inputs: [[1, 2179, 1]], attrs: { kernel_size: [1, 5], padding: 'same', depth_multiplier: 2 } },
  { name: 'softmax activation (scratch logits, then softmax)', inputs: [[5, 5, 3]], attrs: { kernel_size: 3, depth_multiplier: 2, activation: 'softmax' } },
];
