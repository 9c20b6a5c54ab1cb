// Softmax over any one axis (Keras' Softmax layer; axis counts the batch as 0, −1 is the last). The
// last axis is Activation('softmax')'s kernel; any other runs shaders/softmax-axis.wgsl, one invocation
// per line along the axis. ONNX's Softmax on a non-channel axis imports as this.
import type { Shape } from '../graph/types.ts';
import { sizeOf, tensor } from '../tensor.ts';
import { defineOp, OpError } from './op.ts';

export interface SoftmaxAttrs {
  axis: number;
}

/** The axis in the batched tensor (1 … rank); the batch itself is refused. */
export function softmaxAxis(x: Shape, axis: number): number {
  const rank = x.length + 1;
  const a = axis < 0 ? axis + rank : axis;
  if (a === 0) throw new OpError('Softmax over axis 0 would mix the items of a batch', 'pick an axis from 1 (or −1, the last)');
  if (a < 0 || a >= rank) throw new OpError(`Softmax axis ${axis} is out of range for a ${x.join('×')} input (axes 1 to ${rank - 1}, or −1 … −${rank - 1})`);
  return a;
}

export const Softmax = defineOp<SoftmaxAttrs>({
  type: 'Softmax',
  category: 'Activation',
  summary: 'exp(x) / Σ exp(x) along one axis (default −1, the last)',
  attrs: {
    axis: { kind: 'int', default: -1, doc: 'the axis normalised, counting the batch as 0; −1 is the last' },
  },
  arity: { min: 1, max: 1 },
  field: ([x], a) => (a.axis === -1 || a.axis === x.length ? 'pointwise' : { whole: 'Softmax along a spatial axis mixes every position of that axis' }),

  inferShape([x], a) {
    softmaxAxis(x, a.axis);
    return x;
  },

  // An exp, an add and a divide per element, as Activation counts softmax: one.
  flops: (_inputs, output) => sizeOf(output),

  reference([x], _weights, a) {
    const axis = softmaxAxis(x.shape.slice(1), a.axis);
    const C = x.shape[axis], inner = sizeOf(x.shape.slice(axis + 1)), outer = sizeOf(x.shape.slice(0, axis));
    const y = tensor(x.shape);
    for (let o = 0; o < outer; o++)
      for (let i = 0; i < inner; i++) {
        const at = (c: number) => (o * C + c) * inner + i;
        let m = -Infinity, sum = 0;
        for (let c = 0; c < C; c++) m = Math.max(m, x.data[at(c)]);
        for (let c = 0; c < C; c++) sum += Math.exp(x.data[at(c)] - m);
        for (let c = 0; c < C; c++) y.data[at(c)] = Math.exp(x.data[at(c)] - m) / sum;
      }
    return y;
  },
  backward([x], weights, a, dy) {
    // dx = y ⊙ (dy − Σ dy·y) along the axis.
    const y = Softmax.reference([x], weights, a).data;
    const axis = softmaxAxis(x.shape.slice(1), a.axis);
    const C = x.shape[axis], inner = sizeOf(x.shape.slice(axis + 1)), outer = sizeOf(x.shape.slice(0, axis));
    const dx = tensor(x.shape);
    for (let o = 0; o < outer; o++)
      for (let i = 0; i < inner; i++) {
        const at = (c: number) => (o * C + c) * inner + i;
        let dot = 0;
        for (let c = 0; c < C; c++) dot += dy.data[at(c)] * y[at(c)];
        for (let c = 0; c < C; c++) dx.data[at(c)] = y[at(c)] * (dy.data[at(c)] - dot);
      }
    return { inputs: [dx], weights: {} };
  },

});
