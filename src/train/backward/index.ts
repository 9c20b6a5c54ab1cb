// Each op's backward lowering, by op type: the training compiler's one table, beside the forward's
// (src/compile/ops/index.ts). An op without a row cannot be trained on the GPU yet, and the training
// compiler says so, naming the node, before anything runs.
import { activationBackward } from './activation.ts';
import { augmentationBackward } from './augment.ts';
import type { BackwardLowering } from './context.ts';
import { convBackward } from './conv.ts';
import { dotBackward } from './dot.ts';
import { mergeBackward } from './merge.ts';
import { batchNormalizationBackward, dropoutBackward, layerNormalizationBackward, normalizationBackward, rescalingBackward } from './normalization.ts';
import { globalPool2dBackward, pool2dBackward } from './pool.ts';
import { separableConv2dBackward } from './separable.ts';
import { channelShuffleBackward, channelSliceBackward, concatenateBackward, cropping2dBackward, pad2dBackward, reshapeBackward, zeroPadding2dBackward } from './routing.ts';

export const BACKWARD: Readonly<Record<string, BackwardLowering>> = {
  Conv2D: convBackward,
  DepthwiseConv2D: convBackward,
  SeparableConv2D: separableConv2dBackward,
  Dense: convBackward,
  Activation: activationBackward,
  ReLU: activationBackward,
  LeakyReLU: activationBackward,
  Softmax: activationBackward,
  MaxPool2D: pool2dBackward,
  MaxPoolWithArgmax2D: pool2dBackward,
  AveragePool2D: pool2dBackward,
  GlobalAveragePool2D: globalPool2dBackward,
  GlobalMaxPool2D: globalPool2dBackward,
  Add: mergeBackward,
  Subtract: mergeBackward,
  Average: mergeBackward,
  Multiply: mergeBackward,
  Maximum: mergeBackward,
  Minimum: mergeBackward,
  Divide: mergeBackward,
  Concatenate: concatenateBackward,
  Dot: dotBackward,
  Flatten: reshapeBackward,
  Reshape: reshapeBackward,
  ZeroPadding2D: zeroPadding2dBackward,
  Cropping2D: cropping2dBackward,
  Pad2D: pad2dBackward,
  ChannelShuffle: channelShuffleBackward,
  ChannelSlice: channelSliceBackward,
  BatchNormalization: batchNormalizationBackward,
  LayerNormalization: layerNormalizationBackward,
  Dropout: dropoutBackward,
  Normalization: normalizationBackward,
  Rescaling: rescalingBackward,
  RandomFlip: augmentationBackward,
  RandomTranslation: augmentationBackward,
  RandomCrop: augmentationBackward,
};
