// Pad2D: pads the H and W axes of an NHWC tensor with a constant, by reflection (mirroring without the
// border row: 'reflect', PyTorch's ReflectionPad2d) or by repeating the border ('edge', ReplicationPad2d).
// Keras has no such layer (ZeroPadding2D pads zeros); ONNX's Pad modes edge and reflect import as this.
// Kernel: shaders/pad2d.wgsl.
import { tensor } from '../tensor.ts';
import { expectRank } from './geometry.ts';
import { defineOp, OpError } from './op.ts';
import { shiftStep } from './field.ts';

export interface Pad2DAttrs {
  padding: [[number, number], [number, number]];
  mode: 'constant' | 'reflect' | 'edge';
  constant_value: number;
}

export const PAD_MODES = ['constant', 'reflect', 'edge'] as const;

/** Where output row/column i (of the padded axis) reads from in an axis of n, padded by `before`. */
export function padSource(i: number, before: number, n: number, mode: Pad2DAttrs['mode']): number {
  const j = i - before;
  if (j >= 0 && j < n) return j;
  if (mode === 'constant') return -1;
  if (mode === 'edge') return j < 0 ? 0 : n - 1;
  return j < 0 ? -j : 2 * (n - 1) - j;
}

export const Pad2D = defineOp<Pad2DAttrs>({
  type: 'Pad2D',
  category: 'Core',
  summary: 'Pads H and W with a constant, a reflection or the repeated border (deepwire op; Keras has ZeroPadding2D only)',
  attrs: {
    padding: { kind: 'pads', default: [[1, 1], [1, 1]] },
    mode: { kind: 'enum', default: 'reflect', options: PAD_MODES, doc: 'reflect: mirror without the border; edge: repeat the border' },
    constant_value: { kind: 'float', default: 0, doc: 'the value of mode constant' },
  },
  arity: { min: 1, max: 1 },
  field: (_x, a) => shiftStep(a.padding[0][0], a.padding[1][0], a.mode === 'constant' ? undefined : `the ${a.mode === 'edge' ? 'repeated' : 'mirrored'} border sees pixels inside the image`),

  inferShape([x], a) {
    expectRank('Pad2D', x, 3);
    const [[top, bottom], [left, right]] = a.padding;
    // A reflection reaches at most n − 1 cells back (the border itself is not repeated).
    if (a.mode === 'reflect' && (Math.max(top, bottom) > x[0] - 1 || Math.max(left, right) > x[1] - 1))
      throw new OpError(`Pad2D reflect padding ${JSON.stringify(a.padding)} is wider than the ${x[0]}×${x[1]} input allows (at most size − 1 per side)`,
        "pad less, or use mode 'edge'");
    return [x[0] + top + bottom, x[1] + left + right, x[2]];
  },

  flops: () => 0,

  reference([x], _weights, a) {
    const [N, H, W, C] = x.shape;
    const [[top, bottom], [left, right]] = a.padding;
    const OH = H + top + bottom, OW = W + left + right;
    const y = tensor([N, OH, OW, C]);
    for (let n = 0; n < N; n++)
      for (let oy = 0; oy < OH; oy++)
        for (let ox = 0; ox < OW; ox++) {
          const iy = padSource(oy, top, H, a.mode), ix = padSource(ox, left, W, a.mode);
          for (let c = 0; c < C; c++)
            y.data[((n * OH + oy) * OW + ox) * C + c] = iy < 0 || ix < 0 ? a.constant_value : x.data[((n * H + iy) * W + ix) * C + c];
        }
    return y;
  },
  backward([x], _weights, a, dy) {
    // Every output cell that copies an input cell (reflect and edge copy some several times) sends it its gradient.
    const [N, H, W, C] = x.shape;
    const [[top, bottom], [left, right]] = a.padding;
    const OH = H + top + bottom, OW = W + left + right;
    const dx = new Float64Array(x.data.length);
    for (let n = 0; n < N; n++)
      for (let oy = 0; oy < OH; oy++)
        for (let ox = 0; ox < OW; ox++) {
          const iy = padSource(oy, top, H, a.mode), ix = padSource(ox, left, W, a.mode);
          if (iy < 0 || ix < 0) continue;
          for (let c = 0; c < C; c++) dx[((n * H + iy) * W + ix) * C + c] += dy.data[((n * OH + oy) * OW + ox) * C + c];
        }
    return { inputs: [tensor(x.shape, dx)], weights: {} };
  },

});
