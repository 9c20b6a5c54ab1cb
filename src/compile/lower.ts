// Lowering: a validated graph and its weights → a Plan of kernel dispatches.
//  1. fusion and concat in place are planned first, as plain data (fusion.ts);
//  2. each remaining node is lowered by its op's row of the table (ops/index.ts), the conv family
//     as fused groups (ops/conv.ts, with conv-kernel.ts choosing the kernel), in topological order;
//  3. allocations are assigned to physical buffers by liveness (plan.ts).
// The Lowering below is the context every op's lowering works through (context.ts).
import type { GraphReport, NodeReport } from '../graph/analyze.ts';
import { OpError } from '../ops/op.ts';
import { sizeOf, stridesOf, type Tensor } from '../tensor.ts';
import type { LoweringContext, OpLowering, PixelInput } from './context.ts';
import type { ConvKernel } from './conv-kernel.ts';
import { planFusion, type FusionPlan, type Pads } from './fusion.ts';
import { KERNELS, orderedBindings, type KernelName } from './kernels.ts';
import { lowerConvGroup } from './ops/conv.ts';
import { copy } from './ops/elementwise.ts';
import { LOWERINGS } from './ops/index.ts';
import { assignPhysical, pixelView, type Allocation, type Binding, type Plan, type Step, type View } from './plan.ts';
import { weightFloats, winogradPlan, type WinogradTile } from './winograd.ts';

export type { ConvKernel } from './conv-kernel.ts';
export { GEMM_BUSY_WORKGROUPS } from './ops/conv.ts';

export interface LowerOptions {
  batch: number;
  /** Nodes whose tensors must survive the run (to be read back): never fused away, never reused. */
  keep: Iterable<string>;
  /**
   * The kernel for convs with groups = 1: 'gemm' (32×32 workgroup-memory tiles, what GPUs favour),
   * 'gemm64' (64×64 tiles with bigger register blocks, for big discrete GPUs), 'direct' (register tiles,
   * what CPU-like adapters favour) or 'naive' (the spec, for every conv). Grouped and depthwise convs
   * use their direct kernels unless 'naive' is forced.
   */
  convKernel?: ConvKernel;
  /** The device has `subgroups`: the direct conv shares loads across quads. */
  subgroups?: boolean;
  /**
   * Pixels per invocation of the quad-shared direct conv: 16 (conv2d-direct-quad16, the default) or 8
   * (conv2d-direct-quad); for benchmarks and tests that pin one.
   */
  quadPixels?: 8 | 16;
  /**
   * 3×3 stride-1 convs as Winograd F(2×2, 3×3) or F(4×4, 3×3) where the quad-shared direct conv runs:
   * 2.25× or 4× fewer multiply-adds, three dispatches instead of one. Default: where its bigger weights
   * cost little memory (winograd.ts winogradPlan); true: every such conv (tests); false: none
   * (benchmarks and tests).
   */
  winograd?: boolean;
  /** The Winograd tile of every Winograd conv, for tests and benchmarks; default: winogradPlan's, or the faster one where forced. */
  winogradTile?: WinogradTile;
  /** Tiles per Winograd chunk (rounded down to a multiple of 16, at least 16), for benchmarks and tests; default from the memory budget. */
  winogradTiles?: number;
  /**
   * Workgroups sharing each output tile of a GEMM conv along K (conv2d-gemm.wgsl): default, enough to
   * fill a big GPU where a conv has few tiles (gemmSplits); a number forces it (tests); false: never.
   */
  splitK?: number | false;
  /** GEMM conv workgroups (of its own tile size) a conv should make before K is split (default GEMM_BUSY_WORKGROUPS), for benchmarks. */
  gemmWorkgroups?: number;
  /**
   * Stride-1 pools run in the loads of the 1×1 convs that read them (fusion.ts rule 7): no dispatch and
   * no tensor of their own. Default false; the engine passes the autotune's measurement for its adapter.
   */
  fusePools?: boolean;
  /** Kernels the device failed to build: the conv choice falls back past them (conv-kernel.ts), split-K is off without its reduce. */
  avoidKernels?: ReadonlySet<KernelName>;
  /**
   * The weights change on the device between runs (a trainer's optimizer updates them in place): the
   * conv kernels that read a packed layout get it from a conv2d-pack-weights step each run, made from
   * the stored kernel, never packed at compile time; nothing may be folded into them, no Winograd.
   */
  packOnDevice?: boolean;
  /** Lowerings that replace the table's rows for this graph (training: BatchNormalization with batch statistics, Dropout's mask). */
  lowerings?: Readonly<Record<string, OpLowering>>;
}

type Weights = Map<string, Record<string, Tensor>>;

