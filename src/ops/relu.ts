// ReLU, the Keras layer: min(x, max_value) from threshold up, negative_slope·(x − threshold) below,
// elementwise on any shape (relu6 is max_value 6). Kernel: code 1 of shaders/activation.wgsl.
import { sizeOf, tensor } from '../tensor.ts';
import { defineOp } from './op.ts';

export interface ReLUAttrs {
  max_value: number | null;
  negative_slope: number;
  threshold: number;
}

/** Keras' ReLU; a threshold above max_value keeps the slope below the threshold, as Keras computes it. */
export function relu(x: number, maxValue: number | null, negativeSlope: number, threshold: number): number {
  if (x >= threshold) return Math.min(x, maxValue ?? Infinity);
  return negativeSlope === 0 ? 0 : negativeSlope * (x - threshold); // 0, not the −0 of 0·(negative)
}

export const ReLU = defineOp<ReLUAttrs>({
  type: 'ReLU',
  category: 'Activation',
  summary: 'Rectifier with a ceiling, a leak and a threshold: relu, relu6, leaky and thresholded ReLU',
  attrs: {
    max_value: { kind: 'optionalFloat', default: null, min: 0, doc: 'ceiling; null: none' },
    negative_slope: { kind: 'float', default: 0, min: 0, doc: 'slope below the threshold' },
    threshold: { kind: 'float', default: 0, doc: 'values below it are cut (or leak)' },
  },
  arity: { min: 1, max: 1 },
  field: () => 'pointwise',

  inferShape: ([x]) => x,

  // One FLOP per element, as the other activations.
  flops: (_inputs, output) => sizeOf(output),

  reference([x], _weights, a) {
    const y = tensor(x.shape);
    for (let i = 0; i < x.data.length; i++) y.data[i] = relu(x.data[i], a.max_value, a.negative_slope, a.threshold);
    return y;
  },


  backward([x], _weights, a, dy) {
    const dx = tensor(x.shape);
    for (let i = 0; i < x.data.length; i++) {
      const v = x.data[i];
      // TensorFlow's convention at the kinks: the slope at the threshold itself, 0 at max_value.
      const slope = v > a.threshold ? (a.max_value !== null && v >= a.max_value ? 0 : 1) : a.negative_slope;
      dx.data[i] = slope * dy.data[i];
    }
    return { inputs: [dx], weights: {} };
  },

  gpu: { activation: true, writesConcatSlice: true },
});
