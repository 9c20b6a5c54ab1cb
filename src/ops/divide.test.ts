import { describe, expect, it } from 'vitest';
import { tensor } from '../tensor.ts';
import { resolveAttrs } from './attrs.ts';
import { Divide } from './divide.ts';
import { findOp } from './index.ts';

const attrs = resolveAttrs(Divide, {}).attrs as any;

describe('Divide', () => {
  it('is in the registry', () => {
    expect(findOp('divide')).toBe(Divide);
  });

  it('divides the first by the second (hand-checked), IEEE at 0', () => {
    const y = Divide.reference([tensor([1, 2, 1, 2], [6, 7, 1, -1]), tensor([1, 2, 1, 2], [3, 2, 0, 0])], {}, attrs);
    expect([...y.data]).toEqual([2, 3.5, Infinity, -Infinity]);
  });

  it('keeps the order when either side is the broadcast one', () => {
    const row = tensor([1, 3], [1, 2, 4]), two = tensor([1, 1], [2]);
    expect([...Divide.reference([row, two], {}, attrs).data]).toEqual([0.5, 1, 2]);
    expect([...Divide.reference([two, row], {}, attrs).data]).toEqual([2, 1, 0.5]);
  });

  it('takes exactly two inputs and names the shapes that do not broadcast', () => {
    expect(() => Divide.inferShape([[4], [4], [4]], attrs)).toThrow('Divide takes exactly 2 inputs, got 3');
    expect(Divide.inferShape([[28, 28, 64], [1, 1, 64]], attrs)).toEqual([28, 28, 64]);
    expect(() => Divide.inferShape([[28, 28, 64], [14, 14, 64]], attrs)).toThrow('Divide needs equal shapes: 28×28×64 vs 14×14×64');
  });
});
