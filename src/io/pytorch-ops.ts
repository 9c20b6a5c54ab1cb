// PyTorch export, per op: what each op of the registry becomes in the generated nn.Module — its layer
// in __init__ (with its weights in PyTorch's layout), its line in forward, and the small functions of the
// file that stand in for what PyTorch lacks (Keras' asymmetric 'same' padding, Cropping2D, batch_dot …).
//
// Why a table beside the exporter rather than a field of each op file: the op files hold what an op *is*
// (attrs, shapes, the reference, GPU traits) and import nothing of any exporter; each backend that
// translates ops keeps its own table — the GPU lowering (src/compile/ops/index.ts), the ONNX import
// (onnx-import-ops.ts CONVERTERS), the ONNX and Keras exports. Python source in src/ops/*.ts would pull
// code generation into every consumer of the registry (the editor's palette, the workers). This table is
// still the one home of an op's PyTorch form, and pytorch-export.test.ts fails while an op of the
// registry has no row here.
import type { Shape } from '../graph/types.ts';
import type { NodeReport } from '../graph/analyze.ts';
import { window2d, type Padding, type Window } from '../ops/geometry.ts';
import { argmaxGeometry, type MaxPoolWithArgmax2DAttrs } from '../ops/max-pool-with-argmax2d.ts';
import { poolGeometry, type Pool2DAttrs } from '../ops/max-pool2d.ts';
import { randomCropSampling, type RandomCropAttrs } from '../ops/random-crop.ts';
import { softmaxAxis } from '../ops/softmax.ts';
import { tensor, type Tensor } from '../tensor.ts';

/** A value of the generated forward: its Python variable and its deepwire shape (no batch). */
export interface TorchValue {
  name: string;
  shape: Shape;
}

/**
 * What an op's row gets to write its node. Layout rule of the generated code, everywhere: a tensor whose
 * deepwire shape is H×W×C (rank 3) is N×C×H×W in PyTorch; every other tensor keeps deepwire's order.
 */
export interface TorchNode {
  node: NodeReport;
  attrs: Record<string, any>;
  inputs: TorchValue[];
  /** The node's output shape (no batch). */
  shape: Shape;
  weights: Record<string, Tensor>;
  /** Declares the node's layer `self.<name> = <constructor>` with its state (PyTorch layout); returns `self.<name>`. */
  layer(constructor: string, state?: Record<string, Tensor>): string;
  /** Puts one of PYTHON_HELPERS in the file; returns its name. */
  helper(name: HelperName): string;
}

/** An op's PyTorch form: the Python expression of its output, in the layout rule's order. */
export type TorchEmitter = (n: TorchNode) => string;

// ── the ops ──

