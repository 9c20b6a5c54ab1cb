// Rescaling: y = x·scale + offset, elementwise on any shape (Keras preprocessing, e.g. 1/255).
import { tensor } from '../tensor.ts';
import { defineOp } from './op.ts';

export interface RescalingAttrs {
  scale: number;
  offset: number;
}

export const Rescaling = defineOp<RescalingAttrs>({
  type: 'Rescaling',
  category: 'Normalization',
  summary: 'y = x·scale + offset: pixel scaling such as 1/255, or 1/127.5 with offset −1',
  attrs: {
    scale: { kind: 'float', default: 1 },
    offset: { kind: 'float', default: 0 },
  },
  arity: { min: 1, max: 1 },
  field: () => 'pointwise',

  inferShape: ([x]) => x,

  flops: (_inputs, output) => 2 * output.reduce((p, d) => p * d, 1),

  reference([x], _weights, a) {
    const y = tensor(x.shape);
    for (let i = 0; i < x.data.length; i++) y.data[i] = x.data[i] * a.scale + a.offset;
    return y;
  },

  backward([x], _weights, a, dy) {
    const dx = tensor(x.shape);
    for (let i = 0; i < x.data.length; i++) dx.data[i] = dy.data[i] * a.scale;
    return { inputs: [dx], weights: {} };
  },

  gpu: { affine: true, writesConcatSlice: true },
});
