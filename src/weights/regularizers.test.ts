import { describe, expect, it } from 'vitest';
import { addRegularizationGradient, regularizationPenalty } from './regularizers.ts';

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

describe('addRegularizationGradient', () => {
  it('adds scale·(l1·sign(x) + 2·l2·x), sign(0) = 0, to what is there', () => {
    const out = Float64Array.from([1, 1, 1, 1]);
    addRegularizationGradient({ l1: 0.01, l2: 0.5 }, [2, -3, 0, 0.25], out);
    expect([...out]).toEqual([1 + 0.01 + 2, 1 - 0.01 - 3, 1, 1 + 0.01 + 0.25]);
    const scaled = new Float64Array(2);
    addRegularizationGradient({ l1: 0.1, l2: 0 }, [-5, 5], scaled, 0.5);
    expect([...scaled]).toEqual([-0.05, 0.05]);
  });

  it('is the derivative of regularizationPenalty (central differences)', () => {
    const reg = { l1: 0.3, l2: 0.7 };
    const x = [0.5, -1.25, 2];
    const g = new Float64Array(3);
    addRegularizationGradient(reg, x, g);
    x.forEach((v, i) => {
      const at = (d: number) => regularizationPenalty(reg, x.map((w, j) => (j === i ? v + d : w)));
      expect(g[i]).toBeCloseTo((at(1e-6) - at(-1e-6)) / 2e-6, 6);
    });
  });
});
