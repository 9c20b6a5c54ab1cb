// A deepwire graph as TF.js ops (NHWC, Keras weight layouts as they are), shaped like what
// tfjs-converter makes of a Keras model: BatchNorm folded into the conv before it, bias and ReLU
// fused into the conv (tf.fused.conv2d), so TF.js runs its best path.
import type * as TF from '@tensorflow/tfjs';
import { window2d, type Padding, type Window } from '../../src/ops/geometry.ts';
import type { Workload } from '../workloads.ts';
import type { Tensor } from '../../src/tensor.ts';

type Weights = Record<string, Tensor>;
type Fn = (x: TF.Tensor[]) => TF.Tensor;

const FUSABLE: Record<string, TF.fused.Activation> = { linear: 'linear', relu: 'relu', relu6: 'relu6', elu: 'elu', sigmoid: 'sigmoid' };
const pair = (v: unknown) => v as [number, number];

/** Keras padding → tf padding: 'same', 'valid' or explicit NHWC pads. */
function tfPad(padding: unknown): 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]] {
  if (padding === 'same' || padding === 'valid') return padding;
  const [[t, b], [l, r]] = padding as [[number, number], [number, number]];
  return [[0, 0], [t, b], [l, r], [0, 0]];
}

function activate(tf: typeof TF, x: TF.Tensor, name: string): TF.Tensor {
  switch (name) {
    case 'linear': return x;
    case 'relu': return tf.relu(x);
    case 'relu6': return tf.relu6(x);
    case 'sigmoid': return tf.sigmoid(x);
    case 'tanh': return tf.tanh(x);
    case 'elu': return tf.elu(x);
    case 'softmax': return tf.softmax(x);
    case 'swish': return tf.mul(x, tf.sigmoid(x));
    default: throw new Error(`no TF.js mapping for activation '${name}'`);
  }
}

