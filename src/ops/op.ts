// What every op file defines. The registry (src/ops/index.ts) lists them; the palette, shape
// inference, the compiler, the CLI and the GPU test sweep all read that one table.
import type { Shape } from '../graph/types.ts';
import type { Tensor } from '../tensor.ts';
import type { Initializer, Regularizer } from '../weights/specs.ts';
import type { FieldRule } from './field.ts';

export type Category = 'Input' | 'Convolution' | 'Pooling' | 'Normalization' | 'Activation' | 'Merge' | 'Core';
export const CATEGORIES: readonly Category[] = ['Input', 'Convolution', 'Pooling', 'Normalization', 'Activation', 'Merge', 'Core'];

/** One attribute's schema: how it is edited, its Keras default, and its legal range. */
export type AttrSpec = { doc?: string } & (
  | { kind: 'int'; default: number; min?: number; max?: number }
  | { kind: 'float'; default: number; min?: number; max?: number }
  | { kind: 'optionalFloat'; default: number | null; min?: number }
  | { kind: 'bool'; default: boolean }
  | { kind: 'enum'; default: string; options: readonly string[] }
  /** An int or a pair [a, b] (kernel_size, strides, dilation_rate, pool_size); resolves to a pair. */
  | { kind: 'pair'; default: [number, number] | null; min?: number }
  /** 'same' | 'valid' | [[top, bottom], [left, right]] (explicit, as ONNX pads). */
  | { kind: 'padding'; default: 'same' | 'valid' }
  /** ZeroPadding2D / Cropping2D: int, [h, w] or [[top, bottom], [left, right]]; resolves to the last. */
  | { kind: 'pads'; default: [[number, number], [number, number]] }
  | { kind: 'ints'; default: number[]; min?: number; allowMinusOne?: boolean }
  | { kind: 'floats'; default: number[] | null }
  /** Dot's axes: an int or a pair, Keras-style (the batch is axis 0). */
  | { kind: 'axes'; default: number | [number, number] }
  | { kind: 'initializer'; default: string }
  | { kind: 'regularizer'; default: null }
  | { kind: 'activation'; default: string }
);

/** A weight an op owns, in Keras' layout (Conv2D kernel [KH, KW, C/groups, OC]). */
export interface WeightSpec {
  name: string;
  shape: number[];
  initializer: Initializer;
  regularizer: Regularizer | null;
  trainable: boolean;
}

/** A user-facing failure of one op: the message says what is wrong, the hint what to do. */
export class OpError extends Error {
  constructor(message: string, readonly hint?: string) {
    super(message);
    this.name = 'OpError';
  }
}

/**
 * What an op's WebGPU lowering can do beyond its own dispatch, read by the compiler's fusion and
 * memory planning (src/compile/fusion.ts) and by the tests, instead of lists kept apart from the op.
 */
export interface GpuTraits {
  /** A conv-family op: the BatchNormalization, activation and residual Add after it fold into its dispatch. */
  conv?: boolean;
  /** An elementwise activation (except softmax) that folds into the epilogue of the dispatch before it. */
  activation?: boolean;
  /** An elementwise merge: its operation in shaders/elementwise.wgsl (src/compile/merge-ops.ts). */
  merge?: 'add' | 'subtract' | 'multiply' | 'maximum' | 'minimum' | 'divide';
  /** A per-channel scale and shift (shaders/affine.wgsl): the activation after it folds into its dispatch. */
  affine?: boolean;
  /** Its kernel can write straight into a channel slice of a Concatenate's buffer. */
  writesConcatSlice?: boolean;
  /** Moves data without arithmetic: its GPU output equals the reference exactly. */
  exact?: boolean;
}

