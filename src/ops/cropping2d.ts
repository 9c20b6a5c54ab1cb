// Cropping2D: removes rows and columns at the edges of an NHWC tensor, [[top, bottom], [left, right]].
// Pure data movement: the reference is an exact copy of the kept window.
import { formatShape, tensor } from '../tensor.ts';
import { expectRank } from './geometry.ts';
import { defineOp, OpError } from './op.ts';
import { shiftStep } from './field.ts';

export interface Cropping2DAttrs {
  cropping: [[number, number], [number, number]];
}

export const Cropping2D = defineOp<Cropping2DAttrs>({
  type: 'Cropping2D',
  category: 'Core',
  summary: 'Cuts rows and columns off the edges: n, [h, w] or [[top, bottom], [left, right]]',
  attrs: {
    cropping: { kind: 'pads', default: [[0, 0], [0, 0]] },
  },
  arity: { min: 1, max: 1 },
  field: (_x, a) => shiftStep(-a.cropping[0][0], -a.cropping[1][0]),

  inferShape([x], a) {
    expectRank('Cropping2D', x, 3);
    const [[top, bottom], [left, right]] = a.cropping;
    const OH = x[0] - top - bottom, OW = x[1] - left - right;
    if (OH <= 0 || OW <= 0)
      throw new OpError(
        `Cropping2D ${JSON.stringify(a.cropping)} removes the whole ${formatShape(x)} input (${Math.max(OH, 0)}×${Math.max(OW, 0)} would be left)`,
        `crop fewer than ${x[0]} rows (top + bottom) and ${x[1]} columns (left + right) in all`,
      );
    return [OH, OW, x[2]];
  },

  flops: () => 0,

  reference([x], _weights, a) {
    const [N, H, W, C] = x.shape;
    const [OH, OW] = Cropping2D.inferShape([x.shape.slice(1)], a);
    const [[top], [left]] = a.cropping;
    const y = tensor([N, OH, OW, C]);
    for (let n = 0; n < N; n++)
      for (let oy = 0; oy < OH; oy++) {
        const from = ((n * H + oy + top) * W + left) * C;
        y.data.set(x.data.subarray(from, from + OW * C), ((n * OH + oy) * OW) * C);
      }
    return y;
  },

  backward([x], _weights, a, dy) {
    const [N, H, W, C] = x.shape;
    const [, OH, OW] = dy.shape;
    const [[top], [left]] = a.cropping;
    const dx = tensor(x.shape);
    for (let n = 0; n < N; n++)
      for (let oy = 0; oy < OH; oy++) {
        const to = ((n * H + oy + top) * W + left) * C;
        dx.data.set(dy.data.subarray(((n * OH + oy) * OW) * C, ((n * OH + oy) * OW + OW) * C), to);
      }
    return { inputs: [dx], weights: {} };
  },

  gpu: { writesConcatSlice: true, exact: true },
});
