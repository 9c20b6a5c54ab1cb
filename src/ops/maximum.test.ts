import { describe, expect, it } from 'vitest';
import { tensor } from '../tensor.ts';
import { resolveAttrs } from './attrs.ts';
import { Maximum } from './maximum.ts';

const attrs = resolveAttrs(Maximum, {}).attrs as any;

describe('Maximum', () => {
  it('takes the larger value per element (hand-checked)', () => {
    const y = Maximum.reference([tensor([1, 3], [1, 5, -3]), tensor([1, 3], [2, 2, -4])], {}, attrs);
    expect([...y.data]).toEqual([2, 5, -3]);
  });

  it('broadcasts a per-channel floor and takes the largest of three', () => {
    const map = tensor([1, 2, 1, 2], [-1, 7, 3, -2]), floor = tensor([1, 1, 1, 2], [0, 1]);
    expect([...Maximum.reference([map, floor], {}, attrs).data]).toEqual([0, 7, 3, 1]);
    const three = Maximum.reference([tensor([1, 2], [1, 9]), tensor([1, 2], [4, 2]), tensor([1, 2], [3, 8])], {}, attrs);
    expect([...three.data]).toEqual([4, 9]);
  });

  it('infers shapes and one comparison per extra input per element', () => {
    expect(Maximum.inferShape([[8, 8, 4], [1, 1, 4]], attrs)).toEqual([8, 8, 4]);
    expect(Maximum.flops([[8, 8, 4], [8, 8, 4], [8, 8, 4]], [8, 8, 4], attrs)).toBe(2 * 256);
    expect(Maximum.arity).toEqual({ min: 2, max: Infinity });
    expect(() => Maximum.inferShape([[8, 8, 4], [8, 8, 3]], attrs)).toThrow('Maximum needs equal shapes: 8×8×4 vs 8×8×3');
  });
});
