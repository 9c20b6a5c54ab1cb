// What an op's lowering (src/compile/ops/) sees of the compiler: the node's inputs and output as
// views, its weights, the fusion plan, and the means to add steps, constants and scratch buffers.
// Lowerings are functions of (node, context); lower.ts implements the context and owns the plan.
import type { NodeReport } from '../graph/analyze.ts';
import type { Tensor } from '../tensor.ts';
import type { FusionPlan, Pads } from './fusion.ts';
import type { LowerOptions } from './lower.ts';
import type { Binding, Step, View } from './plan.ts';

/** A tensor as NHWC pixels with a channel stride (plan.ts pixelView), with its binding. */
export interface PixelInput {
  pixels: number;
  channels: number;
  stride: number;
  offset: number;
  view: View;
  binding: Binding;
}

export interface LoweringContext {
  readonly batch: number;
  readonly options: LowerOptions;
  readonly fusion: FusionPlan;
  /** Floats a Winograd chunk's scratch may take besides half the conv's output (4% of the weights). */
  readonly winogradScratch: number;
  node(id: string): NodeReport;
  /** The node's weights (Keras names: kernel, bias, gamma, …). */
  weights(id: string): Record<string, Tensor>;
  /** The tensor of a node lowered earlier. */
  input(id: string): View;
  /** Where node `r`'s output goes: its concat slice when it has one, else a fresh allocation. */
  output(r: NodeReport): View;
  /** Makes `view` node `r`'s tensor without a dispatch (Flatten, Dropout). */
  alias(r: NodeReport, view: View): void;
  /** A fresh contiguous [batch, ...shape] allocation owned by `owner`. */
  contiguous(owner: string, shape: readonly number[]): View;
  /**
   * A fresh contiguous [batch, ...shape] buffer for an intermediate tensor of node `owner`, named `id`:
   * where `keep` lists `id` it lives to the end of the run and reads back, and later steps find it
   * with input(id) (a trainer's backward reads SeparableConv2D's depthwise half).
   */
  intermediate(owner: string, id: string, shape: readonly number[]): View;
  /** A scratch buffer of `floats` for one node's own intermediate results. */
  scratch(owner: string, floats: number): View;
  constant(data: Float32Array): Binding;
  step(s: Omit<Step, 'fused'> & { fused?: string[] }): void;
  /** `v` as pixels × channels, copied into a contiguous buffer first when it has no such form. */
  pixels(id: string, v: View): PixelInput;
  copyContiguous(id: string, v: View): View;
  /** The tensor a node reads as its input 0, past a ZeroPadding2D folded into it, and that padding. */
  paddedInput(r: NodeReport): { id: string; pad: Pads };
}

/** An op's lowering: adds the steps that compute `r` (and whatever the fusion plan folded into it). */
export type OpLowering = (r: NodeReport, ctx: LoweringContext) => void;

/** A node's attrs as its op's typed interface (analyzeGraph filled in the defaults and checked them). */
export const attrsOf = <A>(r: NodeReport): A => r.attrs as unknown as A;
