// Activation: a Keras activation function by name on any shape (softmax over the last axis).
// Definitions: src/ops/activations.ts; fused into the producing kernel where it can be.
import { sizeOf, tensor } from '../tensor.ts';
import { activationFlops, applyActivation } from './activations.ts';
import { activationBackward } from './gradients.ts';
import { defineOp } from './op.ts';

export interface ActivationAttrs {
  activation: string;
}

export const Activation = defineOp<ActivationAttrs>({
  type: 'Activation',
  category: 'Activation',
  summary: 'Applies an activation function by name: relu, sigmoid, softmax, swish, …',
  attrs: {
    activation: { kind: 'activation', default: 'relu' },
  },
  arity: { min: 1, max: 1 },
  field: () => 'pointwise',

  inferShape: ([x]) => x,

  // One FLOP per element whatever the function (exp and tanh count as one); linear is free.
  flops: (_inputs, output, a) => activationFlops(a.activation, sizeOf(output)),

  reference([x], _weights, a) {
    const y = tensor(x.shape, x.data);
    applyActivation(y.data, x.shape.length > 1 ? x.shape[x.shape.length - 1] : 1, a.activation);
    return y;
  },


  backward([x], _weights, a, dy) {
    return { inputs: [tensor(x.shape, activationBackward(a.activation, x.data, dy.data, x.shape.length > 1 ? x.shape[x.shape.length - 1] : 1))], weights: {} };
  },

  gpu: { activation: true, writesConcatSlice: true },
});
