// dL/dt[i] by central differences, as the gradient tests check the reference gradients against it.
import type { Tensor } from '../tensor.ts';

/**
 * The central difference of `loss` in t[i] (t is perturbed in place and restored), with the step the
 * float32 data actually took; null on a kink — a ReLU at its threshold, a max's tie — where the
 * one-sided differences disagree by more than 5% of max(floor, |right| + |left|).
 */
export function centralDifference(t: Tensor, i: number, loss: () => number, { eps = 1e-3, floor = 1 } = {}): number | null {
  const v = t.data[i];
  t.data[i] = v + eps;
  const plus = loss();
  t.data[i] = v - eps;
  const minus = loss();
  t.data[i] = v;
  const mid = loss();
  const right = (plus - mid) / eps, left = (mid - minus) / eps;
  if (Math.abs(right - left) > 0.05 * Math.max(floor, Math.abs(right) + Math.abs(left))) return null;
  return (plus - minus) / (Math.fround(v + eps) - Math.fround(v - eps));
}
