// Conv2D: NHWC input, kernel [KH, KW, C/groups, OC] (Keras layout), optional bias and activation.
// groups > 1 is ResNeXt's grouped convolution. Kernels: shaders/conv2d-*.wgsl.
// Keras refuses strides > 1 with dilation_rate > 1; PyTorch and ONNX allow the pair, so an imported
// model sets allow_strided_dilation and the kernels (which all index oy·SH + ky·DH) compute it.
import { tensor } from '../tensor.ts';
import { activationFlops, applyActivation } from './activations.ts';
import { expectRank, window2d, type Padding } from './geometry.ts';
import { activationBackward } from './gradients.ts';
import { defineOp, OpError, weight } from './op.ts';
import type { Initializer, Regularizer } from '../weights/specs.ts';
import { windowStep } from './field.ts';

export interface Conv2DAttrs {
  filters: number;
  kernel_size: [number, number];
  strides: [number, number];
  padding: Padding;
  dilation_rate: [number, number];
  groups: number;
  allow_strided_dilation: boolean;
  activation: string;
  use_bias: boolean;
  kernel_initializer: Initializer;
  bias_initializer: Initializer;
  kernel_regularizer: Regularizer | null;
  bias_regularizer: Regularizer | null;
  activity_regularizer: Regularizer | null;
}

