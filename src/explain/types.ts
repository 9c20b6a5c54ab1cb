// "Explain this value": what one output value of a node is made of, as plain data for the CLI's text
// and the editor's panel. Every number is recomputed in float64 from the float32 tensors the run read back.
import type { NodeReport } from '../graph/analyze.ts';
import type { Tensor } from '../tensor.ts';

/** A tensor of the run, with the node it belongs to. */
export interface RunTensor {
  id: string;
  name: string;
  tensor: Tensor;
}

/** What an explanation is computed from: one node, its inputs and output as the run computed them, its weights. */
export interface ExplainRequest {
  node: NodeReport;
  /** The node's inputs, in order, batch first. */
  inputs: RunTensor[];
  /** The node's output, batch first. */
  output: Tensor;
  weights: Record<string, Tensor>;
  /** Position in the output without the batch: [y, x, c] for a map, [c] for a vector. */
  at: number[];
  /** Image of the batch (0-based); default 0. */
  image?: number;
  /** Dense: how many contributions to list one by one (the rest are summed); default 10. */
  top?: number;
}

export interface ExplanationBase {
  node: string;
  name: string;
  op: string;
  at: number[];
  image: number;
  /** The output's shape without the batch. */
  shape: number[];
  /** The value the run computed there (read back). */
  value: number;
  /** The breakdown's result, float64. */
  total: number;
  /**
   * The size float32 rounding works at (the sum of the terms' magnitudes): the run's float32 value and the
   * float64 total differ by a few units of float32 precision of it, as any reordered float32 sum does.
   */
  scale: number;
}

/** The activation fused into the op, applied to the pre-activation sum. */
export interface ActivationStep {
  name: string;
  before: number;
  after: number;
  /** softmax only: over the `count` pre-activations at this position, the largest and Σ exp(z − max). */
  softmax?: { max: number; sum: number; count: number };
}

/** One input channel's share of a conv value: its patch under the window and the kernel slice over it. */
export interface ConvTerm {
  /** The input channel. */
  channel: number;
  /** KH×KW, row-major; null where the window lies on padding. */
  patch: (number | null)[];
  /** KH×KW, row-major: the kernel slice for this input channel and the output channel. */
  kernel: number[];
  /** Σ patch·kernel. */
  partial: number;
  /** SeparableConv2D: the depthwise value (depth multiplier `multiplier`, float32 as the run keeps it) times its pointwise weight. */
  pointwise?: { multiplier: number; depthwise: number; weight: number };
}

export interface ConvExplanation extends ExplanationBase {
  kind: 'conv';
  input: { id: string; name: string; shape: number[] };
  /** Input rows and columns under the kernel taps (dilation apart; outside 0…H−1 / 0…W−1 is padding). */
  rows: number[];
  cols: number[];
  /** Input channels, in order (a group's only, for grouped convs; one for depthwise). */
  terms: ConvTerm[];
  bias: number | null;
  preActivation: number;
  activation: ActivationStep;
}

export interface PoolExplanation extends ExplanationBase {
  kind: 'pool';
  mode: 'max' | 'average';
  global: boolean;
  input: { id: string; name: string; shape: number[] };
  channel: number;
  /** Input rows and columns of the window, padding included (outside the input: never counted). */
  rows: number[];
  cols: number[];
  /** rows×cols, row-major; null on padding. */
  values: (number | null)[];
  /** max: the first largest value (row-major), as the run's kernel and Keras' gradient pick it. */
  winner?: { row: number; col: number; value: number };
  /** average: the sum and what it is divided by (the real cells, or the whole window with count_include_pad). */
  sum?: number;
  count?: number;
}

export interface Operand {
  /** Which input of the node (0-based). */
  index: number;
  id: string;
  name: string;
  /** Where in that input (a broadcast axis reads position 0). */
  at: number[];
  value: number;
}

export interface MergeExplanation extends ExplanationBase {
  kind: 'merge';
  operation: 'add' | 'subtract' | 'multiply' | 'divide' | 'average' | 'maximum' | 'minimum' | 'concatenate';
  operands: Operand[];
  /** Concatenate: the axis (batchless) and where each input starts along it. */
  concat?: { axis: number; offsets: number[] };
}

export interface DotExplanation extends ExplanationBase {
  kind: 'dot';
  /** The two vectors summed over, with where they start in their inputs. */
  operands: [Operand & { values: number[] }, Operand & { values: number[] }];
  products: number[];
  sum: number;
  /** normalize: the two L2 norms the sum is divided by (each at least 1e-6, as Keras' l2_normalize). */
  norms?: [number, number];
}

export interface BatchNormExplanation extends ExplanationBase {
  kind: 'batch-norm';
  input: { id: string; name: string };
  channel: number;
  x: number;
  /**
   * Whose mean and variance: BatchNormalization's moving statistics of the channel, or LayerNormalization's
   * of the position (over its channels, computed from the input at run time).
   */
  statistics: 'moving' | 'position';
  mean: number;
  variance: number;
  epsilon: number;
  gamma: number | null;
  beta: number | null;
  /** (x − mean) / √(variance + epsilon). */
  normalized: number;
}

export interface DenseTerm {
  /** Index into the input's last axis. */
  index: number;
  input: number;
  weight: number;
  product: number;
}

export interface DenseExplanation extends ExplanationBase {
  kind: 'dense';
  input: { id: string; name: string; size: number };
  /** The largest contributions by magnitude, largest first. */
  top: DenseTerm[];
  /** Every other input × weight, summed. */
  rest: { count: number; sum: number };
  bias: number | null;
  preActivation: number;
  activation: ActivationStep;
}

export type Explanation = ConvExplanation | PoolExplanation | MergeExplanation | DotExplanation | BatchNormExplanation | DenseExplanation;
