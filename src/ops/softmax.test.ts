import { describe, expect, it } from 'vitest';
import { tensor } from '../tensor.ts';
import { resolveAttrs } from './attrs.ts';
import { findOp } from './index.ts';
import { Softmax } from './softmax.ts';

const attrs = (axis: number) => resolveAttrs(Softmax, { axis }).attrs as any;

describe('Softmax', () => {
  it('is the registry\'s Softmax, over the last axis by default', () => {
    expect(findOp('softmax')).toBe(Softmax);
    expect(resolveAttrs(Softmax, {}).attrs).toEqual({ axis: -1 });
  });

  it('normalises along the axis it is given (hand-checked: equal logits share, ln 3 apart is 3:1)', () => {
    // 2×2: axis 1 runs down the columns, axis 2 (= −1) along the rows.
    const x = tensor([1, 2, 2], [0, Math.log(3), 0, 0]);
    const rows = [...Softmax.reference([x], {}, attrs(-1)).data];
    expect(rows.map((v) => +v.toFixed(6))).toEqual([0.25, 0.75, 0.5, 0.5]);
    const cols = [...Softmax.reference([x], {}, attrs(1)).data];
    expect(cols.map((v) => +v.toFixed(6))).toEqual([0.5, 0.75, 0.5, 0.25]);
  });

  it('stays finite for large logits (the max is subtracted)', () => {
    expect([...Softmax.reference([tensor([1, 2], [1000, 1000])], {}, attrs(1)).data]).toEqual([0.5, 0.5]);
  });

  it('refuses the batch axis and axes out of range, naming them', () => {
    expect(() => Softmax.inferShape([[4, 5]], attrs(0))).toThrow('Softmax over axis 0 would mix the items of a batch');
    expect(() => Softmax.inferShape([[4, 5]], attrs(3))).toThrow('Softmax axis 3 is out of range for a 4×5 input');
    expect(Softmax.inferShape([[4, 5]], attrs(-2))).toEqual([4, 5]);
  });
});