export const PYTORCH_OPS: Record<string, TorchEmitter> = {
  // Inputs are the forward's arguments (pytorch-export.ts); a row keeps the table complete.
  Input: () => {
    throw new Error('Input nodes are the arguments of forward');
  },

  Conv2D: (n) => {
    const a = n.attrs;
    const [x] = n.inputs;
    const kernel = n.weights.kernel; // [KH, KW, C/groups, OC]
    const [KH, KW, CG, OC] = kernel.shape;
    const pads = convPads(x.shape, a.kernel_size, a.strides, a.dilation_rate, a.padding);
    const state: Record<string, Tensor> = { weight: permute(kernel, [3, 2, 0, 1]) };
    if (a.use_bias) state.bias = n.weights.bias;
    const args = [`${CG * a.groups}, ${OC}`, `kernel_size=${pyPair([KH, KW])}`, ...strideArgs(a.strides), ...symmetricPadArg(pads),
      ...(a.dilation_rate[0] > 1 || a.dilation_rate[1] > 1 ? [`dilation=${pyPair(a.dilation_rate)}`] : []),
      ...(a.groups > 1 ? [`groups=${a.groups}`] : []), ...(a.use_bias ? [] : ['bias=False'])];
    const conv = n.layer(`nn.Conv2d(${args.join(', ')})`, state);
    return activation(n, a.activation, `${conv}(${padded(n, x.name, pads)})`, n.shape);
  },

  DepthwiseConv2D: (n) => {
    const a = n.attrs;
    const [x] = n.inputs;
    const { conv, pads, weight } = depthwiseConv(n, a.use_bias);
    const layer = n.layer(conv, a.use_bias ? { weight, bias: n.weights.bias } : { weight });
    return activation(n, a.activation, `${layer}(${padded(n, x.name, pads)})`, n.shape);
  },

  SeparableConv2D: (n) => {
    const a = n.attrs;
    const [x] = n.inputs;
    const { conv, pads, weight } = depthwiseConv(n, false);
    const pointwise = n.weights.pointwise_kernel; // [1, 1, C·DM, OC]
    const state: Record<string, Tensor> = { 'depthwise.weight': weight, 'pointwise.weight': permute(pointwise, [3, 2, 0, 1]) };
    if (a.use_bias) state['pointwise.bias'] = n.weights.bias;
    const pointwiseConv = `nn.Conv2d(${pointwise.shape[2]}, ${pointwise.shape[3]}, kernel_size=1${a.use_bias ? '' : ', bias=False'})`;
    const layer = n.layer(`${n.helper('SeparableConv2d')}(${conv}, ${pointwiseConv})`, state);
    return activation(n, a.activation, `${layer}(${padded(n, x.name, pads)})`, n.shape);
  },

  Dense: (n) => {
    const a = n.attrs;
    const [x] = n.inputs;
    const kernel = n.weights.kernel; // [in, units]
    const state: Record<string, Tensor> = { weight: permute(kernel, [1, 0]) };
    if (a.use_bias) state.bias = n.weights.bias;
    const linear = n.layer(`nn.Linear(${kernel.shape[0]}, ${kernel.shape[1]}${a.use_bias ? '' : ', bias=False'})`, state);
    // Over an image's channels: nn.Linear works on the last axis, so the channels go there and back.
    const y = isImage(x.shape) ? `${linear}(${x.name}.movedim(1, -1)).movedim(-1, 1)` : `${linear}(${x.name})`;
    return activation(n, a.activation, y, n.shape);
  },

  MaxPool2D: (n) => pool(n, 'max'),
  AveragePool2D: (n) => pool(n, 'average'),

  MaxPoolWithArgmax2D: (n) => {
    const a = n.attrs as MaxPoolWithArgmax2DAttrs;
    const [x] = n.inputs;
    const { h, w, strides } = argmaxGeometry(x.shape, a);
    const pads = poolPads(x.shape, a.pool_size, strides, a.dilation_rate, h, w);
    const f = n.helper('max_pool_with_argmax');
    return `${f}(${x.name}, kernel_size=${pyPair(a.pool_size)}, stride=${pyPair(strides)}, dilation=${pyPair(a.dilation_rate)}, ` +
      `pads=${pyPads(pads)}, output=${pyStr(a.output)}, index_order=${pyStr(a.index_order)})`;
  },

  GlobalAveragePool2D: (n) => `${n.inputs[0].name}.mean(dim=(2, 3)${n.attrs.keepdims ? ', keepdim=True' : ''})`,
  GlobalMaxPool2D: (n) => `${n.inputs[0].name}.amax(dim=(2, 3)${n.attrs.keepdims ? ', keepdim=True' : ''})`,

  BatchNormalization: (n) => {
    const a = n.attrs;
    const [x] = n.inputs;
    const C = n.weights.moving_mean.data.length;
    // Keras' center / scale off: PyTorch's affine layer with beta 0 / gamma 1 computes the same.
    const state = {
      weight: a.scale ? n.weights.gamma : filledTensor(C, 1),
      bias: a.center ? n.weights.beta : filledTensor(C, 0),
      running_mean: n.weights.moving_mean, running_var: n.weights.moving_variance,
    };
    const rank = x.shape.length + 1;
    const kind = rank === 4 ? 'BatchNorm2d' : rank === 5 ? 'BatchNorm3d' : 'BatchNorm1d';
    // PyTorch's momentum weighs the new batch, Keras' the running average: 1 − Keras' (used only in training).
    const bn = n.layer(`nn.${kind}(${C}, eps=${py(a.epsilon)}, momentum=${py(roundFloat(1 - a.momentum))})`, state);
    // Channels at axis 1, as PyTorch's batch norms take them: an image already; otherwise moved from the last axis.
    if (rank === 2 || rank === 4) return `${bn}(${x.name})`;
    return `${bn}(${x.name}.movedim(-1, 1)).movedim(1, -1)`;
  },

  LayerNormalization: (n) => {
    const a = n.attrs;
    const [x] = n.inputs;
    const C = x.shape[x.shape.length - 1];
    const state = { weight: a.scale ? n.weights.gamma : filledTensor(C, 1), bias: a.center ? n.weights.beta : filledTensor(C, 0) };
    const ln = n.layer(`nn.LayerNorm(${C}, eps=${py(a.epsilon)})`, state);
    // PyTorch's LayerNorm takes the last axis: an image's channels (axis 1) are moved there and back.
    return isImage(x.shape) ? `${ln}(${x.name}.movedim(1, -1)).movedim(-1, 1)` : `${ln}(${x.name})`;
  },

  Normalization: (n) => {
    const a = n.attrs;
    const [x] = n.inputs;
    const C = x.shape[x.shape.length - 1];
    const at = (v: ArrayLike<number>, c: number) => (v.length === 1 ? v[0] : v[c]);
    const statistic = (given: number[] | null, stored: string) =>
      Float32Array.from({ length: C }, (_, c) => at(given ?? n.weights[stored].data, c));
    // Stored already shaped to broadcast over the channels: C×1×1 for an image, C for the last axis.
    const shape = isImage(x.shape) ? [C, 1, 1] : [C];
    const state = { mean: tensor(shape, statistic(a.mean, 'mean')), variance: tensor(shape, statistic(a.variance, 'variance')) };
    return `${n.layer(`${n.helper('Normalization')}(${pyTuple(shape)}${a.invert ? ', invert=True' : ''})`, state)}(${x.name})`;
  },

  Rescaling: (n) => {
    const { scale, offset } = n.attrs;
    const x = n.inputs[0].name;
    return offset === 0 ? `${x} * ${py(scale)}` : `${x} * ${py(scale)} + ${py(offset)}`;
  },

  Activation: (n) => activation(n, n.attrs.activation, n.inputs[0].name, n.shape),

  ReLU: (n) => {
    const { max_value: max, negative_slope: slope, threshold } = n.attrs;
    const x = n.inputs[0].name;
    if (threshold === 0 && slope === 0) return max === null ? `F.relu(${x})` : max === 6 ? `F.relu6(${x})` : `${x}.clamp(0, ${py(max)})`;
    if (threshold === 0 && max === null) return `F.leaky_relu(${x}, ${py(slope)})`;
    return `${n.helper('keras_relu')}(${x}, max_value=${max === null ? 'None' : py(max)}, negative_slope=${py(slope)}, threshold=${py(threshold)})`;
  },

  LeakyReLU: (n) => `F.leaky_relu(${n.inputs[0].name}, ${py(n.attrs.negative_slope)})`,

  Softmax: (n) => {
    const [x] = n.inputs;
    return `torch.softmax(${x.name}, dim=${torchAxis(x.shape, softmaxAxis(x.shape, n.attrs.axis))})`;
  },

  // Keras' merge layers: PyTorch's operators and functions, Keras' broadcasting (from the right, no batch).
  Add: (n) => merge(n, (xs) => xs.join(' + ')),
  Subtract: (n) => merge(n, ([x, y]) => `${x} - ${y}`),
  Multiply: (n) => merge(n, (xs) => xs.join(' * ')),
  Divide: (n) => merge(n, ([x, y]) => `${x} / ${y}`),
  Average: (n) => merge(n, (xs) => `(${xs.join(' + ')}) / ${xs.length}`),
  Maximum: (n) => merge(n, (xs) => xs.slice(1).reduce((acc, x) => `torch.maximum(${acc}, ${x})`, xs[0])),
  Minimum: (n) => merge(n, (xs) => xs.slice(1).reduce((acc, x) => `torch.minimum(${acc}, ${x})`, xs[0])),

  Concatenate: (n) => {
    const shape = n.inputs[0].shape;
    const rank = shape.length + 1;
    const axis = n.attrs.axis < 0 ? n.attrs.axis + rank : n.attrs.axis;
    return `torch.cat([${n.inputs.map((v) => v.name).join(', ')}], dim=${torchAxis(shape, axis)})`;
  },

  Dot: (n) => {
    const [x, y] = n.inputs;
    const [ax, ay] = typeof n.attrs.axes === 'number' ? [n.attrs.axes, n.attrs.axes] : n.attrs.axes;
    const resolve = (axis: number, shape: Shape) => (axis < 0 ? axis + shape.length + 1 : axis);
    const dot = `${n.helper('batch_dot')}(${channelsLast(n, x)}, ${channelsLast(n, y)}, ${resolve(ax, x.shape)}, ${resolve(ay, y.shape)}` +
      `${n.attrs.normalize ? ', normalize=True' : ''})`;
    return fromChannelsLast(n, dot, n.shape);
  },

  ZeroPadding2D: (n) => {
    const [[t, b], [l, r]] = n.attrs.padding;
    return `${n.layer(`nn.ZeroPad2d(${pyTuple([l, r, t, b])})`)}(${n.inputs[0].name})`;
  },

  Pad2D: (n) => {
    const [[t, b], [l, r]] = n.attrs.padding;
    const sides = pyTuple([l, r, t, b]);
    const layer = n.attrs.mode === 'reflect' ? `nn.ReflectionPad2d(${sides})`
      : n.attrs.mode === 'edge' ? `nn.ReplicationPad2d(${sides})`
      : `nn.ConstantPad2d(${sides}, ${py(n.attrs.constant_value)})`;
    return `${n.layer(layer)}(${n.inputs[0].name})`;
  },

  Cropping2D: (n) => {
    const [[t, b], [l, r]] = n.attrs.cropping;
    return `${n.helper('crop2d')}(${n.inputs[0].name}, top=${t}, bottom=${b}, left=${l}, right=${r})`;
  },

  Flatten: (n) => `torch.flatten(${channelsLast(n, n.inputs[0])}, 1)`,

  Reshape: (n) => {
    const [x] = n.inputs;
    return fromChannelsLast(n, `${channelsLast(n, x)}.reshape(${x.name}.shape[0], ${n.shape.join(', ')})`, n.shape);
  },

  ChannelShuffle: (n) => {
    const [x] = n.inputs;
    const f = n.helper('channel_shuffle');
    return isImage(x.shape) ? `${f}(${x.name}, ${n.attrs.groups})` : `${f}(${x.name}.movedim(-1, 1), ${n.attrs.groups}).movedim(1, -1)`;
  },
  // An image's channels are axis 1 (N×C×H×W); any other tensor's its last axis.
  ChannelSlice: (n) => `${n.inputs[0].name}[${isImage(n.inputs[0].shape) ? ':, ' : '..., '}${n.attrs.start}:${n.attrs.end}]`,

  Dropout: (n) => `${n.layer(`nn.Dropout(p=${py(n.attrs.rate)})`)}(${n.inputs[0].name})`,

  // The augmentation layers as inference runs them (the module is exported for inference; see its docstring).
  RandomFlip: (n) => n.inputs[0].name,
  RandomTranslation: (n) => n.inputs[0].name,
  RandomCrop: (n) => {
    const [x] = n.inputs;
    const s = randomCropSampling(n.attrs as RandomCropAttrs, x.shape, false);
    const [wy, wx] = s.window;
    const window = `${x.name}[:, :, ${wy.lo}:${wy.lo + wy.len}, ${wx.lo}:${wx.lo + wx.len}]`;
    if (wy.len === s.out[0] && wx.len === s.out[1]) return window;
    // Half-pixel bilinear, edges clamped, no antialias: Keras' resize of the centered window.
    return `F.interpolate(${window}, size=${pyPair(s.out)}, mode='bilinear', align_corners=False)`;
  },
};