export function lowerGraph(report: GraphReport, weights: Weights, options: LowerOptions): Plan {
  const lowering = new Lowering(report, weights, options);
  return lowering.finish(lowering.lowerForward());
}

/**
 * The compiler's state while it lowers one graph, and the context op lowerings work through. The
 * training compiler (src/train/lower-training.ts) lowers the forward pass with it, adds its own
 * steps through the same context, then finishes the plan.
 */
export class Lowering implements LoweringContext {
  private readonly allocations: Allocation[] = [];
  private readonly constants: Float32Array[] = [];
  /** A weight array bound by several steps (forward and backward) is one constant buffer. */
  private readonly constantIndex = new Map<Float32Array, number>();
  private readonly steps: Step[] = [];
  private readonly views = new Map<string, View>();
  /** Where producers planned into a concat buffer write: their slice of it. */
  private readonly targets = new Map<string, View>();
  private readonly computedBy: Map<string, string>;
  readonly fusion: FusionPlan;
  readonly batch: number;
  /** Convs lowered as Winograd by default, and their tiles (winogradPlan). */
  private readonly winograd: Map<string, WinogradTile>;
  readonly winogradScratch: number;

  constructor(private readonly report: GraphReport, private readonly weightsById: Weights, readonly options: LowerOptions) {
    this.batch = options.batch;
    this.fusion = planFusion(report, new Set(options.keep), { pools: !!options.fusePools });
    this.computedBy = new Map(this.fusion.computedBy);
    this.winograd = options.winograd === undefined ? winogradPlan(report, weightsById, options.batch) : new Map();
    this.winogradScratch = weightFloats(weightsById) / 25;
  }

  /** Lowers every node in topological order; returns the Inputs' views. */
  lowerForward(): Map<string, View> {
    if (!this.report.ok) {
      const p = this.report.problems[0];
      throw new OpError(`the graph has ${this.report.problems.length} problem(s); first: ${p.message}`, p.hint);
    }
    this.placeConcatBuffers();
    this.placeSiblingBuffers();
    const inputs = new Map<string, View>();
    for (const id of this.report.order) {
      const r = this.node(id);
      if (this.fusion.fusedAway.has(id)) continue;
      try {
        if (r.op === 'Input') inputs.set(id, this.output(r));
        else this.lowerNode(r);
      } catch (e) {
        if (e instanceof OpError && !(e as OpError & { node?: string }).node) Object.assign(e, { node: id });
        throw e;
      }
      if (!this.computedBy.has(id)) this.computedBy.set(id, id);
    }
    return inputs;
  }

  /**
   * The plan: allocations assigned to physical buffers by liveness. `inputs` are written before the
   * first step; `persistent` allocations (a trainer's optimizer slots) keep their contents from run to
   * run, so they share a buffer with nothing.
   */
  finish(inputs: Map<string, View>, persistent: readonly number[] = []): Plan {
    const keep = new Set(this.options.keep);
    const keepAllocs = new Set([...keep].map((id) => this.views.get(id)?.alloc).filter((a): a is number => a !== undefined));
    for (const a of persistent) keepAllocs.add(a);
    const { physical, physicalFloats } = assignPhysical(this.allocations, this.steps, keepAllocs, [...[...inputs.values()].map((v) => v.alloc), ...persistent]);
    return {
      batch: this.batch, allocations: this.allocations, physical, physicalFloats, constants: this.constants,
      steps: this.steps, inputs, views: this.views, computedBy: this.computedBy,
    };
  }

  /** Merged siblings' Winograd tile: where every member may take one, the smallest (its weights fit). */
  private winogradTileOf(convs: string[]): WinogradTile | undefined {
    const tiles = convs.map((id) => this.winograd.get(id));
    return tiles.every((t) => t !== undefined) ? Math.min(...tiles) as WinogradTile : undefined;
  }

  private lowerNode(r: NodeReport): void {
    const siblings = this.fusion.siblings.get(r.id)?.members;
    if (siblings) {
      // The first sibling's dispatch computes them all; the others' tensors are its slices.
      if (siblings[0].final.id === r.id) lowerConvGroup(siblings, this, this.winogradTileOf(siblings.map((g) => g.conv.id)));
      else this.output(r);
      return;
    }
    const group = this.fusion.groups.get(r.id);
    if (group) return lowerConvGroup([group], this, this.winograd.get(group.conv.id));
    const lower = this.options.lowerings?.[r.op] ?? LOWERINGS[r.op];
    if (!lower) throw new OpError(`${r.op} has no WebGPU kernel yet`, 'run it with --backend cpu');
    lower(r, this);
  }

