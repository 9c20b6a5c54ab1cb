import { describe, expect, it } from 'vitest';
import { expectClose, TOLERANCE } from '../testing/expect-close.ts';
import { tensor } from '../tensor.ts';
import { resolveAttrs } from './attrs.ts';
import { Dot } from './dot.ts';

const attrs = (raw: Record<string, unknown>) => resolveAttrs(Dot, raw).attrs as any;

describe('Dot', () => {
  it('gives the cosine proximity with normalize: [1, 0]·[1, 1] = 1/√2', () => {
    const x = tensor([1, 2], [1, 0]), y = tensor([1, 2], [1, 1]);
    const cos = Dot.reference([x, y], {}, attrs({ axes: 1, normalize: true }));
    expect(cos.shape).toEqual([1, 1]);
    expectClose(cos.data, [Math.SQRT1_2], TOLERANCE.elementwise);
    expect(cos.data[0]).toBeCloseTo(0.7071, 4);
    expect([...Dot.reference([x, y], {}, attrs({ axes: 1 })).data]).toEqual([1]);
  });

  it('normalises each batch item on its own, and a zero vector gives 0, not NaN', () => {
    const x = tensor([3, 2], [3, 4, 1, 0, 0, 0]), y = tensor([3, 2], [4, 3, 0, 1, 5, 5]);
    const cos = Dot.reference([x, y], {}, attrs({ axes: -1, normalize: true }));
    expectClose(cos.data, [24 / 25, 0, 0], TOLERANCE.elementwise);
  });

  it('multiplies matrices: [n, m]·[m, k] with axes [2, 1]', () => {
    const x = tensor([1, 2, 3], [1, 2, 3, 4, 5, 6]), y = tensor([1, 3, 2], [7, 8, 9, 10, 11, 12]);
    const out = Dot.reference([x, y], {}, attrs({ axes: [2, 1] }));
    expect(out.shape).toEqual([1, 2, 2]);
    expectClose(out.data, [58, 64, 139, 154], TOLERANCE.elementwise);
  });

  it('matches the Keras docs example: axes (1, 2) of arange(10)·arange(10, 20) → [[260, 360], [320, 445]]', () => {
    const x = tensor([1, 5, 2], Array.from({ length: 10 }, (_, i) => i));
    const y = tensor([1, 2, 5], Array.from({ length: 10 }, (_, i) => 10 + i));
    const out = Dot.reference([x, y], {}, attrs({ axes: [1, 2] }));
    expect(out.shape).toEqual([1, 2, 2]);
    expectClose(out.data, [260, 360, 320, 445], TOLERANCE.elementwise);
  });

  it.each([
    // [x, y, axes, output]
    [[8], [8], 1, [1]],
    [[8], [8], -1, [1]],
    [[3, 5], [10, 3], [1, 2], [5, 10]], // Keras docs: (2, 3, 5)·(2, 10, 3) → (2, 5, 10)
    [[2, 3], [3, 4], [-1, 1], [2, 4]],
    [[2, 3], [3, 4], [2, -2], [2, 4]],
    [[4, 5], [6, 5], -1, [4, 6]],
    [[5, 4], [5, 6], 1, [4, 6]],
    [[20], [30, 20], [1, 2], [30]], // Keras' batch_dot docstring: (100, 20)·(100, 30, 20) → (100, 30)
    [[4, 4, 8], [8], [3, 1], [4, 4]],
  ])('infers %j · %j on axes %j → %j', (x, y, axes, want) => {
    expect(Dot.inferShape([x, y], attrs({ axes }))).toEqual(want);
  });

  it('refuses the batch as an axis, as 0 or counted from the end', () => {
    expect(() => Dot.inferShape([[4], [4]], attrs({ axes: 0 }))).toThrow('Dot cannot sum over axis 0 of the first input: that is the batch');
    expect(() => Dot.inferShape([[2, 3], [3, 4]], attrs({ axes: [2, 0] }))).toThrow('Dot cannot sum over axis 0 of the second input: that is the batch');
    expect(() => Dot.inferShape([[2, 3], [3, 4]], attrs({ axes: -3 }))).toThrow('Dot cannot sum over axis -3 of the first input: that is the batch');
  });

  it('refuses axes past the rank and axes of different sizes, naming both', () => {
    expect(() => Dot.inferShape([[2, 3], [3, 4]], attrs({ axes: [3, 1] }))).toThrow('Dot axis 3 is out of range for the first input 2×3');
    expect(() => Dot.inferShape([[3, 5], [4, 2]], attrs({ axes: [2, 1] })))
      .toThrow('Dot axes [2, 1] need equal sizes: 3×5 has 5 on axis 2, 4×2 has 4 on axis 1');
  });

  it('takes exactly 2 inputs, has no weights and costs 2 FLOPs per multiply-add', () => {
    expect(Dot.arity).toEqual({ min: 2, max: 2 });
    expect(Dot.weights).toBeUndefined();
    expect(Dot.category).toBe('Merge');
    expect(Dot.flops([[2, 3], [3, 4]], [2, 4], attrs({ axes: [2, 1] }))).toBe(2 * 2 * 4 * 3);
    expect(Dot.flops([[128], [128]], [1], attrs({ axes: -1 }))).toBe(2 * 128);
  });

  it('defaults to the last axis without normalising, and rejects malformed axes', () => {
    expect(attrs({})).toEqual({ axes: -1, normalize: false });
    expect(resolveAttrs(Dot, { axes: [1, 2, 3] }).problems.map((p) => p.message)).toEqual(['Dot axes must be an axis or a pair of axes, got [1,2,3]']);
  });
});
