// Lowering: a validated graph and its weights → a Plan of kernel dispatches.
//  1. fusion: Conv2D/Dense/DepthwiseConv2D (+ BatchNormalization folded into the weights)
//     (+ activation) (+ the residual Add of a ResNet block) (+ activation) become one dispatch;
//  2. concat in place: branches feeding a channel Concatenate write straight into their slice of it;
//  3. one or more steps per remaining node, in topological order;
//  4. liveness-based assignment of allocations to physical buffers.
import type { GraphReport, NodeReport } from '../graph/analyze.ts';
import { OpError } from '../ops/op.ts';
import { formatShape, sizeOf, stridesOf, type Tensor } from '../tensor.ts';
import { window2d, type Padding } from '../ops/geometry.ts';
import { softmaxAxis } from '../ops/softmax.ts';
import { argmaxGeometry, type MaxPoolWithArgmax2DAttrs } from '../ops/max-pool-with-argmax2d.ts';
import { activationCode, activationOverrides, LINEAR, reluCode, type ActivationCode } from './activation-codes.ts';
import { KERNELS, type KernelName } from './kernels.ts';
import { packDirect, packGemm, packGrouped, packWinograd } from './pack.ts';
import { assignPhysical, isContiguous, pixelView, type Allocation, type Binding, type Plan, type Step, type View } from './plan.ts';

export interface LowerOptions {
  batch: number;
  /** Nodes whose tensors must survive the run (to be read back): never fused away, never reused. */
  keep: Iterable<string>;
  /**
   * The kernel for convs with groups = 1: 'gemm' (workgroup-memory tiles, what GPUs favour), 'direct'
   * (register tiles, what CPU-like adapters favour) or 'naive' (the spec, for every conv). Grouped and
   * depthwise convs use their direct kernels unless 'naive' is forced.
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
   * 3×3 stride-1 convs as Winograd F(2×2, 3×3) where the quad-shared direct conv runs: 2.25× fewer
   * multiply-adds, three dispatches instead of one. Default: where its bigger weights cost little memory
   * (lowerConvGroup); true: every such conv (tests); false: none (benchmarks and tests).
   */
  winograd?: boolean;
  /** Tiles per Winograd chunk (rounded down to a multiple of 16, at least 16), for benchmarks and tests; default from the memory budget. */
  winogradTiles?: number;
  /**
   * Workgroups sharing each output tile of conv2d-gemm along K (conv2d-gemm.wgsl): default, enough to
   * fill a big GPU where a conv has few tiles (gemmSplits); a number forces it (tests); false: never.
   */
  splitK?: number | false;
  /** conv2d-gemm workgroups a conv should make before K is split (default GEMM_BUSY_WORKGROUPS), for benchmarks. */
  gemmWorkgroups?: number;
}

/** conv2d-gemm workgroups that keep a big GPU busy (an H200 has 132 multiprocessors): fewer tiles split K. */
const GEMM_BUSY_WORKGROUPS = 256;
/** Least K per split: shorter shares spend more on the partial sums than they save. */
const GEMM_MIN_SPLIT_K = 256;

type Weights = Map<string, Record<string, Tensor>>;
export type ConvKernel = 'gemm' | 'direct' | 'naive';

const CONV_OPS = new Set(['Conv2D', 'Dense', 'DepthwiseConv2D', 'SeparableConv2D']);
const ACTIVATION_OPS = new Set(['Activation', 'ReLU', 'LeakyReLU']);
/** Ops whose kernels can write into a channel slice of a concat buffer. */
const SLICE_WRITERS = new Set([
  ...CONV_OPS, ...ACTIVATION_OPS, 'BatchNormalization', 'Normalization', 'Rescaling', 'MaxPool2D', 'AveragePool2D',
  'GlobalAveragePool2D', 'GlobalMaxPool2D', 'Add', 'Subtract', 'Multiply', 'Average', 'Maximum', 'Minimum', 'Concatenate', 'Cropping2D', 'ChannelShuffle',
]);
const MERGE_CODES: Record<string, number> = { Add: 1, Subtract: 2, Multiply: 3, Average: 1, Maximum: 4, Minimum: 5, Divide: 6 };

/** A fused conv group: the conv, then what folds into its epilogue. */
interface ConvGroup {
  conv: NodeReport;
  bn?: NodeReport;
  act?: NodeReport;
  add?: NodeReport;
  residual?: string;
  post?: NodeReport;
  final: NodeReport;
}

/** The activation an Activation/ReLU/LeakyReLU node applies; null for softmax. */
function activationOf(r: NodeReport): ActivationCode | null {
  const a = r.attrs as Record<string, any>;
  if (r.op === 'ReLU') return reluCode(a.max_value, a.negative_slope, a.threshold);
  if (r.op === 'LeakyReLU') return reluCode(null, a.negative_slope, 0);
  return activationCode(a.activation);
}

export function lowerGraph(report: GraphReport, weights: Weights, options: LowerOptions): Plan {
  return new Lowering(report, weights, options).run();
}

/**
 * The 3×3 stride-1 convs whose Winograd weights (16/9 of the kernel: 7·C·OC floats more) memory can
 * afford: a conv whose growth is at most twice its output (large early layers; a lone conv), and
 * others, largest outputs first, while their growth stays within 15% of the graph's weights. Peak
 * memory stays near the direct conv's (ResNet-50: 107 → 120 MiB), the savings go where the pixels are.
 */
export function winogradAffordable(report: GraphReport, weights: Weights, batch: number): Set<string> {
  const candidates = report.nodes.filter((r) => {
    const a = r.attrs as { kernel_size?: number[]; strides?: number[]; dilation_rate?: number[]; groups?: number };
    const C = report.byId.get(r.inputs[0])?.shape?.at(-1) ?? 0;
    return r.op === 'Conv2D' && a.kernel_size?.every((k) => k === 3) && a.strides?.every((k) => k === 1) && a.dilation_rate?.every((k) => k === 1) && (a.groups ?? 1) === 1 && C % 4 === 0;
  }).map((r) => {
    const C = report.byId.get(r.inputs[0])!.shape!.at(-1)!;
    const [OH, OW, OC] = r.shape!;
    return { id: r.id, growth: 7 * C * OC, output: batch * OH * OW * OC, area: OH * OW };
  }).sort((a, b) => b.area - a.area);
  let budget = 0.15 * weightFloats(weights);
  const chosen = new Set<string>();
  for (const c of candidates) {
    if (c.growth <= 2 * c.output) chosen.add(c.id);
    else if (c.growth <= budget) {
      chosen.add(c.id);
      budget -= c.growth;
    }
  }
  return chosen;
}

