import { describe, expect, it } from 'vitest';
import { expectClose, TOLERANCE } from '../testing/expect-close.ts';
import { tensor } from '../tensor.ts';
import { resolveAttrs } from './attrs.ts';
import { Average } from './average.ts';

const attrs = resolveAttrs(Average, {}).attrs as any;

describe('Average', () => {
  it('takes the mean of two and of three inputs (hand-checked)', () => {
    expect([...Average.reference([tensor([1, 2], [1, 3]), tensor([1, 2], [3, 5])], {}, attrs).data]).toEqual([2, 4]);
    const three = Average.reference([tensor([1, 1], [1]), tensor([1, 1], [2]), tensor([1, 1], [6])], {}, attrs);
    expect([...three.data]).toEqual([3]);
  });

  it('broadcasts a column against a row: (x + y) / 2 on a 2×3 grid', () => {
    const column = tensor([1, 2, 1], [0, 4]), row = tensor([1, 1, 3], [1, 2, 3]);
    const y = Average.reference([column, row], {}, attrs);
    expect(y.shape).toEqual([1, 2, 3]);
    expectClose(y.data, [0.5, 1, 1.5, 2.5, 3, 3.5], TOLERANCE.elementwise);
  });

  it('divides by the number of inputs, not by 2', () => {
    const y = Average.reference([tensor([1, 1], [0.1]), tensor([1, 1], [0.2]), tensor([1, 1], [0.3]), tensor([1, 1], [0.4])], {}, attrs);
    expectClose(y.data, [0.25], TOLERANCE.elementwise);
  });

  it('infers shapes and counts n − 1 adds and a scale per element', () => {
    expect(Average.inferShape([[14, 14, 32], [14, 14, 32], [1, 1, 32]], attrs)).toEqual([14, 14, 32]);
    expect(Average.flops([[14, 14, 32], [14, 14, 32], [1, 1, 32]], [14, 14, 32], attrs)).toBe(3 * 14 * 14 * 32);
    expect(Average.arity).toEqual({ min: 2, max: Infinity });
    expect(() => Average.inferShape([[4, 4, 8], [2, 2, 8]], attrs)).toThrow('Average needs equal shapes: 4×4×8 vs 2×2×8');
  });
});