// ── shared pieces ──

const isImage = (shape: Shape) => shape.length === 3;

/** Keras' axis (batch = 0) of a tensor of `shape` as PyTorch's dim under the layout rule. */
function torchAxis(shape: Shape, axis: number): number {
  return isImage(shape) ? [0, 2, 3, 1][axis] : axis;
}

/** `x` in deepwire's (channels-last) order. */
function channelsLast(n: TorchNode, x: TorchValue): string {
  return isImage(x.shape) ? `${n.helper('nchw_to_nhwc')}(${x.name})` : x.name;
}

/** A channels-last expression brought to the layout rule's order for `shape`. */
function fromChannelsLast(n: TorchNode, expr: string, shape: Shape): string {
  return isImage(shape) ? `${n.helper('nhwc_to_nchw')}(${expr})` : expr;
}

/** A Keras activation applied to `x` (an expression whose value has `shape`). */
function activation(n: TorchNode, name: string, x: string, shape: Shape): string {
  switch (name) {
    case 'linear': return x;
    case 'relu': return `F.relu(${x})`;
    case 'relu6': return `F.relu6(${x})`;
    case 'leaky_relu': return `F.leaky_relu(${x}, 0.2)`; // Keras' default negative_slope
    case 'elu': return `F.elu(${x})`;
    case 'sigmoid': return `torch.sigmoid(${x})`;
    case 'hard_sigmoid': return `${n.helper('hard_sigmoid')}(${x})`;
    case 'swish': return `F.silu(${x})`;
    case 'tanh': return `torch.tanh(${x})`;
    case 'softplus': return `F.softplus(${x})`;
    case 'softsign': return `F.softsign(${x})`;
    case 'gelu': return `F.gelu(${x})`; // approximate='none', Keras' default
    // over the channels: the last axis in Keras
    case 'softmax': return `torch.softmax(${x}, dim=${isImage(shape) ? 1 : -1})`;
    default: throw new TorchExportError(`activation '${name}' has no PyTorch form yet`);
  }
}

