// DepthwiseConv2D: each input channel convolved with its own depth_multiplier (DM) filters; NHWC,
// kernel [KH, KW, C, DM] (Keras layout), output channel c·DM + m (TF's depthwise_conv2d order).
import type { Shape } from '../graph/types.ts';
import { tensor } from '../tensor.ts';
import type { Initializer, Regularizer } from '../weights/specs.ts';
import { activationFlops, applyActivation } from './activations.ts';
import { expectRank, window2d, type Padding, type Window } from './geometry.ts';
import { activationBackward } from './gradients.ts';
import { defineOp, OpError, weight, type WeightSpec } from './op.ts';
import { windowStep } from './field.ts';

export interface DepthwiseConv2DAttrs {
  kernel_size: [number, number];
  strides: [number, number];
  padding: Padding;
  depth_multiplier: number;
  dilation_rate: [number, number];
  activation: string;
  use_bias: boolean;
  depthwise_initializer: Initializer;
  bias_initializer: Initializer;
  depthwise_regularizer: Regularizer | null;
  bias_regularizer: Regularizer | null;
  activity_regularizer: Regularizer | null;
}

type WindowAttrs = Pick<DepthwiseConv2DAttrs, 'kernel_size' | 'strides' | 'padding' | 'dilation_rate'>;

/** The checks and window arithmetic DepthwiseConv2D and SeparableConv2D share. */
export function depthwiseWindows(op: string, x: Shape, a: WindowAttrs): [Window, Window] {
  expectRank(op, x, 3);
  if ((a.strides[0] > 1 || a.strides[1] > 1) && (a.dilation_rate[0] > 1 || a.dilation_rate[1] > 1))
    throw new OpError(`${op} cannot combine strides > 1 with dilation_rate > 1 (as in Keras)`, 'set one of them to 1');
  return window2d(op, x, a.kernel_size, a.strides, a.dilation_rate, a.padding);
}

export const DepthwiseConv2D = defineOp<DepthwiseConv2DAttrs>({
  type: 'DepthwiseConv2D',
  category: 'Convolution',
  summary: 'Per-channel convolution (MobileNet); depth_multiplier filters per input channel',
  attrs: {
    kernel_size: { kind: 'pair', default: [3, 3] },
    strides: { kind: 'pair', default: [1, 1] },
    padding: { kind: 'padding', default: 'valid' },
    depth_multiplier: { kind: 'int', default: 1, min: 1 },
    dilation_rate: { kind: 'pair', default: [1, 1] },
    activation: { kind: 'activation', default: 'linear' },
    use_bias: { kind: 'bool', default: true },
    depthwise_initializer: { kind: 'initializer', default: 'glorot_uniform' },
    bias_initializer: { kind: 'initializer', default: 'zeros' },
    depthwise_regularizer: { kind: 'regularizer', default: null },
    bias_regularizer: { kind: 'regularizer', default: null },
    activity_regularizer: { kind: 'regularizer', default: null },
  },
  arity: { min: 1, max: 1 },
  field: ([x], a) => windowStep(a.kernel_size, a.strides, a.dilation_rate, ...depthwiseWindows('DepthwiseConv2D', x, a)),

  inferShape([x], a) {
    const [h, w] = depthwiseWindows('DepthwiseConv2D', x, a);
    return [h.out, w.out, x[2] * a.depth_multiplier];
  },

  weights([x], a) {
    const [KH, KW] = a.kernel_size, C = x[2];
    const specs: WeightSpec[] = [
      { name: 'depthwise_kernel', shape: [KH, KW, C, a.depth_multiplier], initializer: a.depthwise_initializer, regularizer: a.depthwise_regularizer, trainable: true },
    ];
    if (a.use_bias) specs.push({ name: 'bias', shape: [C * a.depth_multiplier], initializer: a.bias_initializer, regularizer: a.bias_regularizer, trainable: true });
    return specs;
  },

  flops(_inputs, [OH, OW, OC], a) {
    return 2 * OH * OW * OC * a.kernel_size[0] * a.kernel_size[1] + (a.use_bias ? OH * OW * OC : 0) + activationFlops(a.activation, OH * OW * OC);
  },

  reference([x], weights, a) {
    const [N, H, W, C] = x.shape;
    const [h, w] = depthwiseWindows('DepthwiseConv2D', x.shape.slice(1), a);
    const [KH, KW] = a.kernel_size, [SH, SW] = a.strides, [DH, DW] = a.dilation_rate;
    const DM = a.depth_multiplier, OH = h.out, OW = w.out, OC = C * DM;
    const k = weight(weights, 'depthwise_kernel').data;
    const bias = a.use_bias ? weight(weights, 'bias').data : null;
    const y = tensor([N, OH, OW, OC]);
    for (let n = 0; n < N; n++)
      for (let oy = 0; oy < OH; oy++)
        for (let ox = 0; ox < OW; ox++)
          for (let c = 0; c < C; c++)
            for (let m = 0; m < DM; m++) {
              const oc = c * DM + m;
              let acc = bias ? bias[oc] : 0;
              for (let ky = 0; ky < KH; ky++) {
                const iy = oy * SH - h.padBefore + ky * DH;
                if (iy < 0 || iy >= H) continue;
                for (let kx = 0; kx < KW; kx++) {
                  const ix = ox * SW - w.padBefore + kx * DW;
                  if (ix < 0 || ix >= W) continue;
                  acc += x.data[((n * H + iy) * W + ix) * C + c] * k[((ky * KW + kx) * C + c) * DM + m];
                }
              }
              y.data[((n * OH + oy) * OW + ox) * OC + oc] = acc;
            }
    applyActivation(y.data, OC, a.activation);
    return y;
  },


  backward([x], weights, a, dy) {
    const [N, H, W, C] = x.shape;
    const [h, w] = depthwiseWindows('DepthwiseConv2D', x.shape.slice(1), a);
    const [KH, KW] = a.kernel_size, [SH, SW] = a.strides, [DH, DW] = a.dilation_rate;
    const DM = a.depth_multiplier, OH = h.out, OW = w.out, OC = C * DM;
    const k = weight(weights, 'depthwise_kernel').data;
    const z = DepthwiseConv2D.reference([x], weights, { ...a, activation: 'linear' }).data;
    const dz = activationBackward(a.activation, z, dy.data, OC);
    const dx = new Float64Array(x.data.length), dk = new Float64Array(k.length), db = new Float64Array(OC);
    for (let n = 0; n < N; n++)
      for (let oy = 0; oy < OH; oy++)
        for (let ox = 0; ox < OW; ox++)
          for (let c = 0; c < C; c++)
            for (let m = 0; m < DM; m++) {
              const oc = c * DM + m;
              const g = dz[((n * OH + oy) * OW + ox) * OC + oc];
              db[oc] += g;
              for (let ky = 0; ky < KH; ky++) {
                const iy = oy * SH - h.padBefore + ky * DH;
                if (iy < 0 || iy >= H) continue;
                for (let kx = 0; kx < KW; kx++) {
                  const ix = ox * SW - w.padBefore + kx * DW;
                  if (ix < 0 || ix >= W) continue;
                  const xi = ((n * H + iy) * W + ix) * C + c, ki = ((ky * KW + kx) * C + c) * DM + m;
                  dx[xi] += g * k[ki];
                  dk[ki] += g * x.data[xi];
                }
              }
            }
    return { inputs: [tensor(x.shape, dx)], weights: { depthwise_kernel: tensor(weights.depthwise_kernel.shape, dk), ...(a.use_bias ? { bias: tensor([OC], db) } : {}) } };
  },

  gpu: { conv: true, writesConcatSlice: true },
});
