// The op registry: the single list. The palette, shape inference, the compiler, the CLI and the
// GPU test sweep all read it; adding an op is its own files plus one line here, and for its GPU side
// one row in src/compile/ops/index.ts (README "Adding an op").
import type { OpDef } from './op.ts';
import { Input } from './input.ts';
import { Conv2D } from './conv2d.ts';
import { DepthwiseConv2D } from './depthwise-conv2d.ts';
import { SeparableConv2D } from './separable-conv2d.ts';
import { Dense } from './dense.ts';
import { MaxPool2D } from './max-pool2d.ts';
import { MaxPoolWithArgmax2D } from './max-pool-with-argmax2d.ts';
import { AveragePool2D } from './average-pool2d.ts';
import { GlobalAveragePool2D } from './global-average-pool2d.ts';
import { GlobalMaxPool2D } from './global-max-pool2d.ts';
import { BatchNormalization } from './batch-normalization.ts';
import { LayerNormalization } from './layer-normalization.ts';
import { Normalization } from './normalization.ts';
import { Rescaling } from './rescaling.ts';
import { Activation } from './activation.ts';
import { ReLU } from './relu.ts';
import { LeakyReLU } from './leaky-relu.ts';
import { Softmax } from './softmax.ts';
import { Add } from './add.ts';
import { Subtract } from './subtract.ts';
import { Multiply } from './multiply.ts';
import { Average } from './average.ts';
import { Maximum } from './maximum.ts';
import { Minimum } from './minimum.ts';
import { Divide } from './divide.ts';
import { Concatenate } from './concatenate.ts';
import { Dot } from './dot.ts';
import { ZeroPadding2D } from './zero-padding2d.ts';
import { Cropping2D } from './cropping2d.ts';
import { Pad2D } from './pad2d.ts';
import { ChannelShuffle } from './channel-shuffle.ts';
import { ChannelSlice } from './channel-slice.ts';
import { Flatten } from './flatten.ts';
import { Reshape } from './reshape.ts';
import { Dropout } from './dropout.ts';
import { RandomFlip } from './random-flip.ts';
import { RandomTranslation } from './random-translation.ts';
import { RandomCrop } from './random-crop.ts';

export const OPS: readonly OpDef[] = [
  Input,
  Conv2D, DepthwiseConv2D, SeparableConv2D, Dense,
  MaxPool2D, MaxPoolWithArgmax2D, AveragePool2D, GlobalAveragePool2D, GlobalMaxPool2D,
  BatchNormalization, LayerNormalization, Normalization, Rescaling,
  Activation, ReLU, LeakyReLU, Softmax,
  Add, Subtract, Multiply, Divide, Average, Maximum, Minimum, Concatenate, Dot,
  ZeroPadding2D, Pad2D, Cropping2D, Flatten, Reshape, ChannelShuffle, ChannelSlice, Dropout,
  RandomFlip, RandomTranslation, RandomCrop,
];

const BY_NAME = new Map<string, OpDef>();
for (const op of OPS) for (const name of [op.type, ...(op.aliases ?? [])]) BY_NAME.set(name.toLowerCase(), op);

/** Looks an op up by its type or an alias, case-insensitively (`maxpooling2d` → MaxPool2D). */
export function findOp(type: string): OpDef | undefined {
  return BY_NAME.get(type.toLowerCase());
}

export type { OpDef } from './op.ts';