function weightFloats(weights: Weights): number {
  let floats = 0;
  for (const w of weights.values()) for (const t of Object.values(w)) floats += t.data.length;
  return floats;
}

class Lowering {
  private readonly allocations: Allocation[] = [];
  private readonly constants: Float32Array[] = [];
  private readonly steps: Step[] = [];
  private readonly views = new Map<string, View>();
  private readonly targets = new Map<string, View>();
  private readonly computedBy = new Map<string, string>();
  private readonly consumers = new Map<string, string[]>();
  private readonly groups = new Map<string, ConvGroup>(); // keyed by the group's final node
  private readonly fusedAway = new Set<string>();
  /** ZeroPadding2D pads folded into their consumer's own padding: [[top, bottom], [left, right]] by consumer. */
  private readonly foldedPads = new Map<string, [[number, number], [number, number]]>();
  private readonly keep: Set<string>;
  private readonly batch: number;

  /** Convs lowered as Winograd by default (winogradAffordable). */
  private readonly winograd: Set<string>;
  /** Floats a Winograd chunk's scratch may take besides half the conv's output: 4% of the weights. */
  private readonly winogradScratch: number;

  constructor(private readonly report: GraphReport, private readonly weights: Weights, private readonly options: LowerOptions) {
    this.keep = new Set(options.keep);
    this.winograd = options.winograd === undefined ? winogradAffordable(report, weights, options.batch) : new Set();
    this.winogradScratch = weightFloats(weights) / 25;
    this.batch = options.batch;
    for (const r of report.nodes) for (const i of r.inputs) this.consumers.set(i, [...(this.consumers.get(i) ?? []), r.id]);
  }

  run(): Plan {
    if (!this.report.ok) {
      const p = this.report.problems[0];
      throw new OpError(`the graph has ${this.report.problems.length} problem(s); first: ${p.message}`, p.hint);
    }
    this.findConvGroups();
    this.foldZeroPadding();
    this.assignConcatTargets();
    const inputs = new Map<string, View>();
    for (const id of this.report.order) {
      const r = this.node(id);
      if (this.fusedAway.has(id)) continue;
      try {
        if (r.op === 'Input') {
          const v = this.output(r);
          inputs.set(id, v);
        } else this.lowerNode(r);
      } catch (e) {
        if (e instanceof OpError && !(e as OpError & { node?: string }).node) Object.assign(e, { node: id });
        throw e;
      }
    }
    const keepAllocs = new Set([...this.keep].map((id) => this.views.get(id)?.alloc).filter((a): a is number => a !== undefined));
    const { physical, physicalFloats } = assignPhysical(this.allocations, this.steps, keepAllocs, [...inputs.values()].map((v) => v.alloc));
    return {
      batch: this.batch, allocations: this.allocations, physical, physicalFloats, constants: this.constants,
      steps: this.steps, inputs, views: this.views, computedBy: this.computedBy,
    };
  }

  // ── analysis ──────────────────────────────────────────────────────────────────────────────

  private node(id: string): NodeReport {
    return this.report.byId.get(id)!;
  }

  /** The single consumer of `id`, when it has exactly one and is not kept for inspection. */
  private soleConsumer(id: string): NodeReport | null {
    const c = this.consumers.get(id) ?? [];
    if (c.length !== 1 || this.keep.has(id) || this.report.outputs.includes(id)) return null;
    return this.node(c[0]);
  }

  private findConvGroups(): void {
    const claimed = new Set<string>();
    for (const id of this.report.order) {
      const conv = this.node(id);
      if (!CONV_OPS.has(conv.op)) continue;
      const g: ConvGroup = { conv, final: conv };
      const ownAct = (conv.attrs as { activation: string }).activation;
      let next = this.soleConsumer(conv.id);
      if (next?.op === 'BatchNormalization' && ownAct === 'linear') {
        g.bn = next;
        g.final = next;
        next = this.soleConsumer(next.id);
      }
      if (next && ACTIVATION_OPS.has(next.op) && ownAct === 'linear' && activationOf(next)) {
        g.act = next;
        g.final = next;
        next = this.soleConsumer(next.id);
      }
      // The Add of a residual block joins whichever of its two branches reaches it first.
      if (next?.op === 'Add' && !claimed.has(next.id) && next.inputs.length === 2 && next.inputs[0] !== next.inputs[1]
        && formatShape(this.node(next.inputs[0]).shape!) === formatShape(this.node(next.inputs[1]).shape!)
        && ownAct !== 'softmax') {
        g.add = next;
        g.residual = next.inputs[0] === g.final.id ? next.inputs[1] : next.inputs[0];
        g.final = next;
        next = this.soleConsumer(next.id);
        if (next && ACTIVATION_OPS.has(next.op) && activationOf(next)) {
          g.post = next;
          g.final = next;
        }
      }
      if (g.add) claimed.add(g.add.id);
      this.groups.set(g.final.id, g);
      for (const m of [g.conv, g.bn, g.act, g.add, g.post]) {
        if (!m) continue;
        this.computedBy.set(m.id, conv.id);
        if (m !== g.final) this.fusedAway.add(m.id);
      }
    }
  }

  /**
   * A ZeroPadding2D whose only consumer is a conv or a 'valid' pool (ResNet's stem) becomes that
   * consumer's padding: no padded copy, no dispatch, one pipeline fewer.
   */
  private foldZeroPadding(): void {
    for (const id of this.report.order) {
      const r = this.node(id);
      const c = r.op === 'ZeroPadding2D' ? this.soleConsumer(id) : null;
      if (!c || c.inputs.length !== 1) continue;
      const ca = c.attrs as Record<string, any>;
      const foldable = c.op === 'Conv2D' || c.op === 'DepthwiseConv2D'
        || ((c.op === 'MaxPool2D' || c.op === 'AveragePool2D') && ca.padding === 'valid' && !ca.ceil_mode);
      if (!foldable) continue;
      this.foldedPads.set(c.id, (r.attrs as { padding: [[number, number], [number, number]] }).padding);
      this.fusedAway.add(id);
      this.computedBy.set(id, c.id);
    }
  }

  /** The tensor a node reads as its input 0, past a ZeroPadding2D folded into it, and that padding. */
  private paddedInput(r: NodeReport): { id: string; pad: [[number, number], [number, number]] } {
    const pad = this.foldedPads.get(r.id);
    return pad ? { id: this.node(r.inputs[0]).inputs[0], pad } : { id: r.inputs[0], pad: [[0, 0], [0, 0]] };
  }

