// Keras activation functions by name: the CPU reference of each (the GPU's are in
// shaders/activation.wgsl, by the codes of src/compile/activation-codes.ts). softmax is the one that is
// not elementwise (over the last axis).

export interface ActivationDef {
  /** Elementwise reference; softmax has none here (see applyActivation). */
  f: (x: number) => number;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

export const ACTIVATIONS: Record<string, ActivationDef> = {
  linear: { f: (x) => x },
  relu: { f: (x) => Math.max(x, 0) },
  relu6: { f: (x) => Math.min(Math.max(x, 0), 6) },
  // Keras' leaky_relu default negative_slope.
  leaky_relu: { f: (x) => (x >= 0 ? x : 0.2 * x) },
  elu: { f: (x) => (x >= 0 ? x : Math.expm1(x)) },
  sigmoid: { f: sigmoid },
  // Keras 2 / TF.js / ONNX convention: max(0, min(1, 0.2·x + 0.5)).
  hard_sigmoid: { f: (x) => Math.min(Math.max(0.2 * x + 0.5, 0), 1) },
  swish: { f: (x) => x * sigmoid(x) },
  tanh: { f: Math.tanh },
  softplus: { f: (x) => (x > 20 ? x : Math.log1p(Math.exp(x))) },
  softsign: { f: (x) => x / (1 + Math.abs(x)) },
  softmax: { f: (x) => x },
};

/**
 * FLOPs of an activation over `outputs` values: one each, as a ReLU layer counts them, so a Conv2D with
 * activation='relu' and a Conv2D followed by ReLU (as an ONNX import makes it) count the same.
 */
export function activationFlops(name: string, outputs: number): number {
  return name === 'linear' ? 0 : outputs;
}

/** Applies an activation in place to NHWC data whose last axis has `channels` entries. */
export function applyActivation(data: Float32Array, channels: number, name: string): void {
  if (name === 'linear') return;
  if (name === 'softmax') {
    for (let base = 0; base < data.length; base += channels) {
      let max = -Infinity;
      for (let c = 0; c < channels; c++) max = Math.max(max, data[base + c]);
      let sum = 0;
      const e = new Float64Array(channels);
      for (let c = 0; c < channels; c++) sum += e[c] = Math.exp(data[base + c] - max);
      for (let c = 0; c < channels; c++) data[base + c] = e[c] / sum;
    }
    return;
  }
  const f = ACTIVATIONS[name].f;
  for (let i = 0; i < data.length; i++) data[i] = f(data[i]);
}
