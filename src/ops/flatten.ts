// Flatten: any shape → one axis of all its elements, in NHWC (row-major) order, as Keras does
// with channels_last. A view: the reference is an exact copy.
import { sizeOf, tensor } from '../tensor.ts';
import { defineOp } from './op.ts';

export const Flatten = defineOp<Record<string, never>>({
  type: 'Flatten',
  category: 'Core',
  summary: 'Lays every value of an item out on one axis: H×W×C → H·W·C, e.g. before Dense',
  attrs: {},
  arity: { min: 1, max: 1 },
  field: () => ({ whole: 'Flatten: the map becomes one vector, read whole by what follows' }),

  inferShape: ([x]) => [sizeOf(x)],

  flops: () => 0,

  reference([x]) {
    const [N] = x.shape;
    return tensor([N, sizeOf(x.shape.slice(1))], x.data);
  },

  backward: ([x], _weights, _a, dy) => ({ inputs: [tensor(x.shape, dy.data)], weights: {} }),

  gpu: { exact: true },
});