  /** Channel concats hand their inputs a slice of their own buffer (outermost concat first). */
  private assignConcatTargets(): void {
    const claimed = new Set<string>();
    for (const id of [...this.report.order].reverse()) {
      const r = this.node(id);
      if (r.op !== 'Concatenate' || this.fusedAway.has(id)) continue;
      const rank = r.shape!.length;
      const axis = (r.attrs as { axis: number }).axis;
      if (axis !== -1 && axis !== rank) continue;
      const out = this.targets.get(id) ?? this.contiguous(id, r.shape!);
      this.targets.set(id, out);
      let offset = 0;
      for (const input of r.inputs) {
        const producer = this.node(input);
        const C = producer.shape![producer.shape!.length - 1];
        const once = r.inputs.filter((i) => i === input).length === 1;
        if (once && !claimed.has(input) && SLICE_WRITERS.has(producer.op) && !this.fusedAway.has(input) && pixelView(out)) {
          claimed.add(input);
          this.targets.set(input, { ...out, offset: out.offset + offset, shape: [...out.shape.slice(0, -1), C] });
        }
        offset += C;
      }
    }
    this.releaseSelfReadingTargets();
  }

  /**
   * A dispatch may not bind one buffer writable twice (WebGPU's writable-aliasing rule), so a producer
   * that reads a tensor living in the concat buffer it would write into gets its own buffer instead
   * (NASNet's reduction cell adds one concat member to another).
   */
  private releaseSelfReadingTargets(): void {
    const viewOf = (id: string): string => {
      const r = this.node(id);
      return ['Dropout', 'Flatten', 'Reshape'].includes(r.op) || (r.op === 'ZeroPadding2D' && this.fusedAway.has(id)) ? viewOf(r.inputs[0]) : id;
    };
    const reads = (r: NodeReport): string[] => {
      const g = this.groups.get(r.id);
      if (g) return [...g.conv.inputs, ...(g.residual ? [g.residual] : [])];
      const merge = r.inputs.length === 1 ? this.node(r.inputs[0]) : null;
      if (ACTIVATION_OPS.has(r.op) && activationOf(r) && merge && MERGE_CODES[merge.op] && this.soleConsumer(merge.id) === r) return merge.inputs;
      return r.inputs;
    };
    for (const [id, target] of this.targets) {
      const r = this.node(id);
      if (r.op !== 'Concatenate' && reads(r).some((i) => this.targets.get(viewOf(i))?.alloc === target.alloc)) this.targets.delete(id);
    }
  }

  // ── allocation helpers ────────────────────────────────────────────────────────────────────

  private contiguous(owner: string, shape: readonly number[]): View {
    const full = [this.batch, ...shape];
    this.allocations.push({ floats: sizeOf(full), owner });
    return { alloc: this.allocations.length - 1, offset: 0, shape: full, strides: stridesOf(full) };
  }

  /** Where node `r`'s output goes: its concat slice if it has one, else a fresh allocation. */
  private output(r: NodeReport): View {
    const v = this.targets.get(r.id) ?? this.contiguous(r.id, r.shape!);
    this.views.set(r.id, v);
    if (!this.computedBy.has(r.id)) this.computedBy.set(r.id, r.id);
    return v;
  }

  private input(id: string): View {
    const v = this.views.get(id);
    if (!v) throw new OpError(`internal: '${id}' has no tensor yet`);
    return v;
  }

  private constant(data: Float32Array): Binding {
    this.constants.push(data);
    return { kind: 'constant', index: this.constants.length - 1 };
  }

  private step(s: Omit<Step, 'fused'> & { fused?: string[] }): void {
    this.steps.push({ fused: [], ...s });
  }

  /** `v` as pixels × channels with a channel stride, copied into a contiguous buffer when it has no such form. */
  private pixels(id: string, v: View) {
    const view = pixelView(v) ? v : this.copyContiguous(id, v);
    return { ...pixelView(view)!, view, binding: { kind: 'view', view } as Binding };
  }

  private copyContiguous(id: string, v: View): View {
    const out = this.contiguous(id, v.shape.slice(1));
    this.elementwise(id, 0, [v], out, LINEAR, 1);
    return out;
  }

  // ── per-op lowering ───────────────────────────────────────────────────────────────────────