/** Elementwise merges: same-rank inputs as they are; mixed ranks channels-last, the lower ranks widened after the batch. */
function merge(n: TorchNode, combine: (xs: string[]) => string): string {
  const rank = Math.max(...n.inputs.map((v) => v.shape.length));
  if (n.inputs.every((v) => v.shape.length === rank)) return combine(n.inputs.map((v) => v.name));
  const widen = n.helper('broadcast_from_right');
  const xs = n.inputs.map((v) => (v.shape.length === rank ? channelsLast(n, v) : `${widen}(${channelsLast(n, v)}, ${rank + 1})`));
  return fromChannelsLast(n, combine(xs), n.shape);
}

export class TorchExportError extends Error {}

/** Pads of a window in PyTorch's F.pad order: left, right, top, bottom. */
type Pads = [number, number, number, number];

function convPads(x: Shape, kernel: [number, number], strides: [number, number], dilation: [number, number], padding: Padding): Pads {
  const [h, w] = window2d('Conv2D', x, kernel, strides, dilation, padding);
  return [w.padBefore, w.padAfter, h.padBefore, h.padAfter];
}

const isSymmetric = ([l, r, t, b]: Pads) => l === r && t === b;

/** A conv's padding argument when PyTorch's own (both sides alike) does it; else none (padded() pads before). */
function symmetricPadArg(pads: Pads): string[] {
  const [l, , t] = pads;
  return isSymmetric(pads) && (l > 0 || t > 0) ? [`padding=${pyPair([t, l])}`] : [];
}

