// ZeroPadding2D: zeros around the H and W axes of an NHWC tensor, [[top, bottom], [left, right]].
// Pure data movement: the reference is an exact copy into the padded frame.
import { tensor } from '../tensor.ts';
import { expectRank } from './geometry.ts';
import { defineOp } from './op.ts';
import { shiftStep } from './field.ts';

export interface ZeroPadding2DAttrs {
  padding: [[number, number], [number, number]];
}

export const ZeroPadding2D = defineOp<ZeroPadding2DAttrs>({
  type: 'ZeroPadding2D',
  category: 'Core',
  summary: 'Adds rows and columns of zeros around the image: n, [h, w] or [[top, bottom], [left, right]]',
  attrs: {
    padding: { kind: 'pads', default: [[1, 1], [1, 1]] },
  },
  arity: { min: 1, max: 1 },
  field: (_x, a) => shiftStep(a.padding[0][0], a.padding[1][0]),

  inferShape([x], a) {
    expectRank('ZeroPadding2D', x, 3);
    const [[top, bottom], [left, right]] = a.padding;
    return [x[0] + top + bottom, x[1] + left + right, x[2]];
  },

  flops: () => 0,

  reference([x], _weights, a) {
    const [N, H, W, C] = x.shape;
    const [[top, bottom], [left, right]] = a.padding;
    const OH = H + top + bottom, OW = W + left + right;
    const y = tensor([N, OH, OW, C]);
    for (let n = 0; n < N; n++)
      for (let iy = 0; iy < H; iy++) {
        const from = ((n * H + iy) * W) * C;
        y.data.set(x.data.subarray(from, from + W * C), ((n * OH + iy + top) * OW + left) * C);
      }
    return y;
  },

  backward([x], _weights, a, dy) {
    const [N, H, W, C] = x.shape;
    const [[top, bottom], [left, right]] = a.padding;
    const OW = W + left + right, OH = H + top + bottom;
    const dx = tensor(x.shape);
    for (let n = 0; n < N; n++)
      for (let iy = 0; iy < H; iy++) {
        const from = ((n * OH + iy + top) * OW + left) * C;
        dx.data.set(dy.data.subarray(from, from + W * C), ((n * H + iy) * W) * C);
      }
    return { inputs: [dx], weights: {} };
  },

  gpu: { exact: true },
});
