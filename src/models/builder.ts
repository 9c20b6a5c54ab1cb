// A small graph builder for the model zoo: each layer call adds one node named as Keras names it
// (explicitly, or conv2d, conv2d_1, … by Keras' per-class counters) and infers its shape at once,
// because some Keras builders size layers from their input (correct_pad, in_channels, x.shape).
import { kerasBaseName } from '../graph/analyze.ts';
import type { Attrs, GraphFile, GraphGroup, GraphNode, Shape } from '../graph/types.ts';
import { resolveAttrs } from '../ops/attrs.ts';
import { findOp } from '../ops/index.ts';
import { OpError } from '../ops/op.ts';

/** A layer's Keras keyword arguments, plus its name (absent: Keras' default name). */
export type LayerArgs = Attrs & { name?: string };

/** Options every zoo model takes, named as Keras' application functions name them. */
export interface ZooOptions {
  /** The classifier on top (pooling and Dense); default true. */
  include_top?: boolean;
  /** Classes of that classifier; default 1000. */
  classes?: number;
  /** H×W×C without the batch; default the model's native size. */
  input_shape?: number[];
  /** Without the top: 'avg' or 'max' adds a global pooling; default none (the 4-D features). */
  pooling?: 'avg' | 'max' | null;
  /** Activation of the classifier; default 'softmax'. */
  classifier_activation?: string;
}

export class ModelBuilder {
  readonly nodes: GraphNode[] = [];
  private readonly shapes = new Map<string, Shape>();
  private readonly counters = new Map<string, number>();
  /** Keras blocks (conv2_block1, mixed5, a NASNet cell): the editor collapses each to one node. */
  readonly groups: GraphGroup[] = [];
  private openGroup: string | null = null;

  constructor(readonly modelName: string) {}

  /**
   * The layers `build` adds form one block named `name`. A block built inside another belongs to the
   * outer one (a node is in one group at most).
   */
  group<T>(name: string, build: () => T): T {
    if (this.openGroup !== null) return build();
    const start = this.nodes.length;
    this.openGroup = name;
    try {
      return build();
    } finally {
      this.openGroup = null;
      this.groupSince(name, start);
    }
  }

  /** The layers added since `start` (a `nodes.length` taken before them) form one block. */
  groupSince(name: string, start: number): void {
    const nodes = this.nodes.slice(start).map((n) => n.id);
    if (nodes.length > 1) this.groups.push({ id: name, name, nodes });
  }

  /** Adds one layer; returns its id, which is also its name. */
  layer(op: string, inputs: string | string[], args: LayerArgs = {}): string {
    const { name: given, ...attrs } = args;
    const def = findOp(op);
    if (!def) throw new Error(`model builder: unknown op '${op}'`);
    const ins = typeof inputs === 'string' ? [inputs] : inputs;
    const name = given ?? this.defaultName(op === 'Input' ? 'input' : kerasBaseName(def.type));
    if (this.shapes.has(name)) throw new Error(`model builder: two layers are named '${name}'`);
    const { attrs: resolved, problems } = resolveAttrs(def, attrs);
    if (problems.length) throw new Error(`model builder: ${name}: ${problems.map((p) => p.message).join('; ')}`);
    try {
      this.shapes.set(name, def.inferShape(ins.map((i) => this.shape(i)), resolved));
    } catch (e) {
      if (e instanceof OpError) throw new OpError(`${this.modelName}: layer ${name}: ${e.message}`, e.hint);
      throw e;
    }
    const node: GraphNode = { id: name, op: def.type, name };
    if (Object.keys(attrs).length) node.attrs = attrs;
    if (ins.length) node.inputs = ins;
    this.nodes.push(node);
    return name;
  }

  /** Keras' default name: the class's snake_case name, then _1, _2, … (skipping names in use). */
  private defaultName(base: string): string {
    let k = this.counters.get(base) ?? (base === 'input' ? 1 : 0);
    let name: string;
    do name = k === 0 ? base : `${base}_${k}`, k++;
    while (this.shapes.has(name));
    this.counters.set(base, k);
    return name;
  }

  shape(id: string): Shape {
    const s = this.shapes.get(id);
    if (!s) throw new Error(`model builder: no layer '${id}'`);
    return s;
  }

