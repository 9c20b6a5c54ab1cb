import { describe, expect, it } from 'vitest';
import { regularizationPenalty } from './regularizers.ts';

describe('regularizationPenalty', () => {
  it('is l1·Σ|x| + l2·Σx²', () => {
    const x = [1, -2, 3];
    expect(regularizationPenalty({ l1: 0.01, l2: 0 }, x)).toBeCloseTo(0.06, 15);
    expect(regularizationPenalty({ l1: 0, l2: 0.01 }, x)).toBeCloseTo(0.14, 15);
    expect(regularizationPenalty({ l1: 0.5, l2: 2 }, x)).toBeCloseTo(3 + 28, 12);
    expect(regularizationPenalty({ l1: 0, l2: 0 }, x)).toBe(0);
  });

  it('sums in float64: 10⁷ float32 values of 0.1 do not drift', () => {
    const x = new Float32Array(10_000_000).fill(0.1);
    expect(regularizationPenalty({ l1: 1, l2: 0 }, x)).toBeCloseTo(1e7 * Math.fround(0.1), 4);
  });

  it('ignores ±∞ under a zero factor, as Keras skips the term', () => {
    expect(regularizationPenalty({ l1: 0.01, l2: 0 }, [Infinity, 1])).toBe(Infinity);
    expect(regularizationPenalty({ l1: 0, l2: 0.01 }, [-Infinity, 1])).toBe(Infinity);
  });
});