/** Builds `forward(x)`; the weights become GPU-resident TF.js tensors (disposed by `dispose`). */
export function tfjsModel(tf: typeof TF, w: Workload): { forward: (x: TF.Tensor) => TF.Tensor; dispose: () => void } {
  const { report } = w;
  const held: TF.Tensor[] = [];
  const keep = <T extends TF.Tensor>(t: T) => (held.push(t), t);
  const data = (t: Tensor) => keep(tf.tensor(t.data, t.shape));
  const consumers = new Map<string, string[]>();
  for (const n of report.nodes) for (const i of n.inputs) consumers.set(i, [...(consumers.get(i) ?? []), n.id]);
  const sole = (id: string) => {
    const c = consumers.get(id) ?? [];
    return c.length === 1 && id !== w.output ? report.byId.get(c[0])! : null;
  };

  const fns = new Map<string, Fn>();
  const alias = new Map<string, string>(); // a node folded into another: read the other's output
  for (const id of report.order) {
    const n = report.byId.get(id)!;
    if (alias.has(id)) continue;
    const a = n.attrs as Record<string, unknown>;
    const wt = (w.weights.get(id) ?? {}) as Weights;
    switch (n.op) {
      case 'Input': break;
      case 'Conv2D': {
        if ((a.groups as number) !== 1) throw new Error('grouped Conv2D has no TF.js op');
        let kernel = wt.kernel.data, bias = a.use_bias ? wt.bias.data : new Float32Array(a.filters as number);
        let act = a.activation as string, last = id;
        const OC = a.filters as number;
        const bn = act === 'linear' ? sole(id) : null;
        if (bn?.op === 'BatchNormalization') {
          ({ kernel, bias } = foldBatchNorm(kernel, bias, OC, bn.attrs as Record<string, unknown>, w.weights.get(bn.id) as Weights));
          alias.set(bn.id, id);
          last = bn.id;
        }
        const next = act === 'linear' ? sole(last) : null;
        if (next && (next.op === 'Activation' || (next.op === 'ReLU' && isPlainRelu(next.attrs))) && FUSABLE[activationName(next)]) {
          act = activationName(next);
          alias.set(next.id, id);
        }
        const filter = keep(tf.tensor4d(kernel, wt.kernel.shape as [number, number, number, number]));
        const b = keep(tf.tensor1d(bias));
        const fusable = FUSABLE[act];
        const conv = { strides: pair(a.strides), pad: tfPad(a.padding), dilations: pair(a.dilation_rate) };
        fns.set(id, ([x]) => {
          const y = tf.fused.conv2d({ x: x as TF.Tensor4D, filter, bias: b, activation: fusable ?? 'linear', ...conv });
          return fusable ? y : activate(tf, y, act);
        });
        break;
      }
      case 'DepthwiseConv2D': {
        const filter = data(wt.depthwise_kernel) as TF.Tensor4D;
        const b = a.use_bias ? data(wt.bias) : null;
        const act = a.activation as string;
        fns.set(id, ([x]) => {
          let y: TF.Tensor = tf.depthwiseConv2d(x as TF.Tensor4D, filter, pair(a.strides), tfPad(a.padding) as 'same', 'NHWC', pair(a.dilation_rate));
          if (b) y = tf.add(y, b);
          return activate(tf, y, act);
        });
        break;
      }
      case 'Dense': {
        const kernel = data(wt.kernel) as TF.Tensor2D;
        const b = a.use_bias ? data(wt.bias) : undefined;
        const act = a.activation as string;
        fns.set(id, ([x]) => {
          const y = tf.fused.matMul({ a: x as TF.Tensor2D, b: kernel, bias: b, activation: FUSABLE[act] ?? 'linear' });
          return FUSABLE[act] ? y : activate(tf, y, act);
        });
        break;
      }
      case 'BatchNormalization': {
        const C = n.shape![n.shape!.length - 1];
        const ones = new Float32Array(C).fill(1);
        const mean = data(wt.moving_mean), variance = data(wt.moving_variance);
        const gamma = data(wt.gamma ?? { shape: [C], data: ones }), beta = data(wt.beta ?? { shape: [C], data: new Float32Array(C) });
        fns.set(id, ([x]) => tf.batchNorm(x, mean, variance, beta, gamma, a.epsilon as number));
        break;
      }
      case 'MaxPool2D':
      case 'AveragePool2D': {
        const size = pair(a.pool_size), strides = pair(a.strides ?? a.pool_size);
        const pooling = n.op === 'MaxPool2D' ? tf.maxPool : tf.avgPool;
        if (a.ceil_mode || Array.isArray(a.padding)) {
          // Explicit pads (ONNX imports), grown at the end for ceil_mode: TF.js' max pool ignores padded cells.
          if (n.op !== 'MaxPool2D') throw new Error('AveragePool2D with explicit pads or ceil_mode has no TF.js op');
          const input = report.byId.get(n.inputs[0])!.shape!;
          const [h, w] = window2d('MaxPool2D', input, size, strides, [1, 1], a.padding as Padding, a.ceil_mode as boolean);
          const end = (win: Window, k: number, s: number, len: number) => Math.max(win.padAfter, (win.out - 1) * s + k - len - win.padBefore);
          const pad: [[number, number], [number, number], [number, number], [number, number]] =
            [[0, 0], [h.padBefore, end(h, size[0], strides[0], input[0])], [w.padBefore, end(w, size[1], strides[1], input[1])], [0, 0]];
          fns.set(id, ([x]) => tf.maxPool(x as TF.Tensor4D, size, strides, pad));
        } else fns.set(id, ([x]) => pooling(x as TF.Tensor4D, size, strides, a.padding as 'same' | 'valid'));
        break;
      }
      case 'GlobalAveragePool2D': fns.set(id, ([x]) => tf.mean(x, [1, 2], a.keepdims as boolean)); break;
      case 'GlobalMaxPool2D': fns.set(id, ([x]) => tf.max(x, [1, 2], a.keepdims as boolean)); break;
      case 'Concatenate': {
        const axis = (a.axis as number) < 0 ? 4 + (a.axis as number) : (a.axis as number);
        fns.set(id, (xs) => tf.concat(xs, axis));
        break;
      }
      case 'Add': fns.set(id, (xs) => (xs.length === 2 ? tf.add(xs[0], xs[1]) : tf.addN(xs))); break;
      case 'Multiply': fns.set(id, (xs) => xs.reduce((p, q) => tf.mul(p, q))); break;
      case 'Activation': fns.set(id, ([x]) => activate(tf, x, a.activation as string)); break;
      case 'ReLU':
        if (!isPlainRelu(a)) throw new Error('ReLU with a slope or threshold has no TF.js mapping here');
        fns.set(id, ([x]) => (a.max_value === 6 ? tf.relu6(x) : a.max_value == null ? tf.relu(x) : tf.clipByValue(x, 0, a.max_value as number)));
        break;
      case 'ZeroPadding2D': {
        const [[t, b], [l, r]] = a.padding as [[number, number], [number, number]];
        fns.set(id, ([x]) => tf.pad(x, [[0, 0], [t, b], [l, r], [0, 0]]));
        break;
      }
      case 'Flatten': fns.set(id, ([x]) => tf.reshape(x, [x.shape[0], -1])); break;
      case 'Reshape': fns.set(id, ([x]) => tf.reshape(x, [x.shape[0], ...(n.shape as number[])])); break;
      case 'Dropout': fns.set(id, ([x]) => x); break;
      case 'Rescaling': fns.set(id, ([x]) => tf.add(tf.mul(x, a.scale as number), a.offset as number)); break;
      default: throw new Error(`no TF.js mapping for ${n.op} yet (bench/engines/tfjs-graph.ts)`);
    }
  }

  const forward = (x: TF.Tensor) => {
    const values = new Map<string, TF.Tensor>();
    for (const id of report.order) {
      const n = report.byId.get(id)!;
      if (n.op === 'Input') values.set(id, x);
      else if (alias.has(id)) values.set(id, values.get(alias.get(id)!)!);
      else values.set(id, fns.get(id)!(n.inputs.map((i) => values.get(i)!)));
    }
    return values.get(w.output)!;
  };
  return { forward, dispose: () => tf.dispose(held) };
}

function isPlainRelu(attrs: Record<string, unknown>): boolean {
  return !attrs.negative_slope && !attrs.threshold && (attrs.max_value == null || attrs.max_value === 6);
}

function activationName(n: { op: string; attrs: Record<string, unknown> }): string {
  if (n.op === 'Activation') return n.attrs.activation as string;
  return n.attrs.max_value === 6 ? 'relu6' : 'relu';
}

/** conv → BN becomes one conv: kernel·s and (bias − mean)·s + beta, s = gamma / √(variance + ε), per output channel. */
export function foldBatchNorm(kernel: Float32Array, bias: Float32Array, OC: number, attrs: Record<string, unknown>, bn: Weights): { kernel: Float32Array; bias: Float32Array } {
  const eps = attrs.epsilon as number;
  const k = new Float32Array(kernel), b = new Float32Array(OC);
  for (let c = 0; c < OC; c++) {
    const s = (bn.gamma?.data[c] ?? 1) / Math.sqrt(bn.moving_variance.data[c] + eps);
    b[c] = (bias[c] - bn.moving_mean.data[c]) * s + (bn.beta?.data[c] ?? 0);
    for (let i = c; i < k.length; i += OC) k[i] *= s;
  }
  return { kernel: k, bias: b };
}
