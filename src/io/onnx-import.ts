// ONNX import: a ModelProto → a deepwire graph (Keras ops, NHWC) and its weight store. Images are
// converted from N×C×H×W once, here: weights to Keras' layouts, axes remapped (src/io/onnx-layout.ts).
// All or nothing: an op deepwire cannot express is refused with the op and the node named.
import type { GraphFile, GraphNode, Shape } from '../graph/types.ts';
import { resolveAttrs } from '../ops/attrs.ts';
import { findOp } from '../ops/index.ts';
import { OpError } from '../ops/op.ts';
import type { WeightStore } from '../runtime/reference.ts';
import { formatShape, sizeOf } from '../tensor.ts';
import { FOLDERS } from './onnx-fold.ts';
import { fuseDecompositions } from './onnx-fusions.ts';
import { CONVERTERS, EXTRA_CONVERTERS, IMAGE_SLICES, SPATIAL_OPS } from './onnx-import-ops.ts';
import { BATCHED, INT_TYPES, NCHW, NCW, onnxShapeOf, UNBATCHED, type Layout } from './onnx-layout.ts';
import {
  decodeModel, dtypeName, int, OnnxError, readTensor,
  type OnnxAttribute, type OnnxGraph, type OnnxModel, type OnnxNode, type OnnxValueInfo, type TensorValue,
} from './onnx-proto.ts';

/** A tensor computed by a deepwire node, and how it maps to ONNX's view of it. */
export interface Data {
  kind: 'data';
  node: string;
  layout: Layout;
  /** Our shape without the batch. */
  shape: Shape;
}

export interface Const {
  kind: 'const';
  tensor: TensorValue;
}

/**
 * An image x (N×C×H×W) viewed as N×a×b×H×W, C = a·b: the Reshape that opens a channel shuffle as
 * PyTorch writes it. deepwire holds no such 5-D tensor; a Transpose swapping a and b (a ChannelShuffle)
 * or a Reshape may read it, anything else is refused.
 */
export interface Split {
  kind: 'split';
  x: Data;
  groups: [number, number];
}

/** A model input or output: the node that feeds or computes it, and its layout. */
export interface OnnxPort {
  name: string;
  node: string;
  layout: Layout;
  /** ONNX's shape; −1 for a symbolic batch. */
  dims: number[];
  /**
   * ONNX's element type ('float32', 'int64', 'bool', …). deepwire computes in float32: other inputs must
   * hold values float32 represents exactly, and outputs are cast back (src/io/onnx-layout.ts).
   */
  dtype: string;
}

export interface OnnxImport {
  graph: GraphFile;
  weights: WeightStore;
  inputs: OnnxPort[];
  outputs: OnnxPort[];
  /** Every computed ONNX value by name (intermediate ones too: feature extraction). */
  values: Map<string, OnnxPort>;
  opset: number;
  producer: string;
}

export interface ImportOptions {
  /** Graph name; default: the ONNX graph's name. */
  name?: string;
  /**
   * Values for graph inputs (ONNX's test data): used as constants where an op needs one (Conv's W,
   * Reshape's shape, Pad's pads), fed as data everywhere else.
   */
  bind?: Record<string, TensorValue>;
}

/** The opsets whose operator definitions deepwire implements; older files load where their ops kept their meaning. */
export const OPSETS = { min: 7, max: 22 };

/** Reads an .onnx file's bytes into a deepwire graph; throws an OnnxError saying what is wrong. */
export function importOnnx(bytes: Uint8Array, options: ImportOptions = {}): OnnxImport {
  return importModel(decodeModel(bytes), options);
}

export function importModel(model: OnnxModel, options: ImportOptions = {}): OnnxImport {
  return new Importer(model, options).run();
}

type Pending = { kind: 'input'; info: OnnxValueInfo };
/** How a model input met first by a node would be laid out: batched, or an image (rank 3: 1-D, N×C×W). */
type Prefer = 'batched' | 'image';

/** What a converter sees of the node it converts. */
export class NodeContext {
  constructor(readonly importer: Importer, readonly node: OnnxNode, readonly opset: number) {}

  get name(): string {
    return this.importer.nodeName(this.node);
  }

  // ── attributes ──

  private attr(name: string): OnnxAttribute | undefined {
    return this.node.attribute.find((a) => a.name === name);
  }