  channels(id: string): number {
    const s = this.shape(id);
    return s[s.length - 1];
  }

  graph(outputs: string[]): GraphFile {
    const graph: GraphFile = { format: 'deepwire-graph', version: 1, name: this.modelName, seed: 0, nodes: this.nodes, outputs };
    if (this.groups.length) graph.groups = this.groups;
    return graph;
  }

  // ── one method per Keras layer, arguments in Keras' order ─────────────────────────────────────

  input(shape: number[], name?: string): string {
    return this.layer('Input', [], { shape, name });
  }
  conv(x: string, filters: number, kernel_size: number | [number, number], args: LayerArgs = {}): string {
    return this.layer('Conv2D', x, { filters, kernel_size, ...args });
  }
  depthwise(x: string, kernel_size: number | [number, number], args: LayerArgs = {}): string {
    return this.layer('DepthwiseConv2D', x, { kernel_size, ...args });
  }
  separable(x: string, filters: number, kernel_size: number | [number, number], args: LayerArgs = {}): string {
    return this.layer('SeparableConv2D', x, { filters, kernel_size, ...args });
  }
  dense(x: string, units: number, args: LayerArgs = {}): string {
    return this.layer('Dense', x, { units, ...args });
  }
  bn(x: string, args: LayerArgs = {}): string {
    return this.layer('BatchNormalization', x, args);
  }
  act(x: string, activation: string, name?: string): string {
    return this.layer('Activation', x, { activation, name });
  }
  relu6(x: string, name?: string): string {
    return this.layer('ReLU', x, { max_value: 6, name });
  }
  maxPool(x: string, pool_size: number | [number, number], args: LayerArgs = {}): string {
    return this.layer('MaxPool2D', x, { pool_size, ...args });
  }
  avgPool(x: string, pool_size: number | [number, number], args: LayerArgs = {}): string {
    return this.layer('AveragePool2D', x, { pool_size, ...args });
  }
  globalAvgPool(x: string, args: LayerArgs = {}): string {
    return this.layer('GlobalAveragePool2D', x, args);
  }
  globalMaxPool(x: string, args: LayerArgs = {}): string {
    return this.layer('GlobalMaxPool2D', x, args);
  }
  pad(x: string, padding: number | [[number, number], [number, number]], name?: string): string {
    return this.layer('ZeroPadding2D', x, { padding, name });
  }
  add(xs: string[], name?: string): string {
    return this.layer('Add', xs, { name });
  }
  multiply(xs: string[], name?: string): string {
    return this.layer('Multiply', xs, { name });
  }
  concat(xs: string[], name?: string): string {
    return this.layer('Concatenate', xs, { axis: -1, name });
  }

  /**
   * Keras' imagenet_utils.correct_pad: the ZeroPadding2D before a stride-2 'valid' conv that
   * reproduces TF's 'same' for odd inputs and pads one less at the top-left for even ones.
   */
  correctPad(x: string, kernel: number): [[number, number], [number, number]] {
    const [H, W] = this.shape(x);
    const c = Math.floor(kernel / 2);
    return [[c - (1 - (H % 2)), c], [c - (1 - (W % 2)), c]];
  }
}

/**
 * The head Keras puts on every application: with include_top a global average pooling and the Dense
 * classifier named `predictions`; without it, the optional global pooling of `pooling`.
 */
export function classifierHead(b: ModelBuilder, x: string, o: ZooOptions, poolNames: { top?: string; avg?: string; max?: string } = {}): string {
  if (o.include_top ?? true) {
    x = b.globalAvgPool(x, { name: poolNames.top });
    return b.dense(x, o.classes ?? 1000, { activation: o.classifier_activation ?? 'softmax', name: 'predictions' });
  }
  if (o.pooling === 'avg') return b.globalAvgPool(x, { name: poolNames.avg });
  if (o.pooling === 'max') return b.globalMaxPool(x, { name: poolNames.max });
  return x;
}

/** The input shape a model is built for: the option, else the native size. */
export function inputShapeOf(o: ZooOptions, nativeSize: number): number[] {
  return o.input_shape ?? [nativeSize, nativeSize, 3];
}