  private lowerNode(r: NodeReport): void {
    const group = this.groups.get(r.id);
    if (group) return this.lowerConvGroup(group);
    const a = r.attrs as Record<string, any>;
    switch (r.op) {
      case 'BatchNormalization': {
        const { scale, shift } = this.bnScaleShift(r);
        return this.affine(r, scale, shift, LINEAR);
      }
      case 'Normalization': {
        const C = r.shape![r.shape!.length - 1];
        const w = this.weights.get(r.id) ?? {};
        const mean = a.mean ?? w.mean?.data, variance = a.variance ?? w.variance?.data;
        const at = (arr: ArrayLike<number>, c: number) => (arr.length === 1 ? arr[0] : arr[c]);
        const scale = new Float32Array(C), shift = new Float32Array(C);
        for (let c = 0; c < C; c++) {
          const std = Math.max(Math.sqrt(at(variance, c)), 1e-7);
          [scale[c], shift[c]] = a.invert ? [std, at(mean, c)] : [1 / std, -at(mean, c) / std];
        }
        return this.affine(r, scale, shift, LINEAR);
      }
      case 'Rescaling': {
        const C = r.shape![r.shape!.length - 1];
        return this.affine(r, new Float32Array(C).fill(a.scale), new Float32Array(C).fill(a.offset), LINEAR);
      }
      case 'Activation':
      case 'ReLU':
      case 'LeakyReLU': {
        const code = activationOf(r);
        if (!code) return this.softmax(r, r.inputs[0]);
        const C = r.shape![r.shape!.length - 1];
        return this.affine(r, new Float32Array(C).fill(1), new Float32Array(C), code);
      }
      case 'MaxPool2D':
      case 'AveragePool2D':
        return this.pool(r);
      case 'GlobalAveragePool2D':
      case 'GlobalMaxPool2D': {
        const x = this.pixels(r.id, this.input(r.inputs[0]));
        const [N, H, W, C] = x.view.shape;
        const yv = this.output(r);
        const y = pixelView(yv)!;
        return this.step({
          node: r.id, kernel: 'globalPool2d', overrides: { IS_MAX: r.op === 'GlobalMaxPool2D' },
          bindings: [x.binding, { kind: 'view', view: yv, write: true }],
          params: { N, HW: H * W, C, xStride: x.stride, xOffset: x.offset, yStride: y.stride, yOffset: y.offset },
          workgroups: Math.ceil((N * C) / 64),
        });
      }
      case 'Add':
      case 'Subtract':
      case 'Multiply':
      case 'Average':
      case 'Maximum':
      case 'Minimum':
      case 'Divide':
        return this.merge(r);
      case 'Concatenate':
        return this.concatenate(r);
      case 'Dropout':
        return this.alias(r, this.input(r.inputs[0]));
      case 'Flatten':
      case 'Reshape': {
        let x = this.input(r.inputs[0]);
        if (!isContiguous(x)) x = this.copyContiguous(r.id, x);
        return this.alias(r, { ...x, shape: [this.batch, ...r.shape!], strides: stridesOf([this.batch, ...r.shape!]) });
      }
      case 'ZeroPadding2D': {
        const [[top], [left]] = a.padding as [[number, number], [number, number]];
        const y = this.output(r);
        const interior: View = { ...y, offset: y.offset + top * y.strides[1] + left * y.strides[2], shape: this.input(r.inputs[0]).shape };
        this.elementwise(r.id, 0, [this.input(r.inputs[0])], interior, LINEAR, 1, y);
        return;
      }
      case 'Cropping2D': {
        const [[top], [left]] = a.cropping as [[number, number], [number, number]];
        const x = this.input(r.inputs[0]);
        const window: View = { ...x, offset: x.offset + top * x.strides[1] + left * x.strides[2], shape: [this.batch, ...r.shape!] };
        this.elementwise(r.id, 0, [window], this.output(r), LINEAR, 1);
        return;
      }
      case 'Dot':
        return this.dot(r);
      case 'MaxPoolWithArgmax2D': {
        const x = this.pixels(r.id, this.input(r.inputs[0])), yv = this.output(r);
        const [N, H, W, C] = x.view.shape, { h, w, strides } = argmaxGeometry([H, W, C], a as MaxPoolWithArgmax2DAttrs);
        if (a.output === 'indices' && N * H * W * C > 2 ** 24) throw new OpError(`indices of a batch of ${N} × ${H}×${W}×${C} go beyond 2^24, which float32 cannot hold exactly`, 'run a smaller batch');
        return this.step({
          node: r.id, kernel: 'pool2dArgmax', overrides: { INDICES: a.output === 'indices', ORDER: ['nhwc', 'nchw', 'ncwh'].indexOf(a.index_order) },
          bindings: [x.binding, { kind: 'view', view: yv, write: true }],
          params: {
            N, H, W, C, xStride: x.stride, xOffset: x.offset, OH: h.out, OW: w.out, yOffset: yv.offset, KH: a.pool_size[0], KW: a.pool_size[1],
            SH: strides[0], SW: strides[1], DH: a.dilation_rate[0], DW: a.dilation_rate[1], padTop: h.padBefore, padLeft: w.padBefore,
          },
          workgroups: Math.ceil((N * h.out * w.out * C) / 64),
        });
      }
      case 'Pad2D': {
        const x = this.pixels(r.id, this.input(r.inputs[0])), yv = this.output(r);
        const [N, H, W, C] = x.view.shape, [OH, OW] = r.shape!;
        return this.step({
          node: r.id, kernel: 'pad2d', overrides: { MODE: ['constant', 'reflect', 'edge'].indexOf(a.mode) },
          bindings: [x.binding, { kind: 'view', view: yv, write: true }],
          params: { N, H, W, C, xStride: x.stride, xOffset: x.offset, OH, OW, top: a.padding[0][0], left: a.padding[1][0], yOffset: yv.offset, value: a.constant_value },
          workgroups: Math.ceil((N * OH * OW * C) / 64),
        });
      }
      case 'ChannelShuffle': {
        const x = this.pixels(r.id, this.input(r.inputs[0])), yv = this.output(r), y = pixelView(yv)!;
        return this.step({
          node: r.id, kernel: 'channelShuffle', overrides: {},
          bindings: [x.binding, { kind: 'view', view: yv, write: true }],
          params: { pixels: x.pixels, C: x.channels, G: a.groups, xStride: x.stride, xOffset: x.offset, yStride: y.stride, yOffset: y.offset },
          workgroups: Math.ceil((x.pixels * x.channels) / 64),
        });
      }
      case 'Softmax': {
        // The last axis: the channel softmax; another: softmax-axis over outer × C × inner (src/ops/softmax.ts).
        const x = this.input(r.inputs[0]), axis = softmaxAxis(r.shape!, a.axis);
        if (axis === x.shape.length - 1) return this.softmax(r, r.inputs[0]);
        const xc = isContiguous(x) ? x : this.copyContiguous(r.id, x), yv = this.output(r);
        const outer = sizeOf(x.shape.slice(0, axis)), inner = sizeOf(x.shape.slice(axis + 1));
        return this.step({
          node: r.id, kernel: 'softmaxAxis', overrides: {},
          bindings: [{ kind: 'view', view: xc }, { kind: 'view', view: yv, write: true }],
          params: { outer, C: x.shape[axis], inner, xOffset: xc.offset, yOffset: yv.offset },
          workgroups: Math.ceil((outer * inner) / 64),
        });
      }
      default:
        throw new OpError(`${r.op} has no WebGPU kernel yet`, 'run it with --backend cpu');
    }
  }

  private alias(r: NodeReport, v: View): void {
    this.views.set(r.id, v);
    this.computedBy.set(r.id, r.id);
  }

  private bnScaleShift(bn: NodeReport): { scale: Float32Array; shift: Float32Array } {
    const a = bn.attrs as { epsilon: number; center: boolean; scale: boolean };
    const w = this.weights.get(bn.id)!;
    const mean = w.moving_mean.data, variance = w.moving_variance.data;
    const C = mean.length;
    const scale = new Float32Array(C), shift = new Float32Array(C);
    for (let c = 0; c < C; c++) {
      const s = (a.scale ? w.gamma.data[c] : 1) / Math.sqrt(variance[c] + a.epsilon);
      scale[c] = s;
      shift[c] = (a.center ? w.beta.data[c] : 0) - mean[c] * s;
    }
    return { scale, shift };
  }

  private affine(r: NodeReport, scale: Float32Array, shift: Float32Array, act: ActivationCode): void {
    const x = this.pixels(r.id, this.input(r.inputs[0]));
    const yv = this.output(r);
    const y = pixelView(yv)!;
    const vec4 = [x.channels, x.stride, x.offset, y.stride, y.offset].every((n) => n % 4 === 0);
    const scaleBinding = this.constant(scale), shiftBinding = this.constant(shift), out: Binding = { kind: 'view', view: yv, write: true };
    this.step({
      node: r.id, kernel: 'affine', overrides: { ...activationOverrides('ACT', act), VEC4: vec4 },
      bindings: [x.binding, scaleBinding, shiftBinding, out, x.binding, scaleBinding, shiftBinding],
      params: { pixels: x.pixels, C: x.channels, xStride: x.stride, xOffset: x.offset, yStride: y.stride, yOffset: y.offset },
      workgroups: Math.ceil((x.pixels * x.channels) / (vec4 ? 256 : 64)),
    });
  }