  /** Each planned concat buffer (outermost first) and its producers' slices of it, as views. */
  private placeConcatBuffers(): void {
    const slicesOf = new Map<string, string[]>();
    for (const [producer, { concat }] of this.fusion.concatSlices) slicesOf.set(concat, [...(slicesOf.get(concat) ?? []), producer]);
    for (const id of this.fusion.concatBuffers) {
      const out = this.targets.get(id) ?? this.contiguous(id, this.node(id).shape!);
      this.targets.set(id, out);
      for (const producer of slicesOf.get(id) ?? []) {
        const { channelOffset } = this.fusion.concatSlices.get(producer)!;
        this.targets.set(producer, channelSlice(out, channelOffset, this.node(producer).shape!.at(-1)!));
      }
    }
  }

  /** Each set of sibling convs' shared output, and each member's slice of it, as views. */
  private placeSiblingBuffers(): void {
    for (const [id, { members }] of this.fusion.siblings) {
      if (members[0].final.id !== id) continue;
      const channels = members.map((g) => g.final.shape!.at(-1)!);
      const out = this.contiguous(id, [...this.node(id).shape!.slice(0, -1), channels.reduce((a, b) => a + b)]);
      let offset = 0;
      members.forEach((g, i) => {
        this.targets.set(g.final.id, channelSlice(out, offset, channels[i]));
        offset += channels[i];
      });
    }
  }

  // ── the context op lowerings work through (context.ts) ─────────────────────────────────────

  node(id: string): NodeReport {
    return this.report.byId.get(id)!;
  }

  weights(id: string): Record<string, Tensor> {
    return this.weightsById.get(id) ?? {};
  }

  contiguous(owner: string, shape: readonly number[]): View {
    const full = [this.batch, ...shape];
    this.allocations.push({ floats: sizeOf(full), owner });
    return { alloc: this.allocations.length - 1, offset: 0, shape: full, strides: stridesOf(full) };
  }

  intermediate(owner: string, id: string, shape: readonly number[]): View {
    const v = this.contiguous(owner, shape);
    if ([...this.options.keep].includes(id)) this.views.set(id, v);
    return v;
  }

  scratch(owner: string, floats: number): View {
    this.allocations.push({ floats, owner });
    return { alloc: this.allocations.length - 1, offset: 0, shape: [floats], strides: [1] };
  }

  output(r: NodeReport): View {
    const v = this.targets.get(r.id) ?? this.contiguous(r.id, r.shape!);
    this.views.set(r.id, v);
    if (!this.computedBy.has(r.id)) this.computedBy.set(r.id, r.id);
    return v;
  }

  alias(r: NodeReport, v: View): void {
    this.views.set(r.id, v);
    this.computedBy.set(r.id, r.id);
  }

  input(id: string): View {
    const v = this.views.get(id);
    if (!v) throw new OpError(`internal: '${id}' has no tensor yet`);
    return v;
  }

  constant(data: Float32Array): Binding {
    let index = this.constantIndex.get(data);
    if (index === undefined) {
      index = this.constants.push(data) - 1;
      this.constantIndex.set(data, index);
    }
    return { kind: 'constant', index };
  }

  /** Makes `v` readable as `id` after a run (a trainer's metrics and gradients); list `id` in `keep`. */
  expose(id: string, v: View): void {
    this.views.set(id, v);
    this.computedBy.set(id, id);
  }

  /** The constant already made of `data`, if a step bound it. */
  constantOf(data: Float32Array): Binding | null {
    const index = this.constantIndex.get(data);
    return index === undefined ? null : { kind: 'constant', index };
  }

  step(s: Omit<Step, 'fused'> & { fused?: string[] }): void {
    orderedBindings(KERNELS[s.kernel], s.bindings, s.node); // the names match the shader's, or this is a bug
    this.steps.push({ fused: [], ...s });
  }

  pixels(id: string, v: View): PixelInput {
    const view = pixelView(v) ? v : this.copyContiguous(id, v);
    return { ...pixelView(view)!, view, binding: { kind: 'view', view } };
  }

  copyContiguous(id: string, v: View): View {
    const out = this.contiguous(id, v.shape.slice(1));
    copy(this, id, v, out);
    return out;
  }

  paddedInput(r: NodeReport): { id: string; pad: Pads } {
    const pad = this.fusion.foldedPads.get(r.id);
    return pad ? { id: this.node(r.inputs[0]).inputs[0], pad } : { id: r.inputs[0], pad: [[0, 0], [0, 0]] };
  }
}

/** Channels [offset, offset + channels) of `v`, a view into the same buffer with the same strides. */
function channelSlice(v: View, offset: number, channels: number): View {
  return { ...v, offset: v.offset + offset, shape: [...v.shape.slice(0, -1), channels] };
}

export { KERNELS };