/** `x`, padded first where the pads differ on either side (Keras' 'same' with strides, explicit pads). */
function padded(n: TorchNode, x: string, pads: Pads): string {
  if (isSymmetric(pads)) return x;
  return `${n.helper('pad2d')}(${x}, ${pyPads(pads)})`;
}

function strideArgs(strides: [number, number]): string[] {
  return strides[0] === 1 && strides[1] === 1 ? [] : [`stride=${pyPair(strides)}`];
}

/** Depthwise conv as a grouped nn.Conv2d (groups = C): [KH, KW, C, DM] → [C·DM, 1, KH, KW], channel c·DM + m as Keras. */
function depthwiseConv(n: TorchNode, bias: boolean): { conv: string; pads: Pads; weight: Tensor } {
  const a = n.attrs;
  const [x] = n.inputs;
  const k = n.weights.depthwise_kernel;
  const [KH, KW, C, DM] = k.shape;
  const weight = tensor([C * DM, 1, KH, KW], permute(k, [2, 3, 0, 1]).data);
  const pads = convPads(x.shape, a.kernel_size, a.strides, a.dilation_rate, a.padding);
  const args = [`${C}, ${C * DM}`, `kernel_size=${pyPair([KH, KW])}`, ...strideArgs(a.strides), ...symmetricPadArg(pads),
    ...(a.dilation_rate[0] > 1 || a.dilation_rate[1] > 1 ? [`dilation=${pyPair(a.dilation_rate)}`] : []), `groups=${C}`, ...(bias ? [] : ['bias=False'])];
  return { conv: `nn.Conv2d(${args.join(', ')})`, pads, weight };
}

