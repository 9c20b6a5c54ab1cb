// Dense: y = activation(x·kernel + bias) over the LAST axis of an input of any rank (Keras), so a
// Dense on H×W×C acts per pixel. Kernel [IN, UNITS]. Kernel: a GEMM, as the 1×1 convs.
import { formatShape, tensor } from '../tensor.ts';
import type { Initializer, Regularizer } from '../weights/specs.ts';
import { activationFlops, applyActivation } from './activations.ts';
import { activationBackward } from './gradients.ts';
import { defineOp, OpError, weight, type WeightSpec } from './op.ts';

export interface DenseAttrs {
  units: number;
  activation: string;
  use_bias: boolean;
  kernel_initializer: Initializer;
  bias_initializer: Initializer;
  kernel_regularizer: Regularizer | null;
  bias_regularizer: Regularizer | null;
  activity_regularizer: Regularizer | null;
}

export const Dense = defineOp<DenseAttrs>({
  type: 'Dense',
  category: 'Core',
  summary: 'Fully connected layer over the last axis: units outputs per position',
  attrs: {
    units: { kind: 'int', default: 10, min: 1 },
    activation: { kind: 'activation', default: 'linear' },
    use_bias: { kind: 'bool', default: true },
    kernel_initializer: { kind: 'initializer', default: 'glorot_uniform' },
    bias_initializer: { kind: 'initializer', default: 'zeros' },
    kernel_regularizer: { kind: 'regularizer', default: null },
    bias_regularizer: { kind: 'regularizer', default: null },
    activity_regularizer: { kind: 'regularizer', default: null },
  },
  arity: { min: 1, max: 1 },
  field: ([x]) => (x.length >= 2 ? 'pointwise' : { whole: 'Dense: each unit weighs every value of its input vector' }),

  inferShape([x], a) {
    if (x.length === 0)
      throw new OpError(`Dense needs an input with at least one axis, got ${formatShape(x)}`, 'Reshape it to [1] first');
    return [...x.slice(0, -1), a.units];
  },

  weights([x], a) {
    const specs: WeightSpec[] = [
      { name: 'kernel', shape: [x[x.length - 1], a.units], initializer: a.kernel_initializer, regularizer: a.kernel_regularizer, trainable: true },
    ];
    if (a.use_bias) specs.push({ name: 'bias', shape: [a.units], initializer: a.bias_initializer, regularizer: a.bias_regularizer, trainable: true });
    return specs;
  },

  flops([x], output, a) {
    const rows = output.slice(0, -1).reduce((p, d) => p * d, 1);
    return rows * a.units * (2 * x[x.length - 1] + (a.use_bias ? 1 : 0)) + activationFlops(a.activation, rows * a.units);
  },

  reference([x], weights, a) {
    const IN = x.shape[x.shape.length - 1], U = a.units;
    const rows = x.data.length / IN;
    const k = weight(weights, 'kernel').data;
    const bias = a.use_bias ? weight(weights, 'bias').data : null;
    const y = tensor([...x.shape.slice(0, -1), U]);
    for (let r = 0; r < rows; r++)
      for (let u = 0; u < U; u++) {
        let acc = bias ? bias[u] : 0;
        for (let i = 0; i < IN; i++) acc += x.data[r * IN + i] * k[i * U + u];
        y.data[r * U + u] = acc;
      }
    applyActivation(y.data, U, a.activation);
    return y;
  },


  backward([x], weights, a, dy) {
    const IN = x.shape[x.shape.length - 1], U = a.units;
    const rows = x.data.length / IN;
    const k = weight(weights, 'kernel').data;
    const z = Dense.reference([x], weights, { ...a, activation: 'linear' }).data;
    const dz = activationBackward(a.activation, z, dy.data, U);
    const dx = new Float64Array(x.data.length), dk = new Float64Array(k.length), db = new Float64Array(U);
    for (let r = 0; r < rows; r++)
      for (let u = 0; u < U; u++) {
        const g = dz[r * U + u];
        db[u] += g;
        for (let i = 0; i < IN; i++) {
          dx[r * IN + i] += g * k[i * U + u];
          dk[i * U + u] += g * x.data[r * IN + i];
        }
      }
    return { inputs: [tensor(x.shape, dx)], weights: { kernel: tensor(weights.kernel.shape, dk), ...(a.use_bias ? { bias: tensor([U], db) } : {}) } };
  },

  gpu: { conv: true, writesConcatSlice: true },
});