  has(name: string): boolean {
    return this.attr(name) !== undefined;
  }

  int(name: string, fallback: number): number {
    const a = this.attr(name);
    return a ? int(a.i) : fallback;
  }

  ints(name: string, fallback: number[] | null = null): number[] | null {
    const a = this.attr(name);
    return a ? (a.ints ?? []).map((v) => int(v)) : fallback;
  }

  float(name: string, fallback: number): number {
    const a = this.attr(name);
    return a ? a.f ?? 0 : fallback;
  }

  floats(name: string): number[] | null {
    const a = this.attr(name);
    return a ? [...(a.floats ?? [])] : null;
  }

  string(name: string, fallback: string): string {
    const a = this.attr(name);
    return a ? new TextDecoder().decode(a.s ?? new Uint8Array()) : fallback;
  }

  tensor(name: string): TensorValue | null {
    const a = this.attr(name);
    return a?.t ? readTensor(a.t, `${this.where} attribute ${name}`) : null;
  }

  /** Refuses attributes the converter does not know: they might change the meaning. */
  known(...names: string[]): void {
    for (const a of this.node.attribute)
      if (!names.includes(a.name)) this.refuse(`attribute '${a.name}' is not one deepwire understands for ${this.node.op_type}`, 'export the model without it, or with opset 7 to 22');
  }

  // ── inputs and outputs ──

  get inputCount(): number {
    return this.node.input.length;
  }

  hasInput(i: number): boolean {
    return (this.node.input[i] ?? '') !== '';
  }

  /** A constant: an initializer, a Constant node's output, or a bound graph input. */
  isConst(i: number): boolean {
    return this.hasInput(i) && this.importer.isConst(this.node.input[i]);
  }

  /** An initializer or a Constant's output (not a bound input). */
  isTrueConst(i: number): boolean {
    return this.hasInput(i) && this.importer.trueConstOf(this.node.input[i]) !== null;
  }

  /** ONNX's shape of input i, known without computing it; −1 for symbolic sizes. */
  staticDims(i: number): number[] {
    return this.importer.staticDims(this.node.input[i] ?? '');
  }

  constant(i: number, what: string): TensorValue {
    if (!this.hasInput(i)) this.refuse(`needs its ${what} input`);
    const t = this.importer.constOf(this.node.input[i]);
    if (!t) this.refuse(`its ${what} ('${this.node.input[i]}') is computed at run time; deepwire needs it constant`, 'fold it into an initializer (e.g. onnx-simplifier, or export with do_constant_folding=True)');
    return t;
  }

  /** A tensor computed by the graph (materialising a model input), or a constant when it is one. */
  operand(i: number, like?: Data): Data | Const {
    const t = this.importer.trueConstOf(this.node.input[i]);
    return t ? { kind: 'const', tensor: t } : this.data(i, like);
  }

  /**
   * The input as a computed tensor. A model input met here first becomes an Input node laid out like
   * `like`, or batched when `prefer` says so and its first axis can be the batch.
   */
  data(i: number, like?: Data, prefer?: Prefer): Data {
    if (!this.hasInput(i)) this.refuse(`input ${i + 1} is missing`);
    return this.importer.dataOf(this.node.input[i], this.where, like, prefer);
  }

  /** ONNX's rank of input i, from its value or its declaration; −1 when unknown. */
  onnxRankOf(i: number): number {
    return this.importer.rankOf(this.node.input[i] ?? '');
  }

  /** Input i when it is an image viewed with its channels split in two (a Reshape's Split); else null. */
  split(i: number): Split | null {
    return this.importer.splitOf(this.node.input[i] ?? '');
  }

  /** Whether output i is read by a node or is a model output. */
  outputUsed(i: number): boolean {
    const name = this.node.output[i] ?? '';
    return name !== '' && this.importer.isUsed(name);
  }

  output(i: number, value: Data | Const | Split, dtype?: string): void {
    this.importer.setValue(this.node.output[i], value);
    if (dtype) this.outputTypes[i] = dtype;
  }

  /** Element types the converter gave its outputs (Dropout's mask is bool); the rest keep their input's. */
  readonly outputTypes: Record<number, string> = {};

  /** ONNX's element type of input i. */
  inputType(i: number): string {
    return this.importer.typeOf(this.node.input[i] ?? '');
  }

  // ── building ──