  private softmax(r: NodeReport, inputId: string): void {
    this.softmaxInto(r.id, this.pixels(r.id, this.input(inputId)).view, this.output(r));
  }

  private softmaxInto(node: string, xv: View, yv: View): void {
    const x = pixelView(xv)!, y = pixelView(yv)!;
    this.step({
      node, kernel: 'softmax', overrides: {},
      bindings: [{ kind: 'view', view: xv }, { kind: 'view', view: yv, write: true }],
      params: { rows: x.pixels, C: x.channels, xStride: x.stride, xOffset: x.offset, yStride: y.stride, yOffset: y.offset },
      workgroups: Math.ceil(x.pixels / 64),
    });
  }

  private lowerConvGroup(g: ConvGroup): void {
    const conv = g.conv;
    const a = conv.attrs as Record<string, any>;
    const w = this.weights.get(conv.id)!;
    const { id: inputId, pad: [[padT, padB], [padL, padR]] } = this.paddedInput(conv);
    const xv = this.input(inputId);
    let [N, H, W, C] = xv.shape;
    if (conv.op === 'Dense') {
      // Dense is a 1×1 conv over every position of the leading axes.
      C = xv.shape[xv.shape.length - 1];
      H = xv.shape.slice(1, -1).reduce((p, d) => p * d, 1);
      W = 1;
    }
    let x = this.pixels(conv.id, xv);
    let xBinding = x.binding;

    if (conv.op === 'SeparableConv2D') {
      // The depthwise half into a scratch buffer, then the pointwise half as a 1×1 conv with the epilogue.
      const [wh, ww] = window2d('SeparableConv2D', [H, W, C], a.kernel_size, a.strides, a.dilation_rate, a.padding as Padding);
      const DM = a.depth_multiplier;
      const mid = this.contiguous(conv.id, [wh.out, ww.out, C * DM]);
      this.step({
        node: conv.id, kernel: 'depthwiseConv2d', overrides: {},
        bindings: [xBinding, this.constant(w.depthwise_kernel.data), { kind: 'none' }, { kind: 'none' }, { kind: 'view', view: mid, write: true }],
        params: this.convParams(N, H, W, C, x, wh.out, ww.out, C * DM, pixelView(mid)!, a.kernel_size, a.strides, a.dilation_rate, wh.padBefore, ww.padBefore, { DM }),
        workgroups: Math.ceil((N * wh.out * ww.out * C * DM) / 64),
      });
      [H, W, C] = [wh.out, ww.out, C * DM];
      x = this.pixels(conv.id, mid);
      xBinding = x.binding;
    }

    const pointwise = conv.op === 'Dense' || conv.op === 'SeparableConv2D';
    const kernelSize: [number, number] = pointwise ? [1, 1] : a.kernel_size;
    const strides: [number, number] = pointwise ? [1, 1] : a.strides;
    const dilation: [number, number] = pointwise ? [1, 1] : a.dilation_rate;
    const [wh, ww] = window2d(conv.op, [H + padT + padB, W + padL + padR, C], kernelSize, strides, dilation, pointwise ? 'valid' : (a.padding as Padding));
    wh.padBefore += padT;
    ww.padBefore += padL;
    const OC = conv.op === 'DepthwiseConv2D' ? C * a.depth_multiplier : conv.op === 'Dense' ? a.units : a.filters;
    const groups = conv.op === 'DepthwiseConv2D' ? C : (a.groups ?? 1);

    let kernel: Float32Array = new Float32Array(w[conv.op === 'DepthwiseConv2D' ? 'depthwise_kernel' : conv.op === 'SeparableConv2D' ? 'pointwise_kernel' : 'kernel'].data);
    let bias: Float32Array | null = a.use_bias ? new Float32Array(w.bias.data) : null;
    if (g.bn) {
      // Fold BN: scale each output channel's weights (the kernel's fastest axis is OC), shift the bias.
      const { scale, shift } = this.bnScaleShift(g.bn);
      for (let i = 0; i < kernel.length; i++) kernel[i] *= scale[i % OC];
      const b = new Float32Array(OC);
      for (let c = 0; c < OC; c++) b[c] = (bias ? bias[c] : 0) * scale[c] + shift[c];
      bias = b;
    }
    const own = activationCode(a.activation);
    const act = g.act ? activationOf(g.act)! : own ?? LINEAR;
    const overrides: Record<string, number | boolean> = {
      ...activationOverrides('ACT', act), ...(g.post ? activationOverrides('POST', activationOf(g.post)!) : {}),
      HAS_BIAS: bias !== null, HAS_RESIDUAL: g.residual !== undefined,
    };
    const yv = this.output(g.final);
    const y = pixelView(yv)!;
    const r = g.residual !== undefined ? this.pixels(conv.id, this.input(g.residual)) : { stride: 0, offset: 0, binding: { kind: 'none' } as Binding };
    // A softmax activation is not elementwise: the conv writes logits to scratch, softmax follows.
    const logits = own === null ? this.contiguous(conv.id, yv.shape.slice(1)) : yv;
    const out = own === null ? pixelView(logits)! : y;

    const choice = this.options.convKernel ?? 'gemm';
    // quad16 pads the filters to whole quads of 8-filter blocks (zero weights, nothing stored); one
    // kernel for every conv spares pipeline creations, and conv2d-direct is about half as fast anyway.
    const quadOC = Math.ceil(OC / 32) * 32;
    const quad16 = !!this.options.subgroups && this.options.quadPixels !== 8;
    const direct: KernelName = !this.options.subgroups ? 'conv2dDirect'
      : !quad16 ? (OC % 32 === 0 ? 'conv2dDirectQuad' : 'conv2dDirect')
      : 'conv2dDirectQuad16';
    const tilePixels = quad16 ? 16 : 8;
    // quad16 takes linear and the ReLU family as params (conv2d-direct-lib's finish): no override, one pipeline.
    const uniformAct = act.code === 0 ? { actSlope: 1, actThreshold: 0, actMax: 3.0e38 }
      : { actSlope: act.slope, actThreshold: act.threshold, actMax: act.max };
    // Few channels (an RGB stem): a window row of KW·C contiguous floats is read as one tap (conv2d-direct-lib's ROW).
    const row = quad16 && C % 4 !== 0 && C <= 16 && kernelSize[1] > 1 && dilation[1] === 1 && x.stride === C;
    const CG = C / groups, OCG = OC / groups;
    const kernelName: KernelName = choice === 'naive' ? 'conv2dNaive'
      : groups === 1 ? (choice === 'direct' ? direct : 'conv2dGemm')
      : groups === C && OC % C === 0 ? 'depthwiseConv2d'
      : CG % 4 === 0 && OCG % 4 === 0 ? 'conv2dGrouped' : 'conv2dNaive';
    const registerTiled = kernelName === direct || kernelName === 'conv2dGrouped';
    const extra: Record<string, number> =
      kernelName === 'depthwiseConv2d' ? { DM: OC / C }
      : kernelName === 'conv2dNaive' ? { groups }
      : kernelName === direct ? { C4: Math.ceil((row ? kernelSize[1] * C : C) / 4), ocBlocks: quad16 ? quadOC / 8 : Math.ceil(OC / 8), CG: C, OCG: OC, ...uniformAct }
      : kernelName === 'conv2dGrouped' ? { C4: CG / 4, ocBlocks: OC / 4, CG, OCG, ...uniformAct }
      : { OC4: Math.ceil(OC / 4) * 4 };
    // Winograd's input transform reads whole vec4s of channels.
    const winograd = quad16 && kernelName === direct && C % 4 === 0 && x.stride % 4 === 0 && x.offset % 4 === 0 && this.options.winograd !== false
      && kernelSize.every((k) => k === 3) && strides.every((k) => k === 1) && dilation.every((k) => k === 1)
      && (this.options.winograd === true || this.winograd.has(conv.id));
    // What the conv's epilogue takes in: its step (the last, where it has several) carries their ids.
    const fused = [g.bn, g.act, g.add, g.post].filter((m): m is NodeReport => !!m).map((m) => m.id);
    if (winograd) {
      this.winogradConv(conv.id, fused, x, xBinding, [N, H, W, C], [wh.out, ww.out, OC], [wh.padBefore, ww.padBefore], kernel, bias, overrides, logits, r);
      if (own === null) this.softmaxInto(conv.id, logits, yv);
      return;
    }
    if (kernelName === direct) kernel = row ? packDirect(kernel, kernelSize[0], 1, kernelSize[1] * C, OC, extra.ocBlocks) : packDirect(kernel, kernelSize[0], kernelSize[1], C, OC, extra.ocBlocks);
    if (quad16 && kernelName === direct) {
      overrides.ROW = row;
      if (act.code <= 1) for (const k of ['ACT', 'ACT_SLOPE', 'ACT_THRESHOLD', 'ACT_MAX']) delete overrides[k];
    }
    if (kernelName === 'conv2dGrouped') kernel = packGrouped(kernel, kernelSize[0], kernelSize[1], CG, OC);
    if (registerTiled) overrides.VEC_X = C % 4 === 0 && x.stride % 4 === 0 && x.offset % 4 === 0;
    const total = N * wh.out * ww.out * OC;
    if (kernelName === 'conv2dGemm') {
      this.gemmConv(conv.id, fused, xBinding, kernel, bias, overrides, logits, r,
        this.convParams(N, H, W, C, x, wh.out, ww.out, OC, out, kernelSize, strides, dilation, wh.padBefore, ww.padBefore, extra));
      if (own === null) this.softmaxInto(conv.id, logits, yv);
      return;
    }
    this.step({
      node: conv.id, fused,
      kernel: kernelName, overrides,
      bindings: [
        xBinding, this.constant(kernel), bias ? this.constant(bias) : { kind: 'none' },
        r.binding,
        { kind: 'view', view: logits, write: true },
        ...(registerTiled ? [xBinding] : []),
      ],
      params: {
        ...this.convParams(N, H, W, C, x, wh.out, ww.out, OC, out, kernelSize, strides, dilation, wh.padBefore, ww.padBefore, extra),
        rStride: r.stride, rOffset: r.offset,
      },
      workgroups: kernelName === direct ? Math.ceil((Math.ceil((N * wh.out * ww.out) / tilePixels) * extra.ocBlocks) / KERNELS[direct].workgroupSize)
        : registerTiled ? Math.ceil((Math.ceil((N * wh.out * ww.out) / 8) * extra.ocBlocks) / 64)
        : Math.ceil(total / 64),
    });
    if (own === null) this.softmaxInto(conv.id, logits, yv);
  }

