// Shared pieces of the ops' reference gradients (OpDef.backward): the derivative of every Keras
// activation, and the softmax Jacobian-vector product. Float64 throughout; tensors come back float32.
import { tensor, type Tensor } from '../tensor.ts';
import { ACTIVATIONS, normalCdf } from './activations.ts';

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** f'(z) of each elementwise Keras activation, at the pre-activation z. */
const DERIVATIVES: Record<string, (z: number) => number> = {
  linear: () => 1,
  relu: (z) => (z > 0 ? 1 : 0),
  relu6: (z) => (z > 0 && z < 6 ? 1 : 0),
  leaky_relu: (z) => (z > 0 ? 1 : 0.2),
  elu: (z) => (z > 0 ? 1 : Math.exp(z)),
  sigmoid: (z) => sigmoid(z) * (1 - sigmoid(z)),
  hard_sigmoid: (z) => (z > -2.5 && z < 2.5 ? 0.2 : 0),
  swish: (z) => sigmoid(z) * (1 + z * (1 - sigmoid(z))),
  tanh: (z) => 1 - Math.tanh(z) ** 2,
  softplus: (z) => (z > 20 ? 1 : sigmoid(z)),
  softsign: (z) => 1 / (1 + Math.abs(z)) ** 2,
  // d/dz z·Φ(z) = Φ(z) + z·φ(z), φ the standard normal density.
  gelu: (z) => (Math.abs(z) > 40 ? (z > 0 ? 1 : 0) : normalCdf(z) + (z * Math.exp(-0.5 * z * z)) / Math.sqrt(2 * Math.PI)),
};

/**
 * dL/dz for y = activation(z) over NHWC data with `channels` on the last axis: f'(z)·dy elementwise;
 * softmax (over the last axis) y ⊙ (dy − Σ dy·y).
 */
export function activationBackward(name: string, z: Float32Array, dy: Float32Array, channels: number): Float64Array {
  const dz = new Float64Array(z.length);
  if (name === 'softmax') {
    const y = Float64Array.from(z);
    for (let base = 0; base < y.length; base += channels) {
      let max = -Infinity, sum = 0;
      for (let c = 0; c < channels; c++) max = Math.max(max, y[base + c]);
      for (let c = 0; c < channels; c++) sum += y[base + c] = Math.exp(y[base + c] - max);
      let dot = 0;
      for (let c = 0; c < channels; c++) dot += (y[base + c] /= sum) * dy[base + c];
      for (let c = 0; c < channels; c++) dz[base + c] = y[base + c] * (dy[base + c] - dot);
    }
    return dz;
  }
  const d = DERIVATIVES[name];
  if (!d || !ACTIVATIONS[name]) throw new Error(`no derivative for activation '${name}'`);
  for (let i = 0; i < z.length; i++) dz[i] = d(z[i]) * dy[i];
  return dz;
}

/** A float32 tensor of `shape` from float64 sums. */
export function fromSums(shape: readonly number[], sums: Float64Array): Tensor {
  return tensor(shape, sums);
}