/**
 * Pads of a pooling window, including what ceil_mode adds past the end: a floor-mode pooling of the
 * padded input then gives exactly deepwire's output size.
 */
function poolPads(x: Shape, pool: [number, number], strides: [number, number], dilation: [number, number], h: Window, w: Window): Pads & { extra: [number, number] } {
  const extra = (win: Window, size: number, k: number, s: number, d: number) =>
    Math.max(0, (win.out - 1) * s + (k - 1) * d + 1 - (size + win.padBefore + win.padAfter));
  const eh = extra(h, x[0], pool[0], strides[0], dilation[0]), ew = extra(w, x[1], pool[1], strides[1], dilation[1]);
  return Object.assign([w.padBefore, w.padAfter + ew, h.padBefore, h.padAfter + eh] as Pads, { extra: [eh, ew] as [number, number] });
}

function pool(n: TorchNode, kind: 'max' | 'average'): string {
  const a = n.attrs as Pool2DAttrs & { count_include_pad?: boolean };
  const [x] = n.inputs;
  const { h, w, strides } = poolGeometry(n.node.op, x.shape, a);
  const args = [`kernel_size=${pyPair(a.pool_size)}`, ...(strides[0] === a.pool_size[0] && strides[1] === a.pool_size[1] ? [] : [`stride=${pyPair(strides)}`])];
  const symmetric = h.padBefore === h.padAfter && w.padBefore === w.padAfter;
  // PyTorch's pools pad both sides alike, at most half the window; ceil_mode as deepwire's.
  if (symmetric && 2 * h.padBefore <= a.pool_size[0] && 2 * w.padBefore <= a.pool_size[1]) {
    if (h.padBefore || w.padBefore) args.push(`padding=${pyPair([h.padBefore, w.padBefore])}`);
    if (a.ceil_mode) args.push('ceil_mode=True');
    if (kind === 'average' && (h.padBefore || w.padBefore || a.ceil_mode) && !a.count_include_pad) args.push('count_include_pad=False');
    return `${n.layer(`nn.${kind === 'max' ? 'MaxPool2d' : 'AvgPool2d'}(${args.join(', ')})`)}(${x.name})`;
  }
  const pads = poolPads(x.shape, a.pool_size, strides, [1, 1], h, w);
  if (kind === 'max') return `F.max_pool2d(${n.helper('pad2d')}(${x.name}, ${pyPads(pads)}, value=float('-inf')), ${args.join(', ')})`;
  // Keras' 'same' averages over the window's part inside the input; count_include_pad counts the pads too, not ceil_mode's overhang.
  const [l, r, t, b] = pads;
  const counted = a.count_include_pad ? `, counted_pads=${pyPads([l, r - pads.extra[1], t, b - pads.extra[0]])}` : '';
  return `${n.helper('average_pool2d')}(${x.name}, ${pyPair(a.pool_size)}, ${pyPair(strides)}, pads=${pyPads([l, r, t, b])}${counted})`;
}

/** Copies `t` with its axes permuted (`perm[i]` is the source axis of axis i). */
export function permute(t: Tensor, perm: number[]): Tensor {
  const shape = perm.map((p) => t.shape[p]);
  const out = tensor(shape);
  const srcStrides = t.shape.map((_, i) => t.shape.slice(i + 1).reduce((p, d) => p * d, 1));
  const strides = perm.map((p) => srcStrides[p]);
  const index = new Array(shape.length).fill(0);
  for (let o = 0; o < out.data.length; o++) {
    let src = 0;
    for (let i = 0; i < shape.length; i++) src += index[i] * strides[i];
    out.data[o] = t.data[src];
    for (let i = shape.length - 1; i >= 0; i--) {
      if (++index[i] < shape[i]) break;
      index[i] = 0;
    }
  }
  return out;
}