  /**
   * A 3×3 stride-1 conv as Winograd F(2×2, 3×3) (winograd-input.wgsl explains), in chunks of tiles:
   * per chunk the input transform, 16 products (winograd-gemm.wgsl) and the output transform with the
   * conv's fused epilogue. The chunk's scratch (V and M) is at most half the conv's output or 4% of
   * the graph's weights, so Winograd never raises a graph's memory much past what the direct conv needs.
   */
  private winogradConv(
    node: string, fused: string[], x: { stride: number; offset: number }, xBinding: Binding, [N, H, W, C]: number[],
    [OH, OW, OC]: number[], [padTop, padLeft]: number[], kernel: Float32Array, bias: Float32Array | null,
    overrides: Record<string, number | boolean>, outView: View, r: { stride: number; offset: number; binding: Binding },
  ): void {
    const tilesY = Math.ceil(OH / 2), tilesX = Math.ceil(OW / 2);
    const T = N * tilesY * tilesX;
    const C4 = Math.ceil(C / 4), OC4 = Math.ceil(OC / 4);
    const ocBlocks = Math.ceil(OC / 32) * 4;
    const tileFloats = 16 * 4 * (C4 + OC4);
    const budget = this.options.winogradTiles ?? Math.floor(Math.max((N * OH * OW * OC) / 2, this.winogradScratch) / tileFloats);
    const Tc = Math.min(Math.ceil(T / 16), Math.max(1, Math.floor(budget / 16))) * 16;
    const v = this.scratch(node, 16 * Tc * C4 * 4);
    const m = this.scratch(node, 16 * Tc * OC4 * 4);
    const out = pixelView(outView)!;
    const weights = this.constant(packWinograd(kernel, C, OC, ocBlocks));
    const biasBinding: Binding = bias ? this.constant(bias) : { kind: 'none' };
    // Cost estimates on the direct conv's scale (multiply-adds / 64) for times without timestamps: a
    // transform moves 16 vec4s per tile and channel group, about a fifth of a 64-channel product's time.
    const transformWork = (groups: number) => (16 * Tc * groups * 4) / 4;
    for (let t0 = 0; t0 < T; t0 += Tc) {
      const tiles = Math.min(Tc, T - t0);
      this.step({
        node, kernel: 'winogradInput', overrides: {},
        bindings: [xBinding, { kind: 'view', view: v, write: true }],
        params: { N, H, W, xStride: x.stride, xOffset: x.offset, tilesY, tilesX, T, t0, Tc, C4, padTop, padLeft },
        workgroups: Math.ceil((Tc * C4) / 64), work: transformWork(C4),
      });
      this.step({
        node, kernel: 'winogradGemm', overrides: {},
        bindings: [{ kind: 'view', view: v }, weights, { kind: 'view', view: m, write: true }],
        params: { T: Tc, C4, OC4, ocBlocks, wImage: ocBlocks * C4 * 8 },
        workgroups: Math.ceil((Tc * ocBlocks) / KERNELS.winogradGemm.workgroupSize), work: (16 * Tc * C4 * 4 * ocBlocks * 8) / 64,
      });
      this.step({
        node, fused, kernel: 'winogradOutput', overrides,
        bindings: [{ kind: 'view', view: m }, biasBinding, r.binding, { kind: 'view', view: outView, write: true }],
        params: { N, OH, OW, OC, tilesY, tilesX, t0, tiles, Tc, OC4, yStride: out.stride, yOffset: out.offset, rStride: r.stride, rOffset: r.offset },
        workgroups: Math.ceil((tiles * OC4) / 64), work: transformWork(OC4),
      });
    }
  }

