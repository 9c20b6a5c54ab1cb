// |got − want| ≤ atol (+ a per-element atol) + rtol·|want|; NaN fails; the message lists the first five mismatches.
import { expect } from 'vitest';

export interface Tolerance {
  atol?: number;
  rtol?: number;
  /** Per element, added to atol (a training step's reach where float noise decides it). */
  atolEach?: ArrayLike<number>;
}

/** STYLE.md's tolerances by kind of op. */
export const TOLERANCE = {
  exact: { atol: 0, rtol: 0 },
  elementwise: { atol: 1e-5, rtol: 1e-4 },
  conv: { atol: 1e-4, rtol: 1e-3 },
} as const;

/**
 * `tol` with its atol scaled by the reference's largest magnitude (at least 1): a deep chain's float32
 * error grows with its values' scale (random graphs, whole training steps).
 */
export function scaledToPeak(want: ArrayLike<number>, { atol = 1e-5, rtol = 1e-4 }: Tolerance): Tolerance {
  let peak = 0;
  for (let i = 0; i < want.length; i++) peak = Math.max(peak, Math.abs(want[i]));
  return { atol: atol * Math.max(1, peak), rtol };
}

export function mismatches(got: ArrayLike<number>, want: ArrayLike<number>, { atol = 1e-5, rtol = 1e-4, atolEach }: Tolerance = {}): string[] {
  if (got.length !== want.length) return [`length ${got.length}, want ${want.length}`];
  const out: string[] = [];
  let count = 0;
  for (let i = 0; i < want.length; i++) {
    const g = got[i], w = want[i];
    const ok = g === w || Math.abs(g - w) <= atol + (atolEach?.[i] ?? 0) + rtol * Math.abs(w);
    if (!ok) {
      count++;
      if (out.length < 5) out.push(`[${i}] got ${g}, want ${w} (diff ${Math.abs(g - w).toExponential(2)})`);
    }
  }
  if (count > 5) out.push(`… ${count} mismatches of ${want.length}`);
  return out;
}

export function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, tol: Tolerance = {}): void {
  const bad = mismatches(got, want, tol);
  expect(bad, bad.join('\n')).toEqual([]);
}
