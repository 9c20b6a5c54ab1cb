// MaxPoolWithArgmax2D: MaxPool2D with dilation, giving either the maxima ('values') or where each comes
// from ('indices': the flat index of the input element, as TF's max_pool_with_argmax with the batch in
// the index, or ONNX MaxPool's Indices output). Ties go to the first cell in row-major window order;
// padded cells never win. Indices are float32 values, exact up to 2^24 input elements.
// Keras has no such layer (PyTorch: MaxPool2d(dilation=…, return_indices=True)). Kernel: shaders/pool2d-argmax.wgsl.
import type { Shape } from '../graph/types.ts';
import { sizeOf, tensor, type Tensor } from '../tensor.ts';
import { expectRank, window2d, type Padding, type Window } from './geometry.ts';
import { pool2dFlops, POOL2D_ATTRS } from './max-pool2d.ts';
import { defineOp, OpError } from './op.ts';
import { windowStep } from './field.ts';

export interface MaxPoolWithArgmax2DAttrs {
  pool_size: [number, number];
  strides: [number, number] | null;
  padding: Padding;
  ceil_mode: boolean;
  dilation_rate: [number, number];
  output: 'values' | 'indices';
  index_order: 'nhwc' | 'nchw' | 'ncwh';
}

export const INDEX_ORDERS = ['nhwc', 'nchw', 'ncwh'] as const;

/** Largest input (all items of the batch) whose flat indices float32 holds exactly. */
const MAX_INDEXED = 2 ** 24;

/** The flat index of input element (n, h, w, c) of an N×H×W×C tensor in the given order. */
export function flatIndex(order: MaxPoolWithArgmax2DAttrs['index_order'], n: number, h: number, w: number, c: number, H: number, W: number, C: number): number {
  if (order === 'nhwc') return ((n * H + h) * W + w) * C + c;
  if (order === 'nchw') return ((n * C + c) * H + h) * W + w;
  return ((n * C + c) * W + w) * H + h;
}

export function argmaxGeometry(x: Shape, a: MaxPoolWithArgmax2DAttrs): { h: Window; w: Window; strides: [number, number] } {
  expectRank('MaxPoolWithArgmax2D', x, 3);
  const strides = a.strides ?? a.pool_size;
  if (Array.isArray(a.padding)) {
    const [[top, bottom], [left, right]] = a.padding;
    const span = a.pool_size.map((k, i) => (k - 1) * a.dilation_rate[i] + 1);
    if (Math.max(top, bottom) >= span[0] || Math.max(left, right) >= span[1])
      throw new OpError(`MaxPoolWithArgmax2D padding ${JSON.stringify(a.padding)} reaches the ${span[0]}×${span[1]} window: a window would hold only padding`,
        'keep each pad smaller than the (dilated) window');
  }
  const [h, w] = window2d('MaxPoolWithArgmax2D', x, a.pool_size, strides, a.dilation_rate, a.padding, a.ceil_mode);
  return { h, w, strides };
}

export const MaxPoolWithArgmax2D = defineOp<MaxPoolWithArgmax2DAttrs>({
  type: 'MaxPoolWithArgmax2D',
  category: 'Pooling',
  summary: 'MaxPool2D with dilation, giving the maxima or their flat input indices (deepwire op; TF max_pool_with_argmax)',
  attrs: {
    ...POOL2D_ATTRS,
    dilation_rate: { kind: 'pair', default: [1, 1], min: 1 },
    output: { kind: 'enum', default: 'indices', options: ['values', 'indices'], doc: 'the maxima, or where each comes from' },
    index_order: { kind: 'enum', default: 'nhwc', options: INDEX_ORDERS, doc: 'flat index order: nhwc (TF), nchw (ONNX), ncwh (ONNX storage_order 1)' },
  },
  arity: { min: 1, max: 1 },
  field: ([x], a) => {
    const { h, w, strides } = argmaxGeometry(x, a);
    return windowStep(a.pool_size, strides, a.dilation_rate, h, w);
  },

  inferShape([x], a) {
    const { h, w } = argmaxGeometry(x, a);
    if (a.output === 'indices' && sizeOf(x) > MAX_INDEXED)
      throw new OpError(`MaxPoolWithArgmax2D indices of a ${x.join('×')} input go beyond 2^24, which float32 cannot hold exactly`, 'pool a smaller input');
    return [h.out, w.out, x[2]];
  },

  flops: (_inputs, output, a) => pool2dFlops(output, a),

  reference([x], _weights, a) {
    const [N, H, W, C] = x.shape;
    if (a.output === 'indices' && N * H * W * C > MAX_INDEXED)
      throw new OpError(`MaxPoolWithArgmax2D indices of a batch of ${N} × ${H}×${W}×${C} go beyond 2^24, which float32 cannot hold exactly`, 'run a smaller batch');
    const { h, w } = argmaxGeometry(x.shape.slice(1), a);
    const y = tensor([N, h.out, w.out, C]);
    forEachWindowMax(x, a, (o, n, c, iy, ix) => {
      const none = iy < 0;
      y.data[o] = a.output === 'values' ? (none ? -Infinity : x.data[((n * H + iy) * W + ix) * C + c]) : none ? -1 : flatIndex(a.index_order, n, iy, ix, c, H, W, C);
    });
    return y;
  },

  backward([x], _weights, a, dy) {
    // The values output routes each window's gradient to its (first) largest value; indices are
    // integers, with no gradient.
    const [, H, W, C] = x.shape;
    const dx = tensor(x.shape);
    if (a.output === 'indices') return { inputs: [dx], weights: {} };
    forEachWindowMax(x, a, (o, n, c, iy, ix) => {
      if (iy >= 0) dx.data[((n * H + iy) * W + ix) * C + c] += dy.data[o];
    });
    return { inputs: [dx], weights: {} };
  },

});

/**
 * Each output element's window and its first largest value: `visit(output index, n, c, iy, ix)` with
 * the winner's position, or iy = ix = −1 for a window wholly in the padding. The reference and its
 * gradient share it, so both pick the same winner.
 */
function forEachWindowMax(x: Tensor, a: MaxPoolWithArgmax2DAttrs, visit: (o: number, n: number, c: number, iy: number, ix: number) => void): void {
  const [N, H, W, C] = x.shape;
  const { h, w, strides: [SH, SW] } = argmaxGeometry(x.shape.slice(1), a);
  const [KH, KW] = a.pool_size, [DH, DW] = a.dilation_rate;
  for (let n = 0; n < N; n++)
    for (let oy = 0; oy < h.out; oy++)
      for (let ox = 0; ox < w.out; ox++)
        for (let c = 0; c < C; c++) {
          let best = -Infinity, bestY = -1, bestX = -1;
          for (let ky = 0; ky < KH; ky++) {
            const iy = oy * SH - h.padBefore + ky * DH;
            if (iy < 0 || iy >= H) continue;
            for (let kx = 0; kx < KW; kx++) {
              const ix = ox * SW - w.padBefore + kx * DW;
              if (ix < 0 || ix >= W) continue;
              const v = x.data[((n * H + iy) * W + ix) * C + c];
              if (bestY < 0 || v > best) [best, bestY, bestX] = [v, iy, ix];
            }
          }
          visit(((n * h.out + oy) * w.out + ox) * C + c, n, c, bestY, bestX);
        }
}