  get where(): string {
    return `${this.node.op_type} node '${this.name}'`;
  }

  refuse(message: string, hint?: string): never {
    throw new OnnxError(`${this.where}: ${message}`, hint);
  }

  /** Adds a deepwire node; `suffix` names helper nodes of one ONNX node apart. */
  add(op: string, attrs: Record<string, unknown>, inputs: Data[], layout: Layout, weights: Record<string, Float32Array> = {}, suffix = ''): Data {
    return this.importer.addNode(this, op, attrs, inputs, layout, weights, suffix);
  }

  /** ONNX's shape of a computed tensor. */
  onnxShape(d: Data): number[] {
    return onnxShapeOf(d.shape, d.layout, this.importer.batch);
  }
}

export class Importer {
  readonly nodes: GraphNode[] = [];
  readonly store: WeightStore = new Map();
  /** The ONNX batch of the batched and N×C×H×W tensors; −1 when symbolic. */
  batch = -1;
  private batchKnown = false;
  private readonly values = new Map<string, Data | Const | Pending | Split>();
  private readonly shapes = new Map<string, Shape>();
  private readonly bound = new Map<string, TensorValue>();
  private readonly used = new Set<string>();
  /** Values read by a node (not only as a model output). */
  private readonly readByNode = new Set<string>();
  /** ONNX's element type of every value, as far as it is known (ops keep their input's type). */
  private readonly types = new Map<string, string>();
  private readonly ids = new Set<string>();
  private readonly inputs: OnnxPort[] = [];
  private readonly spatial: boolean;
  private readonly opset: number;
  /** The model's graph with the GELUs and LayerNorms torch.onnx writes out as several nodes made one (src/io/onnx-fusions.ts). */
  private readonly graph: OnnxGraph;

  constructor(private readonly model: OnnxModel, private readonly options: ImportOptions) {
    const graph = this.graph = fuseDecompositions(model.graph!);
    const domain = model.opset_import.find((o) => !o.domain || o.domain === 'ai.onnx');
    // Files before IR version 3 carry no opset_import; they mean opset 1.
    this.opset = domain ? int(domain.version) : 1;
    if (this.opset > OPSETS.max)
      throw new OnnxError(`the model uses opset ${this.opset}; deepwire reads opsets ${OPSETS.min} to ${OPSETS.max}`,
        `export it again with opset_version=${OPSETS.max} (torch.onnx.export), or convert it with onnx.version_converter`);
    // A Slice or Split makes 4-D model inputs images only where it reads one (shape arithmetic slices too).
    const modelInputs = new Map(graph.input.map((v) => [v.name, v.type?.tensor_type?.shape?.dim?.length ?? 0]));
    this.spatial = graph.node.some((n) => SPATIAL_OPS.has(n.op_type) || (IMAGE_SLICES.has(n.op_type) && modelInputs.get(n.input[0]) === 4));
    for (const n of graph.node) for (const i of n.input) this.used.add(i), this.readByNode.add(i);
    for (const o of graph.output) this.used.add(o.name);
    for (const [name, t] of Object.entries(options.bind ?? {})) this.bound.set(name, t);
  }

