// SeparableConv2D: a DepthwiseConv2D (no bias) followed by a 1×1 pointwise conv, then bias and
// activation (Xception). Keras weights: depthwise_kernel [KH, KW, C, DM], pointwise_kernel [1, 1, C·DM, OC], bias [OC].
import { tensor } from '../tensor.ts';
import type { Initializer, Regularizer } from '../weights/specs.ts';
import { activationFlops, applyActivation } from './activations.ts';
import { Conv2D, type Conv2DAttrs } from './conv2d.ts';
import { DepthwiseConv2D, depthwiseWindows, type DepthwiseConv2DAttrs } from './depthwise-conv2d.ts';
import { defineOp, weight, type WeightSpec } from './op.ts';
import { windowStep } from './field.ts';

export interface SeparableConv2DAttrs extends DepthwiseConv2DAttrs {
  filters: number;
  pointwise_initializer: Initializer;
  pointwise_regularizer: Regularizer | null;
}

export const SeparableConv2D = defineOp<SeparableConv2DAttrs>({
  type: 'SeparableConv2D',
  aliases: ['SeparableConvolution2D'],
  category: 'Convolution',
  summary: 'Depthwise then 1×1 pointwise convolution (Xception): far fewer weights than Conv2D',
  attrs: {
    filters: { kind: 'int', default: 32, min: 1 },
    kernel_size: { kind: 'pair', default: [3, 3] },
    strides: { kind: 'pair', default: [1, 1] },
    padding: { kind: 'padding', default: 'valid' },
    depth_multiplier: { kind: 'int', default: 1, min: 1 },
    dilation_rate: { kind: 'pair', default: [1, 1] },
    activation: { kind: 'activation', default: 'linear' },
    use_bias: { kind: 'bool', default: true },
    depthwise_initializer: { kind: 'initializer', default: 'glorot_uniform' },
    pointwise_initializer: { kind: 'initializer', default: 'glorot_uniform' },
    bias_initializer: { kind: 'initializer', default: 'zeros' },
    depthwise_regularizer: { kind: 'regularizer', default: null },
    pointwise_regularizer: { kind: 'regularizer', default: null },
    bias_regularizer: { kind: 'regularizer', default: null },
    activity_regularizer: { kind: 'regularizer', default: null },
  },
  arity: { min: 1, max: 1 },
  // the pointwise 1×1 after the depthwise window adds nothing to the field
  field: ([x], a) => windowStep(a.kernel_size, a.strides, a.dilation_rate, ...depthwiseWindows('SeparableConv2D', x, a)),

  inferShape([x], a) {
    const [h, w] = depthwiseWindows('SeparableConv2D', x, a);
    return [h.out, w.out, a.filters];
  },

  weights([x], a) {
    const [KH, KW] = a.kernel_size, C = x[2], DM = a.depth_multiplier;
    const specs: WeightSpec[] = [
      { name: 'depthwise_kernel', shape: [KH, KW, C, DM], initializer: a.depthwise_initializer, regularizer: a.depthwise_regularizer, trainable: true },
      { name: 'pointwise_kernel', shape: [1, 1, C * DM, a.filters], initializer: a.pointwise_initializer, regularizer: a.pointwise_regularizer, trainable: true },
    ];
    if (a.use_bias) specs.push({ name: 'bias', shape: [a.filters], initializer: a.bias_initializer, regularizer: a.bias_regularizer, trainable: true });
    return specs;
  },

  flops([x], [OH, OW, OC], a) {
    const mid = x[2] * a.depth_multiplier;
    const depthwiseMacs = OH * OW * mid * a.kernel_size[0] * a.kernel_size[1];
    const pointwiseMacs = OH * OW * mid * OC;
    return 2 * (depthwiseMacs + pointwiseMacs) + (a.use_bias ? OH * OW * OC : 0) + activationFlops(a.activation, OH * OW * OC);
  },

  reference([x], weights, a) {
    // The depthwise stage is rounded to float32 between the stages, as TF's separable_conv2d does.
    const mid = DepthwiseConv2D.reference([x], { depthwise_kernel: weight(weights, 'depthwise_kernel') }, { ...a, use_bias: false, activation: 'linear' });
    const [N, OH, OW, M] = mid.shape, OC = a.filters;
    const k = weight(weights, 'pointwise_kernel').data;
    const bias = a.use_bias ? weight(weights, 'bias').data : null;
    const y = tensor([N, OH, OW, OC]);
    for (let p = 0; p < N * OH * OW; p++)
      for (let oc = 0; oc < OC; oc++) {
        let acc = bias ? bias[oc] : 0;
        for (let ci = 0; ci < M; ci++) acc += mid.data[p * M + ci] * k[ci * OC + oc];
        y.data[p * OC + oc] = acc;
      }
    applyActivation(y.data, OC, a.activation);
    return y;
  },

  backward([x], weights, a, dy) {
    // The pointwise stage as a 1×1 conv over the depthwise stage's output, then the depthwise stage.
    const depthwise = { depthwise_kernel: weight(weights, 'depthwise_kernel') };
    const linearDepthwise = { ...a, use_bias: false, activation: 'linear' };
    const mid = DepthwiseConv2D.reference([x], depthwise, linearDepthwise);
    const pointwiseWeights = { kernel: { shape: [1, 1, ...weights.pointwise_kernel.shape.slice(2)], data: weights.pointwise_kernel.data }, ...(a.use_bias ? { bias: weight(weights, 'bias') } : {}) };
    const pointwise = Conv2D.backward!([mid], pointwiseWeights, {
      filters: a.filters, kernel_size: [1, 1], strides: [1, 1], padding: 'valid', dilation_rate: [1, 1], groups: 1,
      activation: a.activation, use_bias: a.use_bias,
    } as Conv2DAttrs, dy);
    const inner = DepthwiseConv2D.backward!([x], depthwise, linearDepthwise, pointwise.inputs[0]);
    return {
      inputs: inner.inputs,
      weights: {
        depthwise_kernel: inner.weights.depthwise_kernel,
        pointwise_kernel: { shape: [...weights.pointwise_kernel.shape], data: pointwise.weights.kernel.data },
        ...(a.use_bias ? { bias: pointwise.weights.bias } : {}),
      },
    };
  },

  gpu: { conv: true, writesConcatSlice: true },
});
