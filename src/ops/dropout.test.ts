import { describe, expect, it } from 'vitest';
import { tensor } from '../tensor.ts';
import { resolveAttrs } from './attrs.ts';
import { Dropout } from './dropout.ts';

const attrs = (raw: Record<string, unknown>) => resolveAttrs(Dropout, raw).attrs as any;

describe('Dropout', () => {
  it('is the identity at inference, whatever the rate, and copies', () => {
    const x = tensor([1, 2, 3], [-1, 0, 0.5, 2, 3e-8, 100]);
    for (const rate of [0, 0.5, 0.9]) {
      const y = Dropout.reference([x], {}, attrs({ rate }));
      expect(y.shape).toEqual([1, 2, 3]);
      expect([...y.data]).toEqual([...x.data]);
      expect(y.data).not.toBe(x.data);
    }
  });

  it('keeps the shape, defaults to rate 0.5 and costs nothing', () => {
    expect(Dropout.inferShape([[7, 7, 64]], attrs({}))).toEqual([7, 7, 64]);
    expect(attrs({}).rate).toBe(0.5);
    expect(Dropout.flops([[4096]], [4096], attrs({}))).toBe(0);
  });

  it('reports a rate outside 0…1', () => {
    expect(resolveAttrs(Dropout, { rate: 1.5 }).problems.map((p) => p.message)).toEqual(['Dropout rate must be between 0 and 1, got 1.5']);
  });
});
