// The optimizers of `model.compile(optimizer=...)` as pure update rules: one variable, its gradient and
// its state slots (zeros at first, named as Keras names them), updated in place. Each line is Keras 3's
// update_step (keras/src/optimizers/sgd.py, adam.py, rmsprop.py), in JavaScript doubles; the arrays
// round what they store (Float32Array: as Keras' float32 variables; Float64Array: the float64 spec).
// No gradient clipping, weight decay, EMA or loss scaling: Keras' defaults.
//
// Where TF.js (tfjs-core 4.22 optimizers) differs, which the tests against TF.js Layers work around:
// - Adam: TF.js divides by √v̂ + ε with v̂ = v/(1 − β2^t) (the paper's form), Keras 3 by √v + ε after
//   folding both bias corrections into the step: lr·√(1 − β2^t)/(1 − β1^t)·m/(√v + ε). The same but for
//   ε, which Keras 3 in effect scales by 1/√(1 − β2^t) (≈ 31.6 at the first step with β2 = 0.999).
// - RMSprop centered: TF.js takes √(v − ḡ² − ε), Keras 3 √(v − ḡ² + ε). Not centered both take √(v + ε).
// - SGD with momentum: TF.js keeps the sum a = μ·a + g and steps −lr·a (Nesterov: −lr·(g + μ·a)); Keras 3
//   keeps m = μ·m − lr·g and steps +m (Nesterov: +(μ·m − lr·g)). The same while the learning rate is
//   constant (m = −lr·a); rounded differently.
import type { AdamConfig, OptimizerConfig, RMSpropConfig, SGDConfig } from './config.ts';

export type FloatArray = Float32Array | Float64Array;
/** One variable's optimizer state, by Keras' slot name; each slot is shaped like the variable. */
export type Slots = Record<string, FloatArray>;

/** The slots an optimizer keeps per variable, as Keras names them. */
export function slotNames(config: OptimizerConfig): string[] {
  switch (config.name) {
    case 'sgd':
      return config.momentum !== 0 ? ['momentum'] : [];
    case 'adam':
      return ['momentum', 'velocity'];
    case 'rmsprop':
      return ['velocity', ...(config.momentum > 0 ? ['momentum'] : []), ...(config.centered ? ['average_gradient'] : [])];
  }
}

/** Zeroed slots for a variable of `size` values (Float64Array by default). */
export function createSlots(config: OptimizerConfig, size: number, type: { new (n: number): FloatArray } = Float64Array): Slots {
  return Object.fromEntries(slotNames(config).map((name) => [name, new type(size)]));
}

/**
 * One update of `variable` in place. `iteration` is Keras' optimizer.iterations before this update:
 * 0 at the first step (Adam's bias corrections use t = iteration + 1).
 */
export function applyUpdate(config: OptimizerConfig, variable: FloatArray, gradient: ArrayLike<number>, slots: Slots, iteration: number): void {
  if (gradient.length !== variable.length) throw new Error(`optimizer: ${gradient.length} gradient values for ${variable.length} variable values`);
  switch (config.name) {
    case 'sgd':
      return sgdUpdate(config, variable, gradient, slots);
    case 'adam':
      return adamUpdate(config, variable, gradient, slots, iteration);
    case 'rmsprop':
      return rmspropUpdate(config, variable, gradient, slots);
  }
}

/** SGD: w −= lr·g; with momentum m = μ·m − lr·g, then w += m, or w += μ·m − lr·g (Nesterov). */
export function sgdUpdate({ learningRate: lr, momentum: mu, nesterov }: SGDConfig, w: FloatArray, g: ArrayLike<number>, slots: Slots): void {
  if (mu === 0) {
    for (let i = 0; i < w.length; i++) w[i] -= g[i] * lr;
    return;
  }
  const m = slots.momentum;
  for (let i = 0; i < w.length; i++) {
    m[i] = m[i] * mu - g[i] * lr;
    w[i] += nesterov ? m[i] * mu - g[i] * lr : m[i];
  }
}

/** Adam: α = lr·√(1 − β2^t)/(1 − β1^t); m += (g − m)(1 − β1); v += (g² − v)(1 − β2); w −= α·m/(√v + ε). */
export function adamUpdate({ learningRate: lr, beta1, beta2, epsilon }: AdamConfig, w: FloatArray, g: ArrayLike<number>, slots: Slots, iteration: number): void {
  const t = iteration + 1;
  const alpha = (lr * Math.sqrt(1 - beta2 ** t)) / (1 - beta1 ** t);
  const m = slots.momentum, v = slots.velocity;
  for (let i = 0; i < w.length; i++) {
    m[i] += (g[i] - m[i]) * (1 - beta1);
    v[i] += (g[i] * g[i] - v[i]) * (1 - beta2);
    w[i] -= (m[i] * alpha) / (Math.sqrt(v[i]) + epsilon);
  }
}

/**
 * RMSprop: v = ρ·v + (1 − ρ)·g²; centered: ḡ = ρ·ḡ + (1 − ρ)·g and the denominator v − ḡ² + ε, else
 * v + ε; increment = lr·g/√denominator; with momentum m = μ·m + increment and w −= m, else w −= increment.
 */
export function rmspropUpdate({ learningRate: lr, rho, momentum: mu, epsilon, centered }: RMSpropConfig, w: FloatArray, g: ArrayLike<number>, slots: Slots): void {
  const v = slots.velocity, m = slots.momentum, avg = slots.average_gradient;
  for (let i = 0; i < w.length; i++) {
    v[i] = rho * v[i] + (1 - rho) * g[i] * g[i];
    let denominator = v[i] + epsilon;
    if (centered) {
      avg[i] = rho * avg[i] + (1 - rho) * g[i];
      denominator = v[i] - avg[i] * avg[i] + epsilon;
    }
    const increment = (lr * g[i]) / Math.sqrt(denominator);
    if (mu > 0) {
      m[i] = mu * m[i] + increment;
      w[i] -= m[i];
    } else w[i] -= increment;
  }
}
