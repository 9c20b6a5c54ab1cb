// Each op's WebGPU lowering, by op type: the compiler's one table (as ONNX Runtime's op-resolve-rules
// and tfjs's register_all_kernels). An op of the registry (src/ops/index.ts) without a row here runs
// on the CPU reference only, and lowering says so. The conv family is lowered as fused groups
// (fusion.ts, conv.ts), so its ops need no row.
import type { OpLowering } from '../context.ts';
import { lowerActivation, lowerAffine } from './affine.ts';
import { lowerChannelShuffle } from './channel-shuffle.ts';
import { lowerChannelSlice } from './channel-slice.ts';
import { lowerConcatenate } from './concatenate.ts';
import { lowerDot } from './dot.ts';
import { lowerLayerNormalization } from './layer-normalization.ts';
import { lowerMerge } from './merge.ts';
import { lowerCropping2D, lowerPad2D, lowerZeroPadding2D } from './padding.ts';
import { lowerGlobalPool2D, lowerMaxPoolWithArgmax2D, lowerPool2D } from './pool.ts';
import { lowerSoftmax } from './softmax.ts';
import { lowerRandomCrop } from './resample.ts';
import { lowerIdentity, lowerReshape } from './views.ts';

export const LOWERINGS: Readonly<Record<string, OpLowering>> = {
  BatchNormalization: lowerAffine,
  LayerNormalization: lowerLayerNormalization,
  Normalization: lowerAffine,
  Rescaling: lowerAffine,
  Activation: lowerActivation,
  ReLU: lowerActivation,
  LeakyReLU: lowerActivation,
  Softmax: lowerSoftmax,
  MaxPool2D: lowerPool2D,
  AveragePool2D: lowerPool2D,
  GlobalAveragePool2D: lowerGlobalPool2D,
  GlobalMaxPool2D: lowerGlobalPool2D,
  MaxPoolWithArgmax2D: lowerMaxPoolWithArgmax2D,
  Add: lowerMerge,
  Subtract: lowerMerge,
  Multiply: lowerMerge,
  Average: lowerMerge,
  Maximum: lowerMerge,
  Minimum: lowerMerge,
  Divide: lowerMerge,
  Concatenate: lowerConcatenate,
  Dot: lowerDot,
  ZeroPadding2D: lowerZeroPadding2D,
  Cropping2D: lowerCropping2D,
  Pad2D: lowerPad2D,
  ChannelShuffle: lowerChannelShuffle,
  ChannelSlice: lowerChannelSlice,
  Dropout: lowerIdentity,
  RandomFlip: lowerIdentity,
  RandomTranslation: lowerIdentity,
  RandomCrop: lowerRandomCrop,
  Flatten: lowerReshape,
  Reshape: lowerReshape,
};
