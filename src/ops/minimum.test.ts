import { describe, expect, it } from 'vitest';
import { tensor } from '../tensor.ts';
import { resolveAttrs } from './attrs.ts';
import { Minimum } from './minimum.ts';

const attrs = resolveAttrs(Minimum, {}).attrs as any;

describe('Minimum', () => {
  it('takes the smaller value per element (hand-checked)', () => {
    const y = Minimum.reference([tensor([1, 3], [1, 5, -3]), tensor([1, 3], [2, 2, -4])], {}, attrs);
    expect([...y.data]).toEqual([1, 2, -4]);
  });

  it('broadcasts a per-channel ceiling and takes the smallest of three', () => {
    const map = tensor([1, 2, 1, 2], [-1, 7, 3, -2]), ceiling = tensor([1, 1, 1, 2], [0, 6]);
    expect([...Minimum.reference([map, ceiling], {}, attrs).data]).toEqual([-1, 6, 0, -2]);
    const three = Minimum.reference([tensor([1, 2], [1, 9]), tensor([1, 2], [4, 2]), tensor([1, 2], [3, 8])], {}, attrs);
    expect([...three.data]).toEqual([1, 2]);
  });

  it('infers shapes and one comparison per extra input per element', () => {
    expect(Minimum.inferShape([[8, 8, 4], [4]], attrs)).toEqual([8, 8, 4]);
    expect(Minimum.flops([[8, 8, 4], [4]], [8, 8, 4], attrs)).toBe(256);
    expect(Minimum.arity).toEqual({ min: 2, max: Infinity });
    expect(() => Minimum.inferShape([[8, 8, 4], [4, 4, 4]], attrs)).toThrow('Minimum needs equal shapes: 8×8×4 vs 4×4×4');
  });
});
