// GlobalMaxPool2D: the largest value over H×W of each channel, H×W×C → C (1×1×C with keepdims).
// Kernel: shaders/global-pool2d.wgsl (IS_MAX).
import { tensor } from '../tensor.ts';
import { expectRank } from './geometry.ts';
import type { GlobalPool2DAttrs } from './global-average-pool2d.ts';
import { defineOp } from './op.ts';

export const GlobalMaxPool2D = defineOp<GlobalPool2DAttrs>({
  type: 'GlobalMaxPool2D',
  aliases: ['GlobalMaxPooling2D'],
  category: 'Pooling',
  summary: 'Largest value of each channel over the whole image: H×W×C → C',
  attrs: {
    keepdims: { kind: 'bool', default: false, doc: 'keep the spatial axes: 1×1×C' },
  },
  arity: { min: 1, max: 1 },
  field: () => ({ whole: 'global max pooling: each value is the largest of a whole map' }),

  inferShape([x], a) {
    expectRank('GlobalMaxPool2D', x, 3);
    return a.keepdims ? [1, 1, x[2]] : [x[2]];
  },

  // One compare per input element, as the windowed pools count.
  flops: ([x]) => x[0] * x[1] * x[2],

  reference([x], _weights, a) {
    expectRank('GlobalMaxPool2D', x.shape.slice(1), 3);
    const [N, H, W, C] = x.shape;
    const y = tensor(a.keepdims ? [N, 1, 1, C] : [N, C]);
    for (let n = 0; n < N; n++)
      for (let c = 0; c < C; c++) {
        let best = -Infinity;
        for (let i = 0; i < H * W; i++) best = Math.max(best, x.data[(n * H * W + i) * C + c]);
        y.data[n * C + c] = best;
      }
    return y;
  },

  backward([x], _weights, _a, dy) {
    const [N, H, W, C] = x.shape;
    const dx = tensor(x.shape);
    for (let n = 0; n < N; n++)
      for (let c = 0; c < C; c++) {
        let best = -Infinity, at = -1;
        for (let i = 0; i < H * W; i++) {
          const j = (n * H * W + i) * C + c;
          if (x.data[j] > best) [best, at] = [x.data[j], j];
        }
        dx.data[at] += dy.data[n * C + c];
      }
    return { inputs: [dx], weights: {} };
  },

  gpu: { writesConcatSlice: true },
});
