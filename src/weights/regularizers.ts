// Keras weight and activity regularizers: penalty = l1·Σ|x| + l2·Σx², summed in float64.
// Reference: keras/src/regularizers/regularizers.py (L1, L2, L1L2).
import type { Regularizer } from './specs.ts';

export function regularizationPenalty(reg: Regularizer, data: ArrayLike<number>): number {
  let absSum = 0, squareSum = 0;
  for (let i = 0; i < data.length; i++) {
    const x = data[i];
    absSum += Math.abs(x);
    squareSum += x * x;
  }
  // a zero factor contributes nothing even when the data holds ±∞ (as in Keras, which skips it)
  return (reg.l1 ? reg.l1 * absSum : 0) + (reg.l2 ? reg.l2 * squareSum : 0);
}

/**
 * Adds scale·∂penalty/∂x = scale·(l1·sign(x) + 2·l2·x) to `out` (sign(0) = 0, as the gradient of
 * Keras' ops.abs at 0). The trainer adds it to a weight's gradient (scale 1) and, for an activity
 * regularizer, to the node's output gradient (scale 1/batch, as the penalty is divided by the batch).
 */
export function addRegularizationGradient(reg: Regularizer, data: ArrayLike<number>, out: Float64Array, scale = 1): void {
  const l1 = reg.l1 * scale, l2 = 2 * reg.l2 * scale;
  for (let i = 0; i < data.length; i++) {
    const x = data[i];
    out[i] += (l1 ? l1 * Math.sign(x) : 0) + (l2 ? l2 * x : 0);
  }
}