  run(): OnnxImport {
    const graph = this.graph;
    for (const t of graph.initializer) {
      if (!t.name) throw new OnnxError('an initializer has no name', 'the file is corrupt: export it again');
      const tensor = readTensor(t, `initializer '${t.name}'`);
      this.values.set(t.name, { kind: 'const', tensor });
      this.types.set(t.name, tensor.dtype);
    }
    if ((graph.sparse_initializer?.length ?? 0) > 0)
      throw new OnnxError('the model has sparse initializers, which deepwire does not read', 'store the weights densely');
    // An input that also has an initializer is a constant with a default value (IR < 4): keep the constant.
    for (const input of graph.input) {
      if (this.values.has(input.name)) continue;
      this.values.set(input.name, { kind: 'input', info: input });
      const elem = input.type?.tensor_type?.elem_type;
      const type = this.bound.get(input.name)?.dtype ?? (elem ? dtypeName(elem) : undefined);
      if (type) this.types.set(input.name, type);
    }

    for (const node of graph.node) this.convert(node);

    const outputs = graph.output.map((o): OnnxPort => {
      const v = this.values.get(o.name);
      if (!v) throw new OnnxError(`model output '${o.name}' is computed by no node`, 'the file is corrupt: export it again');
      const other = nonTensorKind(o);
      if (other) throw new OnnxError(`model output '${o.name}' is ${other}, not a tensor; deepwire computes tensors`);
      if (v.kind === 'const')
        throw new OnnxError(`model output '${o.name}' is a constant; a deepwire graph computes its outputs from its inputs`, 'remove the output, or compute it from an input');
      const elem = o.type?.tensor_type?.elem_type;
      const dtype = elem ? dtypeName(elem) : this.typeOf(o.name);
      if (!NUMERIC.has(dtype)) throw new OnnxError(`model output '${o.name}' is ${dtype}; deepwire computes numbers`, 'export the model with float32 outputs');
      const d = v.kind === 'data' ? v : this.dataOf(o.name, 'the model outputs');
      return { name: o.name, node: d.node, layout: d.layout, dims: onnxShapeOf(d.shape, d.layout, this.batch), dtype };
    });
    if (outputs.length === 0) throw new OnnxError('the model has no outputs', 'the file is corrupt: export it again');
    const values = new Map<string, OnnxPort>();
    for (const [key, v] of this.values)
      if (v.kind === 'data') values.set(key, { name: key, node: v.node, layout: v.layout, dims: onnxShapeOf(v.shape, v.layout, this.batch), dtype: this.typeOf(key) });
    this.foldBiases(outputs, values);
    const name = this.options.name ?? (graph.name || undefined);
    return {
      graph: { format: 'deepwire-graph', version: 1, ...(name ? { name } : {}), nodes: this.nodes, outputs: [...new Set(outputs.map((o) => o.node))] },
      weights: this.store, inputs: this.inputs, outputs, values, opset: this.opset, producer: [this.model.producer_name, this.model.producer_version].filter(Boolean).join(' '),
    };
  }

  /**
   * torch.onnx writes nn.Linear on N×…×C data (ConvNeXt's MLPs) as MatMul, then Add of the bias: here a
   * Dense without bias and a per-channel shift (an epsilon-0 BatchNormalization). Where the Dense feeds
   * only that shift, the shift becomes its bias, as Keras and PyTorch hold it (counted as C parameters,
   * not 4·C); a Conv without its B input followed by an Add likewise. The layer's own ONNX value (before
   * the bias) is then no longer computed: it leaves `values`.
   */
  private foldBiases(outputs: OnnxPort[], values: Map<string, OnnxPort>): void {
    const readers = new Map<string, number>();
    for (const n of this.nodes) for (const i of n.inputs ?? []) readers.set(i, (readers.get(i) ?? 0) + 1);
    const isOutput = new Set(outputs.map((o) => o.node));
    const byId = new Map(this.nodes.map((n) => [n.id, n]));
    const renamed = new Map<string, string>();
    for (const shift of this.nodes) {
      const dense = byId.get(shift.inputs?.[0] ?? '');
      if (shift.op !== 'BatchNormalization' || shift.attrs?.epsilon !== 0 || !dense || !['Dense', 'Conv2D'].includes(dense.op)) continue;
      if (dense.attrs?.use_bias !== false || readers.get(dense.id) !== 1 || isOutput.has(dense.id) || (dense.attrs.activation ?? 'linear') !== 'linear') continue;
      const w = (name: string) => this.store.get(shift.weights![name])!.data;
      if (!w('gamma').every((v) => v === 1) || !w('moving_mean').every((v) => v === 0) || !w('moving_variance').every((v) => v === 1)) continue;
      const key = `${dense.id}/bias`;
      this.store.set(key, { shape: [w('beta').length], data: w('beta') });
      for (const name of ['gamma', 'beta', 'moving_mean', 'moving_variance']) this.store.delete(shift.weights![name]);
      dense.attrs.use_bias = true;
      dense.weights = { ...dense.weights, bias: key };
      renamed.set(shift.id, dense.id);
    }
    if (!renamed.size) return;
    const removed = new Set(renamed.keys()), folded = new Set(renamed.values());
    this.nodes.splice(0, this.nodes.length, ...this.nodes.filter((n) => !removed.has(n.id)));
    for (const n of this.nodes) if (n.inputs) n.inputs = n.inputs.map((i) => renamed.get(i) ?? i);
    for (const [key, port] of values) if (folded.has(port.node)) values.delete(key);
    for (const port of [...outputs, ...values.values()]) port.node = renamed.get(port.node) ?? port.node;
  }