export const Conv2D = defineOp<Conv2DAttrs>({
  type: 'Conv2D',
  aliases: ['Convolution2D'],
  category: 'Convolution',
  summary: '2-D convolution: any KH×KW (1×n and n×1 too), strides, dilation, groups (ResNeXt)',
  attrs: {
    filters: { kind: 'int', default: 32, min: 1 },
    kernel_size: { kind: 'pair', default: [3, 3] },
    strides: { kind: 'pair', default: [1, 1] },
    padding: { kind: 'padding', default: 'valid' },
    dilation_rate: { kind: 'pair', default: [1, 1] },
    groups: { kind: 'int', default: 1, min: 1 },
    allow_strided_dilation: { kind: 'bool', default: false, doc: 'strides > 1 with dilation_rate > 1, as PyTorch and ONNX allow (Keras does not); set by the ONNX import' },
    activation: { kind: 'activation', default: 'linear' },
    use_bias: { kind: 'bool', default: true },
    kernel_initializer: { kind: 'initializer', default: 'glorot_uniform' },
    bias_initializer: { kind: 'initializer', default: 'zeros' },
    kernel_regularizer: { kind: 'regularizer', default: null },
    bias_regularizer: { kind: 'regularizer', default: null },
    activity_regularizer: { kind: 'regularizer', default: null },
  },
  arity: { min: 1, max: 1 },
  field: ([x], a) => windowStep(a.kernel_size, a.strides, a.dilation_rate, ...window2d('Conv2D', x, a.kernel_size, a.strides, a.dilation_rate, a.padding)),

  inferShape([x], a) {
    expectRank('Conv2D', x, 3);
    const C = x[2];
    if (C % a.groups !== 0 || a.filters % a.groups !== 0)
      throw new OpError(
        `Conv2D groups=${a.groups} must divide both the input channels (${C}) and filters (${a.filters})`,
        `pick groups among the common divisors of ${C} and ${a.filters}`,
      );
    if (!a.allow_strided_dilation && (a.strides[0] > 1 || a.strides[1] > 1) && (a.dilation_rate[0] > 1 || a.dilation_rate[1] > 1))
      throw new OpError('Conv2D cannot combine strides > 1 with dilation_rate > 1 (as in Keras)', 'set one of them to 1');
    const [h, w] = window2d('Conv2D', x, a.kernel_size, a.strides, a.dilation_rate, a.padding);
    return [h.out, w.out, a.filters];
  },

  weights([x], a) {
    const [KH, KW] = a.kernel_size;
    const specs = [{ name: 'kernel', shape: [KH, KW, x[2] / a.groups, a.filters], initializer: a.kernel_initializer, regularizer: a.kernel_regularizer, trainable: true }];
    if (a.use_bias) specs.push({ name: 'bias', shape: [a.filters], initializer: a.bias_initializer, regularizer: a.bias_regularizer, trainable: true });
    return specs;
  },

  flops([x], [OH, OW, OC], a) {
    const macs = OH * OW * OC * a.kernel_size[0] * a.kernel_size[1] * (x[2] / a.groups);
    return 2 * macs + (a.use_bias ? OH * OW * OC : 0) + activationFlops(a.activation, OH * OW * OC);
  },

  reference([x], weights, a) {
    const [N, H, W, C] = x.shape;
    const [h, w] = window2d('Conv2D', x.shape.slice(1), a.kernel_size, a.strides, a.dilation_rate, a.padding);
    const [KH, KW] = a.kernel_size, [SH, SW] = a.strides, [DH, DW] = a.dilation_rate;
    const OH = h.out, OW = w.out, OC = a.filters;
    const CG = C / a.groups, OCG = OC / a.groups;
    const k = weight(weights, 'kernel').data;
    const bias = a.use_bias ? weight(weights, 'bias').data : null;
    const y = tensor([N, OH, OW, OC]);
    for (let n = 0; n < N; n++)
      for (let oy = 0; oy < OH; oy++)
        for (let ox = 0; ox < OW; ox++)
          for (let oc = 0; oc < OC; oc++) {
            const g = Math.floor(oc / OCG);
            let acc = bias ? bias[oc] : 0;
            for (let ky = 0; ky < KH; ky++) {
              const iy = oy * SH - h.padBefore + ky * DH;
              if (iy < 0 || iy >= H) continue;
              for (let kx = 0; kx < KW; kx++) {
                const ix = ox * SW - w.padBefore + kx * DW;
                if (ix < 0 || ix >= W) continue;
                const xBase = ((n * H + iy) * W + ix) * C + g * CG;
                const kBase = (ky * KW + kx) * CG * OC + oc;
                for (let ci = 0; ci < CG; ci++) acc += x.data[xBase + ci] * k[kBase + ci * OC];
              }
            }
            y.data[((n * OH + oy) * OW + ox) * OC + oc] = acc;
          }
    applyActivation(y.data, OC, a.activation);
    return y;
  },


  backward([x], weights, a, dy) {
    const [N, H, W, C] = x.shape;
    const [h, w] = window2d('Conv2D', x.shape.slice(1), a.kernel_size, a.strides, a.dilation_rate, a.padding);
    const [KH, KW] = a.kernel_size, [SH, SW] = a.strides, [DH, DW] = a.dilation_rate;
    const OH = h.out, OW = w.out, OC = a.filters;
    const CG = C / a.groups, OCG = OC / a.groups;
    const k = weight(weights, 'kernel').data;
    const z = Conv2D.reference([x], weights, { ...a, activation: 'linear' }).data;
    const dz = activationBackward(a.activation, z, dy.data, OC);
    const dx = new Float64Array(x.data.length), dk = new Float64Array(k.length), db = new Float64Array(OC);
    for (let n = 0; n < N; n++)
      for (let oy = 0; oy < OH; oy++)
        for (let ox = 0; ox < OW; ox++)
          for (let oc = 0; oc < OC; oc++) {
            const g = dz[((n * OH + oy) * OW + ox) * OC + oc];
            db[oc] += g;
            const grp = Math.floor(oc / OCG);
            for (let ky = 0; ky < KH; ky++) {
              const iy = oy * SH - h.padBefore + ky * DH;
              if (iy < 0 || iy >= H) continue;
              for (let kx = 0; kx < KW; kx++) {
                const ix = ox * SW - w.padBefore + kx * DW;
                if (ix < 0 || ix >= W) continue;
                const xBase = ((n * H + iy) * W + ix) * C + grp * CG;
                const kBase = (ky * KW + kx) * CG * OC + oc;
                for (let ci = 0; ci < CG; ci++) {
                  dx[xBase + ci] += g * k[kBase + ci * OC];
                  dk[kBase + ci * OC] += g * x.data[xBase + ci];
                }
              }
            }
          }
    return { inputs: [tensor(x.shape, dx)], weights: { kernel: tensor(weights.kernel.shape, dk), ...(a.use_bias ? { bias: tensor([OC], db) } : {}) } };
  },

  gpu: { conv: true, writesConcatSlice: true },
});