  /**
   * A conv as conv2d-gemm's implicit GEMM. Where it has too few 32×32 output tiles to fill a big GPU
   * (7×7×512 has 32), K is split among workgroups that write partial sums to scratch, and
   * conv2d-split-k-reduce adds them and applies the fused epilogue.
   */
  private gemmConv(
    node: string, fused: string[], xBinding: Binding, kernel: Float32Array, bias: Float32Array | null,
    overrides: Record<string, number | boolean>, outView: View, r: { stride: number; offset: number; binding: Binding },
    params: Record<string, number>,
  ): void {
    const { N, OH, OW, OC, KH, KW, C } = params;
    const M = N * OH * OW, K = KH * KW * C;
    const tiles = Math.ceil(M / 32) * Math.ceil(OC / 32);
    const wanted = this.options.splitK === false ? 1
      : this.options.splitK ?? Math.min(Math.floor((this.options.gemmWorkgroups ?? GEMM_BUSY_WORKGROUPS) / tiles), Math.floor(K / GEMM_MIN_SPLIT_K));
    const kChunk = Math.ceil(K / Math.max(1, wanted) / 16) * 16;
    const splits = Math.ceil(K / kChunk);
    const weights = this.constant(packGemm(kernel, K, OC));
    const biasBinding: Binding = bias ? this.constant(bias) : { kind: 'none' };
    const gemm = { ...params, rStride: r.stride, rOffset: r.offset, kChunk, splits };
    if (splits === 1) {
      this.step({
        node, fused, kernel: 'conv2dGemm', overrides,
        bindings: [xBinding, weights, biasBinding, r.binding, { kind: 'view', view: outView, write: true }],
        params: gemm, workgroups: tiles, work: tiles * 1024 * K,
      });
      return;
    }
    const partial = this.scratch(node, splits * M * OC);
    this.step({
      node, kernel: 'conv2dGemm', overrides: { SPLIT_K: true },
      bindings: [xBinding, weights, { kind: 'none' }, { kind: 'none' }, { kind: 'view', view: partial, write: true }],
      params: gemm, workgroups: tiles * splits, work: tiles * 1024 * K,
    });
    const out = pixelView(outView)!;
    this.step({
      node, fused, kernel: 'conv2dSplitKReduce', overrides,
      bindings: [{ kind: 'view', view: partial }, biasBinding, r.binding, { kind: 'view', view: outView, write: true }],
      params: { M, OC, splits, yStride: out.stride, yOffset: out.offset, rStride: r.stride, rOffset: r.offset },
      workgroups: Math.ceil((M * OC) / 64), work: M * OC * splits,
    });
  }

  /** A scratch buffer of `floats` for one node's own intermediate results. */
  private scratch(owner: string, floats: number): View {
    this.allocations.push({ floats, owner });
    return { alloc: this.allocations.length - 1, offset: 0, shape: [floats], strides: [1] };
  }

  private convParams(
    N: number, H: number, W: number, C: number, x: { stride: number; offset: number }, OH: number, OW: number, OC: number,
    y: { stride: number; offset: number }, k: [number, number], s: [number, number], d: [number, number], padTop: number, padLeft: number,
    extra: Record<string, number>,
  ): Record<string, number> {
    return {
      N, H, W, C, xStride: x.stride, xOffset: x.offset, OH, OW, OC, yStride: y.stride, yOffset: y.offset, rStride: 0, rOffset: 0,
      KH: k[0], KW: k[1], SH: s[0], SW: s[1], DH: d[0], DW: d[1], padTop, padLeft, ...extra,
    };
  }

  private pool(r: NodeReport): void {
    const a = r.attrs as { pool_size: [number, number]; strides: [number, number] | null; padding: Padding; ceil_mode: boolean; count_include_pad?: boolean };
    const { id: inputId, pad: [[padT, padB], [padL, padR]] } = this.paddedInput(r);
    const folded = this.foldedPads.has(r.id);
    const x = this.pixels(r.id, this.input(inputId));
    const [N, H, W, C] = x.view.shape;
    const strides = a.strides ?? a.pool_size;
    const [wh, ww] = window2d(r.op, [H + padT + padB, W + padL + padR, C], a.pool_size, strides, [1, 1], a.padding, a.ceil_mode);
    [wh.padBefore, wh.padAfter, ww.padBefore, ww.padAfter] = [wh.padBefore + padT, wh.padAfter + padB, ww.padBefore + padL, ww.padAfter + padR];
    const yv = this.output(r);
    const y = pixelView(yv)!;
    const vec4 = [C, x.stride, x.offset, y.stride, y.offset].every((n) => n % 4 === 0);
    this.step({
      node: r.id, kernel: 'pool2d',
      overrides: { IS_MAX: r.op === 'MaxPool2D', COUNT_INCLUDE_PAD: !!a.count_include_pad || folded, VEC4: vec4, ZERO_PAD: folded && r.op === 'MaxPool2D' },
      bindings: [x.binding, { kind: 'view', view: yv, write: true }],
      params: {
        N, H, W, C, xStride: x.stride, xOffset: x.offset, OH: wh.out, OW: ww.out, yStride: y.stride, yOffset: y.offset,
        KH: a.pool_size[0], KW: a.pool_size[1], SH: strides[0], SW: strides[1], padTop: wh.padBefore, padLeft: ww.padBefore,
        paddedH: H + wh.padBefore + wh.padAfter, paddedW: W + ww.padBefore + ww.padAfter,
      },
      workgroups: Math.ceil((N * wh.out * ww.out * C) / (vec4 ? 256 : 64)),
    });
  }

