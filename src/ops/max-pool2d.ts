// MaxPool2D: the largest value of each KH×KW window, per channel, NHWC. Padded cells never win.
// Keras attrs plus ceil_mode (ONNX/PyTorch). Kernel: shaders/pool2d.wgsl (IS_MAX).
import type { Shape } from '../graph/types.ts';
import { tensor } from '../tensor.ts';
import { expectRank, window2d, type Padding, type Window } from './geometry.ts';
import { windowStep, type FieldStep } from './field.ts';
import { defineOp, OpError, type AttrSpec } from './op.ts';

export interface Pool2DAttrs {
  pool_size: [number, number];
  /** null: the pool size, as in Keras. */
  strides: [number, number] | null;
  padding: Padding;
  ceil_mode: boolean;
}

/** The attrs MaxPool2D and AveragePool2D share. */
export const POOL2D_ATTRS: Record<string, AttrSpec> = {
  pool_size: { kind: 'pair', default: [2, 2] },
  strides: { kind: 'pair', default: null, doc: 'null: the pool size (Keras)' },
  padding: { kind: 'padding', default: 'valid' },
  ceil_mode: { kind: 'bool', default: false, doc: 'round the window count up (ONNX/PyTorch ceil_mode); no effect with same' },
};

export interface PoolGeometry {
  h: Window;
  w: Window;
  strides: [number, number];
}

/** Output size, padding and strides of a pooling over an H×W×C input; throws OpError. */
export function poolGeometry(op: string, x: Shape, a: Pool2DAttrs): PoolGeometry {
  expectRank(op, x, 3);
  const strides = a.strides ?? a.pool_size;
  if (Array.isArray(a.padding)) {
    // A pad as wide as the window would give a window of padding alone: no max, nothing to average.
    const [[top, bottom], [left, right]] = a.padding;
    const [KH, KW] = a.pool_size;
    if (Math.max(top, bottom) >= KH || Math.max(left, right) >= KW)
      throw new OpError(
        `${op} padding ${JSON.stringify(a.padding)} reaches the ${KH}×${KW} pool size: a window would hold only padding`,
        'keep each pad smaller than the pool size (PyTorch allows at most half of it)',
      );
  }
  const [h, w] = window2d(op, x, a.pool_size, strides, [1, 1], a.padding, a.ceil_mode);
  return { h, w, strides };
}

// Pooling counts one FLOP (a compare or an add) per window element per output value.
export const pool2dFlops = (output: Shape, a: Pool2DAttrs) => output[0] * output[1] * output[2] * a.pool_size[0] * a.pool_size[1];

/** A pooling's receptive-field step (MaxPool2D, AveragePool2D): its window, strides and padding. */
export function poolField(op: string, x: Shape, a: Pool2DAttrs): FieldStep {
  const { h, w, strides } = poolGeometry(op, x, a);
  return windowStep(a.pool_size, strides, [1, 1], h, w);
}

export const MaxPool2D = defineOp<Pool2DAttrs>({
  type: 'MaxPool2D',
  aliases: ['MaxPooling2D'],
  category: 'Pooling',
  summary: 'Largest value of each pool_size window per channel; strides default to the pool size',
  attrs: POOL2D_ATTRS,
  arity: { min: 1, max: 1 },
  field: ([x], a) => poolField('MaxPool2D', x, a),

  inferShape([x], a) {
    const { h, w } = poolGeometry('MaxPool2D', x, a);
    return [h.out, w.out, x[2]];
  },

  flops: (_inputs, output, a) => pool2dFlops(output, a),

  reference([x], _weights, a) {
    const [N, H, W, C] = x.shape;
    const { h, w, strides: [SH, SW] } = poolGeometry('MaxPool2D', x.shape.slice(1), a);
    const [KH, KW] = a.pool_size;
    const OH = h.out, OW = w.out;
    const y = tensor([N, OH, OW, C]);
    for (let n = 0; n < N; n++)
      for (let oy = 0; oy < OH; oy++)
        for (let ox = 0; ox < OW; ox++) {
          // The window clipped to the real input: padding takes no part.
          const y0 = oy * SH - h.padBefore, x0 = ox * SW - w.padBefore;
          const iy0 = Math.max(y0, 0), iy1 = Math.min(y0 + KH, H);
          const ix0 = Math.max(x0, 0), ix1 = Math.min(x0 + KW, W);
          for (let c = 0; c < C; c++) {
            let best = -Infinity;
            for (let iy = iy0; iy < iy1; iy++)
              for (let ix = ix0; ix < ix1; ix++) best = Math.max(best, x.data[((n * H + iy) * W + ix) * C + c]);
            y.data[((n * OH + oy) * OW + ox) * C + c] = best;
          }
        }
    return y;
  },

  backward([x], _weights, a, dy) {
    const [N, H, W, C] = x.shape;
    const { h, w, strides: [SH, SW] } = poolGeometry('MaxPool2D', x.shape.slice(1), a);
    const [KH, KW] = a.pool_size;
    const OH = h.out, OW = w.out;
    const dx = tensor(x.shape);
    // Each window's gradient goes to its (first) largest value.
    for (let n = 0; n < N; n++)
      for (let oy = 0; oy < OH; oy++)
        for (let ox = 0; ox < OW; ox++) {
          const y0 = oy * SH - h.padBefore, x0 = ox * SW - w.padBefore;
          for (let c = 0; c < C; c++) {
            let best = -Infinity, at = -1;
            for (let iy = Math.max(y0, 0); iy < Math.min(y0 + KH, H); iy++)
              for (let ix = Math.max(x0, 0); ix < Math.min(x0 + KW, W); ix++) {
                const i = ((n * H + iy) * W + ix) * C + c;
                if (x.data[i] > best) [best, at] = [x.data[i], i];
              }
            if (at >= 0) dx.data[at] += dy.data[((n * OH + oy) * OW + ox) * C + c];
          }
        }
    return { inputs: [dx], weights: {} };
  },

  gpu: { writesConcatSlice: true },
});
