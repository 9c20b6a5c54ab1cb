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
