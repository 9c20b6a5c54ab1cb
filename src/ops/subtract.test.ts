import { describe, expect, it } from 'vitest';
import { tensor } from '../tensor.ts';
import { resolveAttrs } from './attrs.ts';
import { Subtract } from './subtract.ts';

const attrs = resolveAttrs(Subtract, {}).attrs as any;

describe('Subtract', () => {
  it('takes the first minus the second (hand-checked)', () => {
    const y = Subtract.reference([tensor([1, 2, 1, 2], [5, 7, 9, 11]), tensor([1, 2, 1, 2], [1, 2, 3, 4])], {}, attrs);
    expect(y.shape).toEqual([1, 2, 1, 2]);
    expect([...y.data]).toEqual([4, 5, 6, 7]);
  });

  it('keeps the order when either side is the broadcast one', () => {
    const row = tensor([1, 3], [1, 2, 3]), one = tensor([1, 1], [1]);
    expect([...Subtract.reference([row, one], {}, attrs).data]).toEqual([0, 1, 2]);
    expect([...Subtract.reference([one, row], {}, attrs).data]).toEqual([0, -1, -2]);
    const perChannel = tensor([1, 1, 1, 2], [1, 10]);
    const map = tensor([1, 1, 2, 2], [5, 50, 6, 60]);
    expect([...Subtract.reference([map, perChannel], {}, attrs).data]).toEqual([4, 40, 5, 50]);
  });

  it('takes exactly two inputs, as Keras', () => {
    expect(Subtract.arity).toEqual({ min: 2, max: 2 });
    expect(() => Subtract.inferShape([[4], [4], [4]], attrs)).toThrow('Subtract takes exactly 2 inputs, got 3');
  });

  it('infers broadcast shapes and costs one subtraction per element', () => {
    expect(Subtract.inferShape([[28, 28, 64], [1, 1, 64]], attrs)).toEqual([28, 28, 64]);
    expect(Subtract.flops([[28, 28, 64], [1, 1, 64]], [28, 28, 64], attrs)).toBe(28 * 28 * 64);
    expect(() => Subtract.inferShape([[28, 28, 64], [14, 14, 64]], attrs)).toThrow('Subtract needs equal shapes: 28×28×64 vs 14×14×64');
  });
});