  private convert(node: OnnxNode): void {
    const ctx = new NodeContext(this, node, this.opset);
    if (node.domain && node.domain !== 'ai.onnx')
      throw new OnnxError(`unsupported op '${node.domain}.${node.op_type}' at node '${this.nodeName(node)}': deepwire reads ONNX's standard ops only`, supportedHint());
    const converter = CONVERTERS[node.op_type] ?? EXTRA_CONVERTERS[node.op_type];
    const folder = FOLDERS[node.op_type];
    if (!converter && !folder) throw new OnnxError(`unsupported op '${node.op_type}' at node '${this.nodeName(node)}'`, supportedHint());
    for (const i of node.input)
      if (i !== '' && !this.values.has(i))
        ctx.refuse(`its input '${i}' is computed by no earlier node`, 'the graph is not sorted or the file is corrupt: export it again');
    // Shape arithmetic on constants is evaluated now (Shape needs only the static shape of its input).
    const foldable = !!folder && node.input.every((name, k) => name === '' || this.trueConstOf(name) !== null || (node.op_type === 'Shape' && k === 0));
    if (!converter && !foldable)
      throw new OnnxError(`unsupported op '${node.op_type}' at node '${this.nodeName(node)}': deepwire evaluates ${node.op_type} only on constants (shape arithmetic), and this one has a computed input`, supportedHint());
    try {
      if (foldable) this.setValue(node.output[0], { kind: 'const', tensor: folder!(ctx) });
      else converter!(ctx);
    } catch (e) {
      if (e instanceof OnnxError) throw e;
      if (e instanceof OpError) throw new OnnxError(`${ctx.where}: ${e.message}`, e.hint);
      throw new OnnxError(`${ctx.where}: internal error: ${(e as Error)?.message ?? e}`, 'please report this model');
    }
    for (const [i, out] of node.output.entries())
      if (out !== '' && !this.values.has(out) && this.isUsed(out))
        ctx.refuse(`its output ${i + 1} ('${out}') is used, but deepwire computes only its first output`, 'the model must not read it');
    // Ops keep their first typed input's element type unless the converter said otherwise.
    const inherited = node.input.map((i) => this.types.get(i)).find((t) => t !== undefined) ?? 'float32';
    for (const [i, out] of node.output.entries()) if (out && !this.types.has(out)) this.types.set(out, ctx.outputTypes[i] ?? inherited);
    // Integer arithmetic (wraparound, Div's truncation) is computed in float32 and applied where the
    // value leaves the model (castFromFloat32); a node reading the unwrapped value would see other numbers.
    const out = node.output[0] ?? '';
    if (INTEGER_ARITHMETIC.has(node.op_type) && INT_TYPES.has(this.typeOf(out)) && this.readByNode.has(out))
      ctx.refuse(`it computes ${this.typeOf(out)} arithmetic whose result feeds another node; deepwire computes in float32 and applies integer semantics (truncation, wraparound) only at the model's outputs`,
        'compute in float32, or make this node\'s result a model output');
  }

  /** ONNX's element type of a value; float32 when nothing says otherwise. */
  typeOf(name: string): string {
    return this.types.get(name) ?? 'float32';
  }

  /** A readable name for an ONNX node: its own, else its first output's, else its type (made unique when added). */
  nodeName(node: OnnxNode): string {
    return node.name || node.output[0] || node.op_type;
  }

  private unique(base: string): string {
    let id = base, k = 1;
    while (this.ids.has(id)) id = `${base}_${k++}`;
    this.ids.add(id);
    return id;
  }

  isUsed(name: string): boolean {
    return this.used.has(name);
  }

  setValue(name: string | undefined, value: Data | Const | Split): void {
    if (name) this.values.set(name, value);
  }

  isConst(name: string): boolean {
    return this.constOf(name) !== null;
  }

  /** An initializer's or Constant's value, or a bound input's. */
  constOf(name: string): TensorValue | null {
    const v = this.values.get(name);
    if (v?.kind === 'const') return v.tensor;
    if (v?.kind === 'input') return this.bound.get(name) ?? null;
    return null;
  }