function filledTensor(length: number, value: number): Tensor {
  return tensor([length], new Float32Array(length).fill(value));
}

/** 1 − 0.99 printed as 0.01, not 0.010000000000000009. */
const roundFloat = (v: number) => Number(v.toPrecision(12));

// ── Python literals ──

export function py(v: number): string {
  if (!Number.isFinite(v)) return v > 0 ? "float('inf')" : v < 0 ? "float('-inf')" : "float('nan')";
  return String(v);
}

export function pyTuple(v: readonly number[]): string {
  return v.length === 1 ? `(${py(v[0])},)` : `(${v.map(py).join(', ')})`;
}

/** A pair that is one number when both are equal (`3` for (3, 3)), as PyTorch's layers take it. */
function pyPair([a, b]: readonly number[]): string {
  return a === b ? py(a) : pyTuple([a, b]);
}

const pyPads = (pads: readonly number[]) => pyTuple(pads.slice(0, 4));

/** A Python string literal: single-quoted when plain, else JSON's escapes (a subset of Python's). */
export function pyStr(s: string): string {
  return /^[\x20-\x7e]*$/.test(s) && !/['\\]/.test(s) ? `'${s}'` : JSON.stringify(s);
}

// ── the file's own functions, for what PyTorch lacks ──

export const PYTHON_HELPERS = {
  nhwc_to_nchw: `
def nhwc_to_nchw(x):
    """N×H×W×C (deepwire's and Keras' layout) to N×C×H×W (PyTorch's)."""
    return x.permute(0, 3, 1, 2)`,
  nchw_to_nhwc: `
def nchw_to_nhwc(x):
    """N×C×H×W (PyTorch's layout) to N×H×W×C (deepwire's and Keras')."""
    return x.permute(0, 2, 3, 1)`,
  pad2d: `
def pad2d(x, pads, value=0.0):
    """Pads an N×C×H×W tensor by (left, right, top, bottom): each side its own amount, as Keras' 'same'
    padding with strides needs (one more row and column after than before), where PyTorch's layers
    pad both sides alike."""
    return F.pad(x, pads, value=value)`,
  average_pool2d: `
def average_pool2d(x, kernel_size, stride, pads, counted_pads=(0, 0, 0, 0)):
    """Average pooling with pads (left, right, top, bottom) that may differ on either side. Keras divides
    by the part of the window inside the input; counted_pads count too (PyTorch's count_include_pad),
    the rest of pads (ceil_mode's overhang) never."""
    counted = F.pad(torch.ones_like(x[:1, :1]), counted_pads, value=1.0)
    uncounted = tuple(p - c for p, c in zip(pads, counted_pads))
    window_sums = F.avg_pool2d(F.pad(x, pads), kernel_size, stride, divisor_override=1)
    window_counts = F.avg_pool2d(F.pad(counted, uncounted), kernel_size, stride, divisor_override=1)
    return window_sums / window_counts`,
  max_pool_with_argmax: `
def max_pool_with_argmax(x, kernel_size, stride, dilation, pads, output, index_order):
    """deepwire's MaxPoolWithArgmax2D: max pooling with dilation and pads (left, right, top, bottom),
    giving the maxima or the flat index of each in the whole input batch, as a float, in the order
    nhwc (TensorFlow's max_pool_with_argmax), nchw (ONNX MaxPool's Indices) or ncwh; -1 for a window
    wholly in the padding. Ties go to the first cell of the window, as in deepwire."""
    left, right, top, bottom = pads
    values, where = F.max_pool2d(F.pad(x, pads, value=float('-inf')), kernel_size, stride, dilation=dilation, return_indices=True)
    if output == 'values':
        return values
    n, c, h, w = x.shape
    padded_width = w + left + right
    row, col = where // padded_width - top, where % padded_width - left
    batch = torch.arange(n).view(n, 1, 1, 1)
    channel = torch.arange(c).view(1, c, 1, 1)
    if index_order == 'nhwc':
        index = ((batch * h + row) * w + col) * c + channel
    elif index_order == 'nchw':
        index = ((batch * c + channel) * h + row) * w + col
    else:
        index = ((batch * c + channel) * w + col) * h + row
    inside = (row >= 0) & (row < h) & (col >= 0) & (col < w)
    return torch.where(inside, index, torch.full_like(index, -1)).to(x.dtype)`,
  crop2d: `
def crop2d(x, top, bottom, left, right):
    """Keras' Cropping2D: drops rows and columns at the edges of an N×C×H×W tensor."""
    return x[:, :, top:x.shape[2] - bottom, left:x.shape[3] - right]`,
  hard_sigmoid: `
def hard_sigmoid(x):
    """Keras 2's (and TF.js', ONNX's) hard sigmoid, clip(0.2·x + 0.5, 0, 1); PyTorch's F.hardsigmoid is x/6 + 1/2."""
    return (0.2 * x + 0.5).clamp(0.0, 1.0)`,
  keras_relu: `
def keras_relu(x, max_value, negative_slope, threshold):
    """Keras' ReLU layer: min(x, max_value) from the threshold up, negative_slope·(x − threshold) below."""
    above = x if max_value is None else x.clamp(max=max_value)
    return torch.where(x >= threshold, above, negative_slope * (x - threshold))`,
  broadcast_from_right: `
def broadcast_from_right(x, rank):
    """Keras' merge broadcasting: a channels-last tensor of lower rank gets axes of 1 after the batch, so
    that its axes line up with the other inputs' from the right."""
    return x.reshape(x.shape[0], *([1] * (rank - x.dim())), *x.shape[1:])`,
  batch_dot: `
def batch_dot(x, y, axis_x, axis_y, normalize=False):
    """Keras' Dot layer (batch_dot) on channels-last tensors: per batch item, sums x·y over axis_x of x and
    axis_y of y (the batch is axis 0); the other axes of x, then of y, remain (one axis of 1 if none).
    normalize: both L2-normalised along those axes first (cosine proximity)."""
    if normalize:
        x, y = F.normalize(x, dim=axis_x, eps=1e-6), F.normalize(y, dim=axis_y, eps=1e-6)
    x, y = x.movedim(axis_x, -1), y.movedim(axis_y, 1)
    n, size = x.shape[0], x.shape[-1]
    out = torch.bmm(x.reshape(n, -1, size), y.reshape(n, size, -1))
    rest = (*x.shape[1:-1], *y.shape[2:])
    return out.reshape(n, *(rest or (1,)))`,
  channel_shuffle: `
def channel_shuffle(x, groups):
    """ShuffleNet's channel shuffle over axis 1: the groups of channels interleave."""
    n, c = x.shape[:2]
    return x.reshape(n, groups, c // groups, *x.shape[2:]).transpose(1, 2).reshape(x.shape)`,
  SeparableConv2d: `
class SeparableConv2d(nn.Module):
    """Keras' SeparableConv2D: a depthwise convolution (groups = channels), then a 1×1 pointwise one."""

    def __init__(self, depthwise, pointwise):
        super().__init__()
        self.depthwise = depthwise
        self.pointwise = pointwise

    def forward(self, x):
        return self.pointwise(self.depthwise(x))`,
  Normalization: `
class Normalization(nn.Module):
    """Keras' Normalization layer: (x − mean) / max(√variance, 1e-7) per channel; invert: x·std + mean.
    mean and variance are shaped to broadcast over the channels (C×1×1 for an image)."""

    def __init__(self, shape, invert=False):
        super().__init__()
        self.invert = invert
        self.register_buffer('mean', torch.zeros(shape))
        self.register_buffer('variance', torch.ones(shape))

    def forward(self, x):
        std = torch.sqrt(self.variance).clamp(min=1e-7)
        return x * std + self.mean if self.invert else (x - self.mean) / std`,
} as const;

export type HelperName = keyof typeof PYTHON_HELPERS;