  private merge(r: NodeReport): void {
    const sole = this.soleConsumer(r.id);
    const post = sole && ACTIVATION_OPS.has(sole.op) && activationOf(sole) && !this.groups.has(sole.id) ? sole : null;
    let y: View;
    if (post) {
      // The activation after a merge runs in the merge's last dispatch; the merge itself is not kept.
      this.fusedAway.add(post.id);
      y = this.output(post);
      this.computedBy.set(post.id, r.id);
      this.computedBy.set(r.id, r.id);
    } else y = this.output(r);
    const code = MERGE_CODES[r.op];
    const ins = r.inputs.map((i) => this.input(i));
    const scale = r.op === 'Average' ? 1 / ins.length : 1;
    const last = ins.length - 1;
    for (let k = 1; k <= last; k++) {
      const operands = k === 1 ? [ins[0], ins[1]] : [ins[0], ins[k]];
      const isLast = k === last;
      this.elementwise(r.id, code, operands, y, isLast && post ? activationOf(post)! : LINEAR, isLast ? scale : 1, undefined, k > 1, post && isLast ? [post.id] : []);
    }
  }

  private concatenate(r: NodeReport): void {
    const y = this.output(r);
    const rank = y.shape.length;
    const axis = ((r.attrs as { axis: number }).axis + rank) % rank;
    let offset = 0;
    for (const input of r.inputs) {
      const x = this.input(input);
      const slice: View = { ...y, offset: y.offset + offset * y.strides[axis], shape: x.shape };
      const inPlace = x.alloc === slice.alloc && x.offset === slice.offset && x.strides.every((s, i) => s === slice.strides[i]);
      if (!inPlace) this.elementwise(r.id, 0, [x], slice, LINEAR, 1);
      offset += x.shape[axis];
    }
  }

  private dot(r: NodeReport): void {
    const a = r.attrs as { axes: number | [number, number]; normalize: boolean };
    const [xv0, yv0] = r.inputs.map((i) => this.input(i));
    // dot.wgsl addresses its inputs from offset 0: a concat slice (contiguous when the batch is 1) is copied out.
    const own = (v: View) => (isContiguous(v) && v.offset === 0 ? v : this.copyContiguous(r.id, v));
    const xv = own(xv0), yv = own(yv0);
    if (xv.shape.length > 3 || yv.shape.length > 3)
      throw new OpError('Dot on WebGPU takes inputs of rank 1 or 2 (besides the batch)', 'Flatten the inputs first, or run with --backend cpu');
    const norm = (ax: number, rank: number) => (ax < 0 ? ax + rank : ax);
    const [ax, ay] = (Array.isArray(a.axes) ? a.axes : [a.axes, a.axes]).map((ax, i) => norm(ax, (i === 0 ? xv : yv).shape.length));
    // X as [N, P, K]: P is x's other axis (size 1 for vectors); Y as [N, K, Q] likewise.
    const other = (v: View, ax: number) => (v.shape.length === 3 ? 3 - ax : -1);
    const ox = other(xv, ax), oy = other(yv, ay);
    const out = this.output(r);
    this.step({
      node: r.id, kernel: 'dot', overrides: { NORMALIZE: a.normalize },
      bindings: [{ kind: 'view', view: xv }, { kind: 'view', view: yv }, { kind: 'view', view: out, write: true }],
      params: {
        N: this.batch, P: ox < 0 ? 1 : xv.shape[ox], Q: oy < 0 ? 1 : yv.shape[oy], K: xv.shape[ax],
        xSN: xv.strides[0], xSP: ox < 0 ? 0 : xv.strides[ox], xSK: xv.strides[ax],
        ySN: yv.strides[0], ySK: yv.strides[ay], ySQ: oy < 0 ? 0 : yv.strides[oy],
      },
      workgroups: Math.ceil(sizeOf(out.shape) / 64),
    });
    if (xv.offset || yv.offset) throw new OpError('internal: Dot inputs must start at offset 0');
  }

  /**
   * y = POST(OP(a, b))·scale over a strided view of up to 4 dims, broadcasting size-1 dims of the
   * operands (aligned right, as Keras' merges). `clear` zeroes y's whole buffer range first (padding).
   */
  private elementwise(node: string, op: number, operands: View[], y: View, post: ActivationCode, scale: number, clear?: View, accumulate = false, fused: string[] = []): void {
    const rank = y.shape.length;
    if (rank > 4) throw new OpError(`${formatShape(y.shape.slice(1))} has more than 3 axes besides the batch; the WebGPU merge kernels take up to 3`);
    const pad = (arr: number[], fill: number) => [...new Array(4 - arr.length).fill(fill), ...arr];
    const dims = pad(y.shape, 1);
    const strides = (v: View) => {
      // Align the operand's non-batch axes to the right of y's, then broadcast its size-1 axes.
      const shape = [v.shape[0], ...new Array(rank - v.shape.length).fill(1), ...v.shape.slice(1)];
      const st = [v.strides[0], ...new Array(rank - v.shape.length).fill(0), ...v.strides.slice(1)];
      return pad(shape.map((d, i) => (d === 1 && y.shape[i] !== 1 ? 0 : st[i])), 0);
    };
    const [sa, sb] = [strides(operands[0]), strides(operands[1] ?? operands[0])];
    const sy = pad(y.strides, 0);
    const total = sizeOf(y.shape);
    this.step({
      node, fused, kernel: 'elementwise', overrides: { OP: op, ACCUMULATE: accumulate, ...activationOverrides('POST', post) },
      bindings: [{ kind: 'view', view: operands[0] }, { kind: 'view', view: operands[1] ?? operands[0] }, { kind: 'view', view: y, write: true }],
      params: {
        D0: dims[0], D1: dims[1], D2: dims[2], D3: dims[3],
        aS0: sa[0], aS1: sa[1], aS2: sa[2], aS3: sa[3], aOffset: operands[0].offset,
        bS0: sb[0], bS1: sb[1], bS2: sb[2], bS3: sb[3], bOffset: (operands[1] ?? operands[0]).offset,
        yS0: sy[0], yS1: sy[1], yS2: sy[2], yS3: sy[3], yOffset: y.offset, scale,
      },
      workgroups: Math.ceil(total / 64),
      clear,
    });
  }
}

export { KERNELS };