export interface OpDef<A = any> {
  /** Keras class name, PascalCase: `Conv2D`. */
  type: string;
  /** Other names accepted when loading (`MaxPooling2D` for `MaxPool2D`). */
  aliases?: readonly string[];
  category: Category;
  /** One line for the palette and `--help`. */
  summary: string;
  attrs: Record<string, AttrSpec>;
  /** How many inputs the op takes; max Infinity for the merges. */
  arity: { min: number; max: number };
  /** Output shape (no batch) from input shapes (no batch); throws OpError. */
  inferShape(inputs: Shape[], attrs: A): Shape;
  /** Weights, in Keras' order (kernel, bias; gamma, beta, moving_mean, moving_variance). */
  weights?(inputs: Shape[], attrs: A): WeightSpec[];
  /** FLOPs for one batch item; 1 multiply-add = 2 FLOPs. */
  flops(inputs: Shape[], output: Shape, attrs: A): number;
  /** Plain-loop CPU reference, float64 accumulation: the spec the GPU kernels are tested against. */
  reference(inputs: Tensor[], weights: Record<string, Tensor>, attrs: A): Tensor;
  /**
   * The reference's gradients, float64 accumulation: given the inputs, the weights and dL/dy, dL/d of
   * each input and of each weight. The spec the training kernels will be tested against; checked here
   * against finite differences (src/ops/backward.test.ts). Absent: the op cannot be trained yet.
   * With `ctx` (a training step): the gradients of `trainForward(inputs, weights, attrs, ctx)` where the
   * op has one; the ops without ignore it.
   */
  backward?(inputs: Tensor[], weights: Record<string, Tensor>, attrs: A, dy: Tensor, ctx?: TrainContext): Gradients;
  /**
   * The forward of a training step (Keras' `layer(x, training=True)`), for the ops where it differs
   * from `reference`: BatchNormalization's batch statistics and moving-statistics update, Dropout's mask,
   * the augmentation ops' random transforms (RandomFlip, RandomTranslation, RandomCrop).
   * Absent: a training step runs `reference`. `backward` given the same `ctx` differentiates this
   * function; without a ctx it differentiates `reference` (inference).
   */
  trainForward?(inputs: Tensor[], weights: Record<string, Tensor>, attrs: A, ctx: TrainContext): TrainOutput;
  /** What its WebGPU lowering can fuse or share (src/compile/ops/ holds the lowering itself). */
  gpu?: GpuTraits;
  /**
   * What it does to its inputs' receptive fields (src/graph/receptive-field.ts): its window over the
   * input, or how it combines its inputs' fields. Given valid input shapes (no batch) and its output's.
   */
  field(inputs: Shape[], attrs: A, output: Shape): FieldRule;
}

/**
 * What a training step tells an op beyond its inputs and weights: which node it is and which step of
 * which run (so a random op draws its own, repeatable numbers: Dropout's and the augmentation ops'
 * key is nodeStepKey(ctx) = dropoutKey(seed, step, nodeSalt(nodeId)), src/train/dropout-mask.ts), and whether the node is
 * trainable. `trainable` is Keras 3's `layer.trainable` (the node's `attrs.trainable`, default true):
 * false freezes the node's weights, and BatchNormalization then runs in inference mode (moving
 * statistics, no update) while gradients still flow to its inputs.
 */
export interface TrainContext {
  nodeId: string;
  /** The fit's seed (FitConfig.seed). */
  seed: number;
  /** The training step, from 0: one batch, one optimizer update. */
  step: number;
  trainable: boolean;
}

/** A training-mode forward's result. */
export interface TrainOutput {
  output: Tensor;
  /**
   * New values of the node's non-trainable weights that the step assigns (BatchNormalization's
   * moving_mean and moving_variance), by weight name; the trainer writes them after the step.
   */
  updates?: Record<string, Tensor>;
}

export interface Gradients {
  /** dL/d(input k), shaped like input k. */
  inputs: Tensor[];
  /** dL/d(weight), by weight name, shaped like the weight. */
  weights: Record<string, Tensor>;
}

export function defineOp<A>(def: OpDef<A>): OpDef<A> {
  return def;
}

/** Reads a weight a reference needs, with a message instead of a TypeError when it is missing. */
export function weight(weights: Record<string, Tensor>, name: string): Tensor {
  const w = weights[name];
  if (!w) throw new OpError(`missing weight '${name}'`);
  return w;
}