  trueConstOf(name: string): TensorValue | null {
    const v = this.values.get(name);
    return v?.kind === 'const' ? v.tensor : null;
  }

  splitOf(name: string): Split | null {
    const v = this.values.get(name);
    return v?.kind === 'split' ? v : null;
  }

  rankOf(name: string): number {
    return this.values.has(name) ? this.staticDims(name).length : -1;
  }

  staticDims(name: string): number[] {
    const v = this.values.get(name);
    if (!v) return [];
    if (v.kind === 'const') return v.tensor.dims;
    if (v.kind === 'data') return onnxShapeOf(v.shape, v.layout, this.batch);
    if (v.kind === 'split') {
      const [n, , ...spatial] = onnxShapeOf(v.x.shape, v.x.layout, this.batch);
      return [n, ...v.groups, ...spatial];
    }
    const bound = this.bound.get(name);
    if (bound) return bound.dims;
    return (v.info.type?.tensor_type?.shape?.dim ?? []).map((d) => (d.dim_param || !Object.hasOwn(d, 'dim_value') ? -1 : int(d.dim_value)));
  }

  dataOf(name: string, where: string, like?: Data, prefer?: Prefer): Data {
    const v = this.values.get(name);
    if (!v) throw new OnnxError(`${where}: '${name}' is computed by no earlier node`);
    if (v.kind === 'data') return v;
    if (v.kind === 'const')
      throw new OnnxError(`${where}: its input '${name}' is a constant of shape ${formatShape(v.tensor.dims)} where deepwire needs a computed tensor`,
        'deepwire merges constants only as scalars or per-channel values');
    if (v.kind === 'split')
      throw new OnnxError(`${where}: its input '${name}' is an N×C×H×W image reshaped to ${formatShape(this.staticDims(name))}, which deepwire reads only as a channel shuffle`,
        'follow the Reshape with Transpose(perm [0, 2, 1, 3, 4]) and a Reshape back to N×C×H×W, as ShuffleNet does');
    const d = this.materializeInput(v.info, like, prefer);
    this.values.set(name, d);
    return d;
  }

  /** A model input becomes an Input node, in the layout its use suggests. */
  private materializeInput(info: OnnxValueInfo, like?: Data, prefer?: Prefer): Data {
    const name = info.name;
    const other = nonTensorKind(info);
    if (other) throw new OnnxError(notATensor(name, other));
    const tensorType = info.type?.tensor_type;
    const bound = this.bound.get(name);
    const dtype = bound?.dtype ?? (tensorType?.elem_type ? dtypeName(tensorType.elem_type) : 'float32');
    if (!NUMERIC.has(dtype)) throw new OnnxError(`model input '${name}' is ${dtype}; deepwire computes numbers`, 'export the model with float32 inputs');
    const declared = tensorType?.shape?.dim;
    if (!declared && !bound) throw new OnnxError(`model input '${name}' has no shape`, 'export the model with its input shape (e.g. torch.onnx.export with an example input)');
    const dims = bound ? [...bound.dims] : declared!.map((d) => (d.dim_param || !Object.hasOwn(d, 'dim_value') ? -1 : int(d.dim_value)));
    if (declared && bound && declared.length !== dims.length)
      throw new OnnxError(`model input '${name}' is declared with ${declared.length} axes but given ${formatShape(dims)}`);
    const rank = dims.length;
    const symbolic = dims.map((d, i) => (d < 0 ? i : -1)).filter((i) => i >= 0);
    let layout: Layout;
    if (rank === 4 && (like ? like.layout.kind === 'nchw' : this.spatial)) layout = NCHW;
    else if (rank === 3 && prefer === 'image') layout = NCW;
    else if (like?.layout.kind === 'batched' && rank === like.shape.length + 1) layout = BATCHED;
    else if ((symbolic.includes(0) || prefer === 'batched') && rank >= 2) layout = BATCHED;
    else layout = UNBATCHED;
    const sizeName = (i: number) => declared?.[i]?.dim_param || '?';
    const bad = symbolic.find((i) => i !== 0 || layout.kind === 'unbatched');
    if (bad !== undefined)
      throw new OnnxError(`model input '${name}' has a symbolic size '${sizeName(bad)}' on axis ${bad}; deepwire needs fixed sizes besides the batch`,
        'export the model with a fixed input size (torch.onnx.export without dynamic_axes for that axis)');
    if (dims.some((d) => d === 0)) throw new OnnxError(`model input '${name}' is empty (${formatShape(dims)})`);
    if (layout.kind !== 'unbatched') this.setBatch(dims[0], `model input '${name}'`);
    const ours = layout.kind === 'nchw' ? (layout.oneD ? [1, dims[2], dims[1]] : [dims[2], dims[3], dims[1]]) : layout.kind === 'batched' ? dims.slice(1) : dims;
    if (ours.length === 0) throw new OnnxError(`model input '${name}' is a scalar; deepwire's inputs have at least one axis`, 'give it shape [1]');
    const id = this.unique(name);
    this.nodes.push({ id, name: id, op: 'Input', attrs: { shape: ours } });
    this.shapes.set(id, ours);
    this.inputs.push({ name, node: id, layout, dims, dtype });
    return { kind: 'data', node: id, layout, shape: ours };
  }

