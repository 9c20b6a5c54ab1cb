// ONNX export: an analysed deepwire graph and its weights → .onnx bytes (opset 13) that ONNX Runtime
// runs. Images leave as N×C×H×W (the ONNX convention, and what the importer reads back); a tensor is
// transposed to channels-last only where an op needs its NHWC order (Flatten, Reshape, Dense on rank 3…).
// Weights go back to ONNX's layouts: Keras HWIO → OIHW, Dense [in, units] → Gemm B.
import type { GraphReport, NodeReport } from '../graph/analyze.ts';
import { window2d, type Padding } from '../ops/geometry.ts';
import { argmaxGeometry, type MaxPoolWithArgmax2DAttrs } from '../ops/max-pool-with-argmax2d.ts';
import { randomCropSampling, type RandomCropAttrs } from '../ops/random-crop.ts';
import { materializeWeights, unstoredWeights, type WeightStore } from '../runtime/reference.ts';
import type { Tensor } from '../tensor.ts';
import { encodeModel, floatTensor, int64Tensor, OnnxError, type OnnxAttribute, type OnnxNode, type OnnxTensorProto, type OnnxValueInfo } from './onnx-proto.ts';

export const EXPORT_OPSET = 13;

export interface ExportOptions {
  /**
   * Initializer seed for the weights `weights` does not hold (Keras' initializers, as a run would use).
   * Without one, every weight must be in `weights`: an export never invents weights nobody asked for.
   */
  seed?: number;
  weights?: WeightStore;
  name?: string;
}

/** A tensor in the ONNX graph: its name, whether it is N×C×H×W (ours N×H×W×C), and our rank with the batch. */
interface Value {
  name: string;
  nchw: boolean;
  rank: number;
}

type Attr = number | number[] | string | { float: number };

function attribute(name: string, v: Attr): OnnxAttribute {
  if (typeof v === 'number') return { name, type: 2, i: v };
  if (Array.isArray(v)) return { name, type: 7, ints: v };
  if (typeof v === 'string') return { name, type: 3, s: new TextEncoder().encode(v) };
  return { name, type: 1, f: v.float };
}

const FLOAT_ATTR = (v: number) => ({ float: v });

/** Writes the graph as ONNX; throws an OnnxError naming a node deepwire cannot express in ONNX. */
export function exportOnnx(report: GraphReport, options: ExportOptions = {}): Uint8Array {
  if (!report.ok) throw new OnnxError(`cannot export a graph with problems: ${report.problems[0].message}`, 'fix the problems shown on the nodes first');
  const missing = options.seed === undefined ? unstoredWeights(report, options.weights) : [];
  if (missing.length)
    throw new OnnxError(`no weights given for ${missing.length} weight tensor(s) (${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ', …' : ''})`,
      'give the weights the graph was saved with, or a seed to initialise them with Keras\' initializers');
  return new Exporter(report, materializeWeights(report, options.seed ?? 0, options.weights)).run(options.name ?? 'deepwire');
}

class Exporter {
  private readonly nodes: OnnxNode[] = [];
  private readonly initializers: OnnxTensorProto[] = [];
  private readonly values = new Map<string, Value>();
  private readonly names = new Set<string>();
  private readonly channelsLast = new Map<string, Value>();

  constructor(private readonly report: GraphReport, private readonly weights: Map<string, Record<string, Tensor>>) {}

  run(name: string): Uint8Array {
    const inputs: OnnxValueInfo[] = [];
    for (const id of this.report.order) {
      const r = this.report.byId.get(id)!;
      if (r.op === 'Input') {
        const shape = r.shape!;
        const nchw = shape.length === 3;
        const dims = nchw ? [shape[2], shape[0], shape[1]] : [...shape];
        inputs.push(info(this.fresh(id), ['N', ...dims]));
        this.values.set(id, { name: id, nchw, rank: shape.length + 1 });
        continue;
      }
      try {
        this.values.set(id, this.lower(r));
      } catch (e) {
        if (e instanceof OnnxError) throw new OnnxError(`${r.op} '${r.id}': ${e.message}`, e.hint);
        throw e;
      }
    }
    const outputs = this.report.outputs.map((id) => {
      let v = this.values.get(id)!;
      const shape = this.report.byId.get(id)!.shape!;
      if (v.rank === 4 && !v.nchw) {
        // An image leaves as N×C×H×W under the node's name; its channels-last value is renamed.
        const nhwc = this.fresh(`${id}/nhwc`);
        this.rename(v.name, nhwc);
        v = { name: this.emit('Transpose', [nhwc], { perm: [0, 3, 1, 2] }, id, true), nchw: true, rank: 4 };
      }
      const dims = v.nchw ? [shape[2], shape[0], shape[1]] : [...shape];
      return info(v.name === id ? id : this.emit('Identity', [v.name], {}, id), ['N', ...dims]);
    });
    return encodeModel({
      ir_version: 7, producer_name: 'deepwire', producer_version: '0.1.0',
      opset_import: [{ domain: '', version: EXPORT_OPSET }],
      graph: { name, node: this.nodes, input: inputs, output: outputs, initializer: this.initializers },
    });
  }

