// AveragePool2D: the mean of each KH×KW window, per channel, NHWC. Keras divides by the real cells
// only; count_include_pad (ONNX/PyTorch) also counts the pads. Kernel: shaders/pool2d.wgsl.
import { tensor, type Tensor } from '../tensor.ts';
import { defineOp } from './op.ts';
import { pool2dFlops, POOL2D_ATTRS, poolField, poolGeometry, type Pool2DAttrs } from './max-pool2d.ts';

export interface AveragePool2DAttrs extends Pool2DAttrs {
  count_include_pad: boolean;
}

export const AveragePool2D = defineOp<AveragePool2DAttrs>({
  type: 'AveragePool2D',
  aliases: ['AveragePooling2D'],
  category: 'Pooling',
  summary: 'Mean of each pool_size window per channel; strides default to the pool size',
  attrs: {
    ...POOL2D_ATTRS,
    count_include_pad: { kind: 'bool', default: false, doc: 'divide by the whole window, pads included (ONNX count_include_pad=1)' },
  },
  arity: { min: 1, max: 1 },
  field: ([x], a) => poolField('AveragePool2D', x, a),

  inferShape([x], a) {
    const { h, w } = poolGeometry('AveragePool2D', x, a);
    return [h.out, w.out, x[2]];
  },

  flops: (_inputs, output, a) => pool2dFlops(output, a),

  reference([x], _weights, a) {
    const [N, , , C] = x.shape;
    const { h, w } = poolGeometry('AveragePool2D', x.shape.slice(1), a);
    const y = tensor([N, h.out, w.out, C]);
    forEachWindow(x, a, (o, inputs, divisor) => {
      let sum = 0;
      for (const i of inputs) sum += x.data[i];
      y.data[o] = sum / divisor;
    });
    return y;
  },

  backward([x], _weights, a, dy) {
    const dx = new Float64Array(x.data.length);
    forEachWindow(x, a, (o, inputs, divisor) => {
      for (const i of inputs) dx[i] += dy.data[o] / divisor;
    });
    return { inputs: [tensor(x.shape, dx)], weights: {} };
  },

  gpu: { writesConcatSlice: true },
});

/**
 * Each output element of the pooling, the data indices of the input values its window averages (the
 * window clipped to the real input: padding takes no part) and the divisor. With pads counted, the
 * window is still clipped at the padded edge: what ceil mode adds beyond the end pad never counts
 * (PyTorch, ONNX Runtime). The reference and its gradient share it.
 */
function forEachWindow(x: Tensor, a: AveragePool2DAttrs, visit: (o: number, inputs: number[], divisor: number) => void): void {
  const [N, H, W, C] = x.shape;
  const { h, w, strides: [SH, SW] } = poolGeometry('AveragePool2D', x.shape.slice(1), a);
  const [KH, KW] = a.pool_size;
  const OH = h.out, OW = w.out;
  for (let n = 0; n < N; n++)
    for (let oy = 0; oy < OH; oy++)
      for (let ox = 0; ox < OW; ox++) {
        const y0 = oy * SH - h.padBefore, x0 = ox * SW - w.padBefore;
        const iy0 = Math.max(y0, 0), iy1 = Math.min(y0 + KH, H);
        const ix0 = Math.max(x0, 0), ix1 = Math.min(x0 + KW, W);
        const divisor = a.count_include_pad
          ? (Math.min(y0 + KH, H + h.padAfter) - y0) * (Math.min(x0 + KW, W + w.padAfter) - x0)
          : (iy1 - iy0) * (ix1 - ix0);
        for (let c = 0; c < C; c++) {
          const inputs: number[] = [];
          for (let iy = iy0; iy < iy1; iy++)
            for (let ix = ix0; ix < ix1; ix++) inputs.push(((n * H + iy) * W + ix) * C + c);
          visit(((n * OH + oy) * OW + ox) * C + c, inputs, divisor);
        }
      }
}