  private setBatch(n: number, what: string): void {
    if (this.batchKnown && n !== this.batch)
      throw new OnnxError(`${what} has a batch of ${n < 0 ? 'symbolic size' : n}, another input ${this.batch < 0 ? 'a symbolic one' : this.batch}`, 'give every input the same batch');
    this.batch = n;
    this.batchKnown = true;
  }

  addNode(ctx: NodeContext, op: string, attrs: Record<string, unknown>, inputs: Data[], layout: Layout, weights: Record<string, Float32Array>, suffix: string): Data {
    const def = findOp(op);
    if (!def) throw new Error(`no op ${op}`);
    const { attrs: resolved, problems } = resolveAttrs(def, attrs);
    if (problems.length) ctx.refuse(problems.map((p) => p.message).join('; '), problems[0].hint);
    const inputShapes = inputs.map((d) => d.shape);
    const shape = def.inferShape(inputShapes, resolved);
    if (sizeOf(shape) === 0 || shape.some((d) => !(d > 0))) ctx.refuse(`it would produce an empty tensor (${formatShape(shape)})`);
    const id = this.unique(ctx.name + suffix);
    const refs: Record<string, string> = {};
    for (const spec of def.weights?.(inputShapes, resolved) ?? []) {
      const data = weights[spec.name];
      if (!data) throw new Error(`${op} weight ${spec.name} missing`);
      if (data.length !== sizeOf(spec.shape)) throw new Error(`${op} weight ${spec.name}: ${data.length} values for ${formatShape(spec.shape)}`);
      const key = `${id}/${spec.name}`;
      this.store.set(key, { shape: [...spec.shape], data });
      refs[spec.name] = key;
    }
    const node: GraphNode = { id, name: id, op, attrs, inputs: inputs.map((d) => d.node) };
    if (Object.keys(refs).length) node.weights = refs;
    this.nodes.push(node);
    this.shapes.set(id, shape);
    return { kind: 'data', node: id, layout, shape };
  }
}

/** Element types deepwire computes with (in float32); see castFromFloat32. */
const NUMERIC = new Set(['float32', 'float64', 'float16', 'bfloat16', 'bool', ...INT_TYPES]);
/** ONNX ops whose integer results may leave float32's integer semantics (wraparound, truncation). */
const INTEGER_ARITHMETIC = new Set(['Add', 'Sub', 'Mul', 'Div', 'Sum', 'Mean', 'Gemm', 'MatMul', 'Conv', 'ReduceSum', 'ReduceMean']);

export const notATensor = (input: string, kind: string) => `model input '${input}' is ${kind}, not a tensor; deepwire reads tensors`;

/** 'a sequence', 'an optional', … for a value that is not a tensor; null for a tensor (or no type). */
export function nonTensorKind(info: OnnxValueInfo): string | null {
  const kinds: Record<string, string> = { sequence_type: 'a sequence', map_type: 'a map', optional_type: 'an optional', sparse_tensor_type: 'a sparse tensor' };
  const key = Object.keys(info.type ?? {}).find((k) => k in kinds && (info.type as Record<string, unknown>)[k]);
  return key ? kinds[key] : null;
}

function supportedHint(): string {
  return `deepwire imports ${Object.keys(CONVERTERS).join(', ')} (and folds ${Object.keys(FOLDERS).filter((op) => !(op in CONVERTERS)).join(', ')} on constants); replace the op or export the model without it`;
}
