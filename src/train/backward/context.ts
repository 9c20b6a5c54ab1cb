// What an op's backward lowering (this folder) sees of the training compiler: the forward tensors
// the forward pass kept, the gradient flowing into the node, where to send its inputs' gradients
// (summed where a tensor feeds several nodes), its weights and their gradients, and the forward
// compiler's context to add steps and buffers through. lower-training.ts implements it.
import type { NodeReport } from '../../graph/analyze.ts';
import type { Lowering } from '../../compile/lower.ts';
import type { Binding, View } from '../../compile/plan.ts';
import type { BatchStatistics } from './normalization.ts';

export interface GradientTarget {
  view: View;
  /** Add to what is there: an earlier consumer of the same tensor already wrote its share. */
  accumulate: boolean;
}

export interface BackwardContext {
  readonly lowering: Lowering;
  readonly batch: number;
  node(id: string): NodeReport;
  /** A node's forward tensor, as the forward pass left it. */
  forward(id: string): View;
  /** dL/d(the node's output), contiguous [batch, ...shape]. */
  gradOut(id: string): View;
  /** Whether anything trainable lies upstream of the node's output: no gradient is made for it otherwise. */
  needsGrad(id: string): boolean;
  /** Where to write (or add) this node's share of dL/d(input `id`); call once per share. */
  gradIn(id: string): GradientTarget;
  /** A weight as the forward pass binds it (the optimizer updates that buffer in place). */
  weight(id: string, name: string): Binding;
  /** A weight's values as stored (what the GPU packs from, each step, for the fast conv kernels). */
  weightData(id: string, name: string): Float32Array;
  /** Where dL/d(weight) goes; null for a frozen node or a non-trainable weight. */
  weightGrad(id: string, name: string): View | null;
  /** The step's state (train-state.wgsl): step, seed, learning rate. */
  readonly state: Binding;
  /** A training BatchNormalization's batch statistics (batch-norm-statistics.wgsl), by node. */
  readonly bnStats: ReadonlyMap<string, BatchStatistics>;
}

/** An op's backward: the steps that turn dL/d(output) into its inputs' and weights' gradients. */
export type BackwardLowering = (r: NodeReport, b: BackwardContext) => void;

/**
 * A tensor bound from its buffer's start: the training kernels index from 0 unless they take an offset
 * param, so a view with an offset here is a compiler bug, caught before it reads the wrong values.
 */
export function view(v: View): Binding {
  if (v.offset !== 0) throw new Error(`internal: a view at offset ${v.offset} bound where the kernel reads from 0`);
  return { kind: 'view', view: v };
}

/** A tensor whose offset (and channel stride) the kernel takes as params (xOffset, xStride). */
export const offsetView = (v: View): Binding => ({ kind: 'view', view: v });
export const groupsOf = (count: number, perGroup = 64) => Math.ceil(count / perGroup);
export const elements = (v: View) => v.shape.reduce((a, d) => a * d, 1);
