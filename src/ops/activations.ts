// Keras activation functions by name: the CPU reference of each (the GPU's are in
// shaders/activation.wgsl, by the codes of src/compile/activation-codes.ts). softmax is the one that is
// not elementwise (over the last axis).

export interface ActivationDef {
  /** Elementwise reference; softmax has none here (see applyActivation). */
  f: (x: number) => number;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

const TWO_OVER_SQRT_PI = 1.1283791670955126;

/**
 * erfc(z) for z ≥ 0 in float64, to ~1e-15 relative (Math has no erf): below 2 as 1 − erf(z), erf from
 * its series of positive terms (2/√π)·e^(−z²)·Σ (2z²)ⁿ·z / (1·3·…·(2n+1)); from 2 on, Laplace's
 * continued fraction e^(−z²)/√π · 1/(z + ½/(z + 1/(z + 3⁄2/(z + …)))) (modified Lentz), which keeps
 * erfc's relative accuracy where it is tiny.
 */
function erfcPositive(z: number): number {
  if (z < 2) {
    let term = z, sum = z;
    for (let n = 1; term > 1e-17 * sum; n++) sum += term *= (2 * z * z) / (2 * n + 1);
    return 1 - TWO_OVER_SQRT_PI * Math.exp(-z * z) * sum;
  }
  if (z > 27) return 0; // below float64's smallest value
  const tiny = 1e-300;
  let f = z, c = z, d = 0;
  for (let k = 1; k < 500; k++) {
    const a = k / 2;
    d = z + a * d;
    d = d === 0 ? tiny : 1 / d;
    c = z + a / c;
    if (c === 0) c = tiny;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return (Math.exp(-z * z) / Math.sqrt(Math.PI)) / f;
}

/** erf(x), float64; erf(−x) = −erf(x). */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const z = Math.abs(x);
  // Below 0.5 the series alone (no cancellation in 1 − erfc).
  let e: number;
  if (z < 0.5) {
    let term = z, sum = z;
    for (let n = 1; term > 1e-17 * sum; n++) sum += term *= (2 * z * z) / (2 * n + 1);
    e = TWO_OVER_SQRT_PI * Math.exp(-z * z) * sum;
  } else e = 1 - erfcPositive(z);
  return x < 0 ? -e : e;
}

/** The standard normal distribution function Φ(x) = ½·erfc(−x/√2), relatively accurate in both tails. */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const z = Math.abs(x) / Math.SQRT2;
  return x < 0 ? 0.5 * erfcPositive(z) : 1 - 0.5 * erfcPositive(z);
}

/** Keras' gelu (approximate=False): x·Φ(x) = ½·x·(1 + erf(x/√2)). */
export const gelu = (x: number) => (x === -Infinity ? 0 : x * normalCdf(x));

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
  // Keras 3's default (approximate=False), PyTorch's nn.GELU(): x·Φ(x).
  gelu: { f: gelu },
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