  // ── emitting ──

  private fresh(base: string): string {
    let name = base, k = 1;
    while (this.names.has(name)) name = `${base}_${k++}`;
    this.names.add(name);
    return name;
  }

  /** Adds a node; its output is named `output`, made unique unless `exact` (a name already reserved). */
  private emit(op: string, inputs: string[], attrs: Record<string, Attr>, output: string, exact = false): string {
    const name = exact ? output : this.fresh(output);
    this.nodes.push({ op_type: op, name, input: inputs, output: [name], attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)) });
    return name;
  }

  private rename(from: string, to: string): void {
    for (const n of this.nodes) {
      if (n.name === from) n.name = to;
      n.input = n.input.map((i) => (i === from ? to : i));
      n.output = n.output.map((o) => (o === from ? to : o));
    }
  }

  private floats(base: string, dims: number[], data: ArrayLike<number>): string {
    const name = this.fresh(base);
    this.initializers.push(floatTensor(name, dims, data));
    return name;
  }

  private ints(base: string, data: number[]): string {
    const name = this.fresh(base);
    this.initializers.push(int64Tensor(name, [data.length], data));
    return name;
  }

  private input(r: NodeReport, i = 0): Value {
    return this.values.get(r.inputs[i])!;
  }

  /** The value in our own (channels-last) order: images are transposed back, once. */
  private plain(v: Value): Value {
    if (!v.nchw) return v;
    let t = this.channelsLast.get(v.name);
    if (!t) {
      t = { name: this.emit('Transpose', [v.name], { perm: [0, 2, 3, 1] }, `${v.name}/nhwc`), nchw: false, rank: 4 };
      this.channelsLast.set(v.name, t);
    }
    return t;
  }

  /** A rank-4 value as N×C×H×W. */
  private image(v: Value): Value {
    if (v.nchw) return v;
    if (v.rank !== 4) throw new OnnxError(`needs an H×W×C input, got rank ${v.rank - 1}`);
    return { name: this.emit('Transpose', [v.name], { perm: [0, 3, 1, 2] }, `${v.name}/nchw`), nchw: true, rank: 4 };
  }

  private weight(r: NodeReport, name: string): Tensor {
    return this.weights.get(r.id)![name];
  }

  // ── ops ──

  private lower(r: NodeReport): Value {
    const a = r.attrs as Record<string, any>;
    const out = r.id;
    switch (r.op) {
      case 'Conv2D': {
        const x = this.image(this.input(r));
        const k = this.weight(r, 'kernel');
        const [KH, KW, CG, OC] = k.shape;
        const y = this.conv(r, x, hwioToOihw(k.data, KH, KW, CG, OC), [OC, CG, KH, KW], a.use_bias ? this.weight(r, 'bias').data : null, a.groups, a.kernel_size, a.strides, a.dilation_rate, a.padding, `${out}/conv`);
        return this.activation(y, a.activation, out);
      }
      case 'DepthwiseConv2D':
      case 'SeparableConv2D': {
        const x = this.image(this.input(r));
        const k = this.weight(r, 'depthwise_kernel');
        const [KH, KW, C, DM] = k.shape;
        // [KH, KW, C, DM] → [C·DM, 1, KH, KW]: output channel c·DM + m, as Keras orders them.
        const w = new Float32Array(k.data.length);
        for (let ky = 0; ky < KH; ky++) for (let kx = 0; kx < KW; kx++) for (let c = 0; c < C; c++) for (let m = 0; m < DM; m++)
          w[((c * DM + m) * KH + ky) * KW + kx] = k.data[((ky * KW + kx) * C + c) * DM + m];
        const separable = r.op === 'SeparableConv2D';
        const bias = a.use_bias && !separable ? this.weight(r, 'bias').data : null;
        let y = this.conv(r, x, w, [C * DM, 1, KH, KW], bias, C, a.kernel_size, a.strides, a.dilation_rate, a.padding, `${out}/depthwise`);
        if (separable) {
          const p = this.weight(r, 'pointwise_kernel');
          const OC = p.shape[3];
          y = this.conv(r, y, hwioToOihw(p.data, 1, 1, C * DM, OC), [OC, C * DM, 1, 1], a.use_bias ? this.weight(r, 'bias').data : null, 1, [1, 1], [1, 1], [1, 1], 'valid', `${out}/pointwise`);
        }
        return this.activation(y, a.activation, out);
      }
      case 'Dense': {
        const x = this.input(r);
        const k = this.weight(r, 'kernel');
        const [IN, U] = k.shape;
        const bias = a.use_bias ? this.weight(r, 'bias').data : null;
        let y: Value;
        if (x.nchw) {
          // Dense over the channels of an image is a 1×1 conv.
          y = this.conv(r, x, hwioToOihw(k.data, 1, 1, IN, U), [U, IN, 1, 1], bias, 1, [1, 1], [1, 1], [1, 1], 'valid', `${out}/dense`);
        } else if (x.rank === 2) {
          const inputs = [x.name, this.floats(`${out}/kernel`, [IN, U], k.data), ...(bias ? [this.floats(`${out}/bias`, [U], bias)] : [])];
          y = { name: this.emit('Gemm', inputs, {}, `${out}/dense`), nchw: false, rank: 2 };
        } else {
          let name = this.emit('MatMul', [x.name, this.floats(`${out}/kernel`, [IN, U], k.data)], {}, `${out}/dense`);
          if (bias) name = this.emit('Add', [name, this.floats(`${out}/bias`, [U], bias)], {}, `${out}/bias`);
          y = { name, nchw: false, rank: x.rank };
        }
        return this.activation(y, a.activation, out);
      }
      case 'MaxPool2D':
      case 'AveragePool2D': {
        const x = this.image(this.input(r));
        const [H, W] = this.report.byId.get(r.inputs[0])!.shape!;
        const strides = a.strides ?? a.pool_size;
        const [h, w] = window2d(r.op, [H, W, 1], a.pool_size, strides, [1, 1], a.padding as Padding, a.ceil_mode);
        const attrs: Record<string, Attr> = {
          kernel_shape: a.pool_size, strides, pads: [h.padBefore, w.padBefore, h.padAfter, w.padAfter], ceil_mode: a.ceil_mode ? 1 : 0,
        };
        if (r.op === 'AveragePool2D') attrs.count_include_pad = a.count_include_pad ? 1 : 0;
        return { name: this.emit(r.op === 'MaxPool2D' ? 'MaxPool' : 'AveragePool', [x.name], attrs, out), nchw: true, rank: 4 };
      }
      case 'MaxPoolWithArgmax2D':
        return this.maxPoolWithArgmax(r, out);
      case 'Softmax': {
        const x = this.input(r);
        // Keras' axis counts the batch as 0, as ONNX's does; an image's axes sit in N×C×H×W order.
        const axis = (a.axis < 0 ? a.axis + x.rank : a.axis) as number;
        return { name: this.emit('Softmax', [x.name], { axis: x.nchw ? [0, 2, 3, 1][axis] : axis }, out), nchw: x.nchw, rank: x.rank };
      }
      case 'Pad2D': {
        const x = this.image(this.input(r));
        const [[t, b], [l, rr]] = a.padding;
        const inputs = [x.name, this.ints(`${out}/pads`, [0, 0, t, l, 0, 0, b, rr]), ...(a.mode === 'constant' ? [this.floats(`${out}/value`, [], [a.constant_value])] : [])];
        return { name: this.emit('Pad', inputs, { mode: a.mode }, out), nchw: true, rank: 4 };
      }
      case 'GlobalAveragePool2D':
      case 'GlobalMaxPool2D': {
        const x = this.image(this.input(r));
        const op = r.op === 'GlobalMaxPool2D' ? 'GlobalMaxPool' : 'GlobalAveragePool';
        if (a.keepdims) return { name: this.emit(op, [x.name], {}, out), nchw: true, rank: 4 };
        const pooled = this.emit(op, [x.name], {}, `${out}/pool`);
        return { name: this.emit('Flatten', [pooled], { axis: 1 }, out), nchw: false, rank: 2 };
      }
      case 'BatchNormalization': {
        const x = this.input(r);
        const w = this.weights.get(r.id)!;
        const C = w.moving_mean.data.length;
        if (x.nchw || x.rank === 2) {
          const gamma = a.scale ? w.gamma.data : new Float32Array(C).fill(1), beta = a.center ? w.beta.data : new Float32Array(C);
          const inputs = [x.name, ...[['scale', gamma], ['B', beta], ['mean', w.moving_mean.data], ['var', w.moving_variance.data]].map(([n, d]) => this.floats(`${out}/${n}`, [C], d as Float32Array))];
          return { name: this.emit('BatchNormalization', inputs, { epsilon: FLOAT_ATTR(a.epsilon) }, out), nchw: x.nchw, rank: x.rank };
        }
        const scale = new Float32Array(C), shift = new Float32Array(C);
        for (let c = 0; c < C; c++) {
          scale[c] = (a.scale ? w.gamma.data[c] : 1) / Math.sqrt(w.moving_variance.data[c] + a.epsilon);
          shift[c] = (a.center ? w.beta.data[c] : 0) - w.moving_mean.data[c] * scale[c];
        }
        return this.affine(x, scale, shift, out);
      }
      case 'LayerNormalization': {
        // Opset 13 has no LayerNormalization: the ops torch.onnx writes for F.layer_norm over the last axis
        // (ONNX Runtime fuses them back; deepwire's import does too, src/io/onnx-fusions.ts).
        const x = this.plain(this.input(r));
        const C = r.shape![r.shape!.length - 1];
        const last = { axes: [-1] };
        const mean = this.emit('ReduceMean', [x.name], last, `${out}/mean`);
        const centred = this.emit('Sub', [x.name, mean], {}, `${out}/centred`);
        const squared = this.emit('Pow', [centred, this.floats(`${out}/two`, [], [2])], {}, `${out}/squared`);
        const variance = this.emit('ReduceMean', [squared], last, `${out}/variance`);
        const std = this.emit('Sqrt', [this.emit('Add', [variance, this.floats(`${out}/epsilon`, [], [a.epsilon])], {}, `${out}/shifted`)], {}, `${out}/std`);
        let y = this.emit('Div', [centred, std], {}, a.scale || a.center ? `${out}/normalised` : out);
        if (a.scale) y = this.emit('Mul', [y, this.floats(`${out}/gamma`, [C], this.weight(r, 'gamma').data)], {}, a.center ? `${out}/scaled` : out);
        if (a.center) y = this.emit('Add', [y, this.floats(`${out}/beta`, [C], this.weight(r, 'beta').data)], {}, out);
        return { name: y, nchw: false, rank: x.rank };
      }
      case 'Normalization': {
        const x = this.input(r);
        const w = this.weights.get(r.id) ?? {};
        const C = r.shape![r.shape!.length - 1];
        const mean = a.mean ?? w.mean.data, variance = a.variance ?? w.variance.data;
        const at = (v: ArrayLike<number>, c: number) => (v.length === 1 ? v[0] : v[c]);
        const m = Float32Array.from({ length: C }, (_, c) => at(mean, c));
        const std = Float32Array.from({ length: C }, (_, c) => Math.max(Math.sqrt(at(variance, c)), 1e-7));
        const shape = x.nchw ? [C, 1, 1] : [C];
        if (a.invert) {
          const scaled = this.emit('Mul', [x.name, this.floats(`${out}/std`, shape, std)], {}, `${out}/scale`);
          return { name: this.emit('Add', [scaled, this.floats(`${out}/mean`, shape, m)], {}, out), nchw: x.nchw, rank: x.rank };
        }
        const centred = this.emit('Sub', [x.name, this.floats(`${out}/mean`, shape, m)], {}, `${out}/centre`);
        return { name: this.emit('Div', [centred, this.floats(`${out}/std`, shape, std)], {}, out), nchw: x.nchw, rank: x.rank };
      }
      case 'Rescaling': {
        const x = this.input(r);
        const scaled = this.emit('Mul', [x.name, this.floats(`${out}/scale`, [], [a.scale])], {}, `${out}/scale`);
        return { name: this.emit('Add', [scaled, this.floats(`${out}/offset`, [], [a.offset])], {}, out), nchw: x.nchw, rank: x.rank };
      }
      case 'Activation':
        return this.activation(this.input(r), a.activation, out);
      case 'ReLU':
        return this.relu(this.input(r), a.max_value, a.negative_slope, a.threshold, out);
      case 'LeakyReLU': {
        const x = this.input(r);
        return { name: this.emit('LeakyRelu', [x.name], { alpha: FLOAT_ATTR(a.negative_slope) }, out), nchw: x.nchw, rank: x.rank };
      }
      case 'Add':
      case 'Subtract':
      case 'Multiply':
      case 'Average':
      case 'Maximum':
      case 'Minimum':
      case 'Divide':
        return this.merge(r, out);
      case 'Concatenate': {
        let inputs = r.inputs.map((id) => this.values.get(id)!);
        const rank = inputs[0].rank;
        const axis = a.axis < 0 ? a.axis + rank : a.axis;
        const nchw = inputs.every((v) => v.nchw);
        if (!nchw) inputs = inputs.map((v) => this.plain(v));
        return { name: this.emit('Concat', inputs.map((v) => v.name), { axis: nchw ? [0, 2, 3, 1][axis] : axis }, out), nchw, rank };
      }
      case 'Dot':
        return this.dot(r, out);
      case 'ZeroPadding2D': {
        const x = this.image(this.input(r));
        const [[t, b], [l, rr]] = a.padding;
        return { name: this.emit('Pad', [x.name, this.ints(`${out}/pads`, [0, 0, t, l, 0, 0, b, rr])], { mode: 'constant' }, out), nchw: true, rank: 4 };
      }
      case 'Cropping2D': {
        const x = this.image(this.input(r));
        const [[t, b], [l, rr]] = a.cropping;
        const [H, W] = this.report.byId.get(r.inputs[0])!.shape!;
        const inputs = [x.name, this.ints(`${out}/starts`, [t, l]), this.ints(`${out}/ends`, [H - b, W - rr]), this.ints(`${out}/axes`, [2, 3])];
        return { name: this.emit('Slice', inputs, {}, out), nchw: true, rank: 4 };
      }
      case 'Flatten': {
        const x = this.plain(this.input(r));
        return { name: this.emit('Flatten', [x.name], { axis: 1 }, out), nchw: false, rank: 2 };
      }
      case 'Reshape': {
        const x = this.plain(this.input(r));
        // 0 keeps the batch as it is.
        const shape = this.ints(`${out}/shape`, [0, ...r.shape!]);
        return { name: this.emit('Reshape', [x.name, shape], {}, out), nchw: false, rank: r.shape!.length + 1 };
      }
      case 'ChannelShuffle': {
        // As PyTorch writes it: split the channels into g × C/g, swap the two, join them again.
        const x = this.input(r), g = a.groups as number;
        const shape = this.report.byId.get(r.inputs[0])!.shape!, C = shape[shape.length - 1];
        // An image's channels are axis 1 (N×C×H×W); any other tensor's its last axis.
        const [split, joined] = x.nchw ? [[0, g, C / g, shape[0], shape[1]], [0, C, shape[0], shape[1]]] : [[0, ...shape.slice(0, -1), g, C / g], [0, ...shape]];
        const axis = x.nchw ? 1 : shape.length;
        const perm = Array.from({ length: split.length }, (_, i) => (i === axis ? axis + 1 : i === axis + 1 ? axis : i));
        const grouped = this.emit('Reshape', [x.name, this.ints(`${out}/split`, split)], {}, `${out}/split`);
        const swapped = this.emit('Transpose', [grouped], { perm }, `${out}/transpose`);
        return { name: this.emit('Reshape', [swapped, this.ints(`${out}/shape`, joined)], {}, out), nchw: x.nchw, rank: x.rank };
      }
      case 'ChannelSlice': {
        // An image's channels are axis 1 (N×C×H×W); any other tensor's its last axis.
        const x = this.input(r);
        const inputs = [x.name, this.ints(`${out}/starts`, [a.start]), this.ints(`${out}/ends`, [a.end]), this.ints(`${out}/axes`, [x.nchw ? 1 : x.rank - 1])];
        return { name: this.emit('Slice', inputs, {}, out), nchw: x.nchw, rank: x.rank };
      }
      // The augmentation layers as inference runs them: RandomFlip and RandomTranslation are the identity,
      // RandomCrop its centered window, resized as Keras (half-pixel linear, ONNX's clamped edges alike).
      case 'RandomFlip':
      case 'RandomTranslation': {
        const x = this.input(r);
        return { name: this.emit('Identity', [x.name], {}, out), nchw: x.nchw, rank: x.rank };
      }
      case 'RandomCrop': {
        const x = this.image(this.input(r));
        const s = randomCropSampling(a as RandomCropAttrs, this.report.byId.get(r.inputs[0])!.shape!, false);
        const [wy, wx] = s.window;
        const starts = this.ints(`${out}/starts`, [wy.lo, wx.lo]), ends = this.ints(`${out}/ends`, [wy.lo + wy.len, wx.lo + wx.len]);
        const exact = wy.len === s.out[0] && wx.len === s.out[1];
        const window = this.emit('Slice', [x.name, starts, ends, this.ints(`${out}/axes`, [2, 3])], {}, exact ? out : `${out}/window`);
        if (exact) return { name: window, nchw: true, rank: 4 };
        // sizes [N, C, height, width], the batch taken from the tensor (it is symbolic)
        const shape = this.emit('Shape', [window], {}, `${out}/shape`);
        const nc = this.emit('Slice', [shape, this.ints(`${out}/nc_start`, [0]), this.ints(`${out}/nc_end`, [2])], {}, `${out}/nc`);
        const sizes = this.emit('Concat', [nc, this.ints(`${out}/hw`, s.out)], { axis: 0 }, `${out}/sizes`);
        const resized = this.emit('Resize', [window, '', '', sizes], { mode: 'linear', coordinate_transformation_mode: 'half_pixel' }, out);
        return { name: resized, nchw: true, rank: 4 };
      }
      case 'Dropout': {
        const x = this.input(r);
        return { name: this.emit('Dropout', [x.name, this.floats(`${out}/ratio`, [], [a.rate])], {}, out), nchw: x.nchw, rank: x.rank };
      }
      default:
        throw new OnnxError(`has no ONNX export yet`, 'remove or replace the node to export the graph');
    }
  }

  private conv(
    r: NodeReport, x: Value, w: Float32Array, wDims: number[], bias: ArrayLike<number> | null, groups: number,
    kernel: [number, number], strides: [number, number], dilations: [number, number], padding: Padding, name: string,
  ): Value {
    const [H, W] = this.report.byId.get(r.inputs[0])!.shape!;
    const [h, wd] = window2d(r.op, [H, W, 1], kernel, strides, dilations, padding);
    const inputs = [x.name, this.floats(`${name}/W`, wDims, w), ...(bias ? [this.floats(`${name}/B`, [wDims[0]], bias)] : [])];
    const attrs = { kernel_shape: kernel, strides, dilations, group: groups, pads: [h.padBefore, wd.padBefore, h.padAfter, wd.padAfter] };
    return { name: this.emit('Conv', inputs, attrs, name), nchw: true, rank: 4 };
  }

  /** A Keras activation by name; `out` names the result. */
  private activation(x: Value, name: string, out: string): Value {
    const same = (n: string) => ({ name: n, nchw: x.nchw, rank: x.rank });
    switch (name) {
      case 'linear': return x.name === out ? x : same(this.emit('Identity', [x.name], {}, out));
      case 'relu': return same(this.emit('Relu', [x.name], {}, out));
      case 'relu6': return this.relu(x, 6, 0, 0, out);
      case 'leaky_relu': return same(this.emit('LeakyRelu', [x.name], { alpha: FLOAT_ATTR(0.2) }, out));
      case 'elu': return same(this.emit('Elu', [x.name], { alpha: FLOAT_ATTR(1) }, out));
      case 'sigmoid': return same(this.emit('Sigmoid', [x.name], {}, out));
      case 'hard_sigmoid': return same(this.emit('HardSigmoid', [x.name], { alpha: FLOAT_ATTR(0.2), beta: FLOAT_ATTR(0.5) }, out));
      case 'swish': return same(this.emit('Mul', [x.name, this.emit('Sigmoid', [x.name], {}, `${out}/sigmoid`)], {}, out));
      case 'tanh': return same(this.emit('Tanh', [x.name], {}, out));
      case 'softplus': return same(this.emit('Softplus', [x.name], {}, out));
      case 'softsign': return same(this.emit('Softsign', [x.name], {}, out));
      // Opset 13 has no Gelu (opset 20): ½·x·(1 + erf(x/√2)), PyTorch's own decomposition of nn.GELU().
      case 'gelu': {
        const erf = this.emit('Erf', [this.emit('Div', [x.name, this.floats(`${out}/sqrt2`, [], [Math.SQRT2])], {}, `${out}/scaled`)], {}, `${out}/erf`);
        const cdf = this.emit('Add', [erf, this.floats(`${out}/one`, [], [1])], {}, `${out}/erf_plus_one`);
        const prod = this.emit('Mul', [x.name, cdf], {}, `${out}/x_times`);
        return same(this.emit('Mul', [prod, this.floats(`${out}/half`, [], [0.5])], {}, out));
      }
      // Over our last axis: the channels, axis 1 of an image.
      case 'softmax': return same(this.emit('Softmax', [x.name], { axis: x.nchw ? 1 : -1 }, out));
      default: throw new OnnxError(`activation '${name}' has no ONNX export yet`);
    }
  }

  /** Keras' ReLU: min(x, max) from the threshold up, slope·(x − threshold) below. */
  private relu(x: Value, max: number | null, slope: number, threshold: number, out: string): Value {
    const same = (n: string) => ({ name: n, nchw: x.nchw, rank: x.rank });
    if (threshold === 0 && slope === 0) {
      if (max === null) return same(this.emit('Relu', [x.name], {}, out));
      return same(this.emit('Clip', [x.name, this.floats(`${out}/min`, [], [0]), this.floats(`${out}/max`, [], [max])], {}, out));
    }
    if (threshold === 0 && max === null) return same(this.emit('LeakyRelu', [x.name], { alpha: FLOAT_ATTR(slope) }, out));
    // A leaky ReLU with a ceiling: min(leaky(x), max) (what falls below 0 stays below the ceiling ≥ 0).
    if (threshold === 0) {
      const leaky = this.emit('LeakyRelu', [x.name], { alpha: FLOAT_ATTR(slope) }, `${out}/leaky`);
      return same(this.emit('Min', [leaky, this.floats(`${out}/max`, [], [max!])], {}, out));
    }
    const thr = this.floats(`${out}/threshold`, [], [threshold]);
    const above = this.emit('GreaterOrEqual', [x.name, thr], {}, `${out}/above`);
    const top = max === null ? x.name : this.emit('Min', [x.name, this.floats(`${out}/max`, [], [max])], {}, `${out}/ceiling`);
    const below = this.emit('Mul', [this.emit('Sub', [x.name, thr], {}, `${out}/shift`), this.floats(`${out}/slope`, [], [slope])], {}, `${out}/leak`);
    return same(this.emit('Where', [above, top, below], {}, out));
  }

  /** x·scale + shift per channel (our last axis). */
  private affine(x: Value, scale: Float32Array, shift: Float32Array, out: string): Value {
    const shape = x.nchw ? [scale.length, 1, 1] : [scale.length];
    const scaled = this.emit('Mul', [x.name, this.floats(`${out}/scale`, shape, scale)], {}, `${out}/scale`);
    return { name: this.emit('Add', [scaled, this.floats(`${out}/shift`, shape, shift)], {}, out), nchw: x.nchw, rank: x.rank };
  }

  private merge(r: NodeReport, out: string): Value {
    let inputs = r.inputs.map((id) => this.values.get(id)!);
    // Images broadcast alike in either order; anything mixed broadcasts right-aligned in our order.
    const nchw = inputs.every((v) => v.nchw);
    if (!nchw) inputs = inputs.map((v) => this.plain(v));
    const names = inputs.map((v) => v.name);
    const rank = r.shape!.length + 1;
    const op = { Add: 'Sum', Subtract: 'Sub', Multiply: 'Mul', Divide: 'Div', Average: 'Mean', Maximum: 'Max', Minimum: 'Min' }[r.op]!;
    let name: string;
    if (op === 'Mul') {
      name = names[0];
      names.slice(1).forEach((n, i) => (name = this.emit('Mul', [name, n], {}, i === names.length - 2 ? out : `${out}/mul${i}`)));
    } else name = this.emit(op === 'Sum' && names.length === 2 ? 'Add' : op, names, {}, out);
    return { name, nchw, rank };
  }

  /** ONNX MaxPool with dilations; the indices are its Indices output (N×C×H×W order), recombined for nhwc, as floats. */
  private maxPoolWithArgmax(r: NodeReport, out: string): Value {
    const a = r.attrs as unknown as MaxPoolWithArgmax2DAttrs;
    const x = this.image(this.input(r));
    const [H, W, C] = this.report.byId.get(r.inputs[0])!.shape!;
    const { h, w, strides } = argmaxGeometry([H, W, C], a);
    const attrs: Record<string, Attr> = {
      kernel_shape: a.pool_size, strides, dilations: a.dilation_rate, pads: [h.padBefore, w.padBefore, h.padAfter, w.padAfter],
      ceil_mode: a.ceil_mode ? 1 : 0, storage_order: a.index_order === 'ncwh' ? 1 : 0,
    };
    const image = (name: string) => ({ name, nchw: true, rank: 4 });
    if (a.output === 'values') return image(this.emit('MaxPool', [x.name], attrs, out));
    const values = this.fresh(`${out}/values`);
    let index = this.fresh(`${out}/indices`);
    this.nodes.push({ op_type: 'MaxPool', name: values, input: [x.name], output: [values, index], attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)) });
    if (a.index_order === 'nhwc') {
      // (n, c, hw) from the N×C×H×W index, then ((n·H·W + hw)·C + c).
      const k = (name: string, v: number) => this.ints(`${out}/${name}`, [v]);
      const op = (type: string, l: string, rt: string, name: string) => this.emit(type, [l, rt], {}, `${out}/${name}`);
      const n = op('Div', index, k('chw', C * H * W), 'n');
      const rest = op('Mod', index, k('chw', C * H * W), 'rest');
      const c = op('Div', rest, k('hw', H * W), 'c');
      const hw = op('Mod', rest, k('hw', H * W), 'hw');
      const pixel = op('Add', op('Mul', n, k('hw', H * W), 'n_hw'), hw, 'pixel');
      index = op('Add', op('Mul', pixel, k('c', C), 'pixel_c'), c, 'nhwc');
    }
    return image(this.emit('Cast', [index], { to: 1 }, out));
  }

  /** Keras' batch_dot of inputs with 1 or 2 axes besides the batch, as one MatMul of [N, P, K]·[N, K, Q]. */
  private dot(r: NodeReport, out: string): Value {
    const a = r.attrs as { axes: number | [number, number]; normalize: boolean };
    const [x, y] = [this.plain(this.input(r, 0)), this.plain(this.input(r, 1))];
    if (x.rank > 3 || y.rank > 3) throw new OnnxError('Dot of inputs with more than 2 axes besides the batch has no ONNX export yet');
    const [ax, ay] = (Array.isArray(a.axes) ? a.axes : [a.axes, a.axes]).map((v, i) => (v < 0 ? v + [x, y][i].rank : v));
    let xs = x.name, ys = y.name;
    if (a.normalize) {
      const unit = (v: string, axis: number, tag: string) => {
        const sq = this.emit('ReduceSumSquare', [v], { axes: [axis], keepdims: 1 }, `${out}/${tag}/sumsq`);
        const norm = this.emit('Sqrt', [this.emit('Max', [sq, this.floats(`${out}/${tag}/floor`, [], [1e-12])], {}, `${out}/${tag}/floored`)], {}, `${out}/${tag}/norm`);
        return this.emit('Div', [v, norm], {}, `${out}/${tag}/unit`);
      };
      xs = unit(xs, ax, 'x');
      ys = unit(ys, ay, 'y');
    }
    // x → [N, P, K], y → [N, K, Q]
    if (x.rank === 2) xs = this.emit('Unsqueeze', [xs, this.ints(`${out}/x/axes`, [1])], {}, `${out}/x/row`);
    else if (ax === 1) xs = this.emit('Transpose', [xs], { perm: [0, 2, 1] }, `${out}/x/t`);
    if (y.rank === 2) ys = this.emit('Unsqueeze', [ys, this.ints(`${out}/y/axes`, [2])], {}, `${out}/y/column`);
    else if (ay === 2) ys = this.emit('Transpose', [ys], { perm: [0, 2, 1] }, `${out}/y/t`);
    const product = this.emit('MatMul', [xs, ys], {}, `${out}/matmul`);
    return { name: this.emit('Reshape', [product, this.ints(`${out}/shape`, [0, ...r.shape!])], {}, out), nchw: false, rank: r.shape!.length + 1 };
  }
}

/** Keras HWIO [KH, KW, C, OC] → ONNX OIHW [OC, C, KH, KW]. */
function hwioToOihw(k: ArrayLike<number>, KH: number, KW: number, C: number, OC: number): Float32Array {
  const w = new Float32Array(KH * KW * C * OC);
  for (let ky = 0; ky < KH; ky++) for (let kx = 0; kx < KW; kx++) for (let c = 0; c < C; c++) for (let oc = 0; oc < OC; oc++)
    w[((oc * C + c) * KH + ky) * KW + kx] = k[((ky * KW + kx) * C + c) * OC + oc];
  return w;
}

function info(name: string, dims: (number | string)[]): OnnxValueInfo {
  return { name, type: { tensor_type: { elem_type: 1, shape: { dim: dims.map((d) => (typeof d === 'string' ? { dim_param: d } : { dim_value: d })) } } } };
}
