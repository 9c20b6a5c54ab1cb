// GlobalAveragePool2D: the mean over H×W of each channel, H×W×C → C (1×1×C with keepdims).
// Kernel: shaders/global-pool2d.wgsl.
import { tensor } from '../tensor.ts';
import { expectRank } from './geometry.ts';
import { defineOp } from './op.ts';

export interface GlobalPool2DAttrs {
  keepdims: boolean;
}

export const GlobalAveragePool2D = defineOp<GlobalPool2DAttrs>({
  type: 'GlobalAveragePool2D',
  aliases: ['GlobalAveragePooling2D'],
  category: 'Pooling',
  summary: 'Mean of each channel over the whole image: H×W×C → C, the usual head before Dense',
  attrs: {
    keepdims: { kind: 'bool', default: false, doc: 'keep the spatial axes: 1×1×C' },
  },
  arity: { min: 1, max: 1 },
  field: () => ({ whole: 'global average pooling: each value is the mean of a whole map' }),

  inferShape([x], a) {
    expectRank('GlobalAveragePool2D', x, 3);
    return a.keepdims ? [1, 1, x[2]] : [x[2]];
  },

  // One add per input element, as the windowed pools count.
  flops: ([x]) => x[0] * x[1] * x[2],

  reference([x], _weights, a) {
    expectRank('GlobalAveragePool2D', x.shape.slice(1), 3);
    const [N, H, W, C] = x.shape;
    const y = tensor(a.keepdims ? [N, 1, 1, C] : [N, C]);
    for (let n = 0; n < N; n++)
      for (let c = 0; c < C; c++) {
        let sum = 0;
        for (let i = 0; i < H * W; i++) sum += x.data[(n * H * W + i) * C + c];
        y.data[n * C + c] = sum / (H * W);
      }
    return y;
  },

  backward([x], _weights, _a, dy) {
    const [N, H, W, C] = x.shape;
    const dx = tensor(x.shape);
    for (let n = 0; n < N; n++)
      for (let i = 0; i < H * W; i++)
        for (let c = 0; c < C; c++) dx.data[(n * H * W + i) * C + c] = dy.data[n * C + c] / (H * W);
    return { inputs: [dx], weights: {} };
  },

  gpu: { writesConcatSlice: true },
});
