// LeakyReLU, the Keras layer: x from 0 up, negative_slope·x below (Keras 3 default 0.3, Keras 2's
// alpha), elementwise on any shape. Kernel: code 1 of shaders/activation.wgsl.
import { sizeOf, tensor } from '../tensor.ts';
import { defineOp } from './op.ts';

export interface LeakyReLUAttrs {
  negative_slope: number;
}

export const LeakyReLU = defineOp<LeakyReLUAttrs>({
  type: 'LeakyReLU',
  category: 'Activation',
  summary: 'ReLU that lets negative values through scaled by negative_slope',
  attrs: {
    negative_slope: { kind: 'float', default: 0.3, min: 0 },
  },
  arity: { min: 1, max: 1 },
  field: () => 'pointwise',

  inferShape: ([x]) => x,

  // One FLOP per element, as the other activations.
  flops: (_inputs, output) => sizeOf(output),

  reference([x], _weights, a) {
    const y = tensor(x.shape);
    for (let i = 0; i < x.data.length; i++) y.data[i] = x.data[i] >= 0 ? x.data[i] : a.negative_slope * x.data[i];
    return y;
  },

  backward([x], _weights, a, dy) {
    const dx = tensor(x.shape);
    // TensorFlow's convention at the kink (LeakyReluGrad: x > 0), as the GPU kernel and ReLU's: the slope at 0
    // itself, which a conv's output takes exactly where its window sees only padding and a zero bias.
    for (let i = 0; i < x.data.length; i++) dx.data[i] = (x.data[i] > 0 ? 1 : a.negative_slope) * dy.data[i];
    return { inputs: [dx], weights: {} };
  },

  gpu: { activation: true, writesConcatSlice: true },
});
