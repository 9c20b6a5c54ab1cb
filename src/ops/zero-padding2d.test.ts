import { describe, expect, it } from 'vitest';
import { tensor } from '../tensor.ts';
import { resolveAttrs } from './attrs.ts';
import { ZeroPadding2D } from './zero-padding2d.ts';

const attrs = (raw: Record<string, unknown>) => resolveAttrs(ZeroPadding2D, raw).attrs as any;

describe('ZeroPadding2D', () => {
  it('pads asymmetrically [[1, 0], [0, 2]] with exact zeros around an exact copy', () => {
    const x = tensor([1, 2, 2, 1], [1, 2, 3, 4]);
    const y = ZeroPadding2D.reference([x], {}, attrs({ padding: [[1, 0], [0, 2]] }));
    expect(y.shape).toEqual([1, 3, 4, 1]);
    expect([...y.data]).toEqual([
      0, 0, 0, 0,
      1, 2, 0, 0,
      3, 4, 0, 0,
    ]);
  });

  it('keeps channels and batch items in place', () => {
    const x = tensor([2, 1, 1, 2], [5, 6, 7, 8]);
    const y = ZeroPadding2D.reference([x], {}, attrs({}));
    expect(y.shape).toEqual([2, 3, 3, 2]);
    const at = (n: number, h: number, w: number) => [...y.data.subarray(((n * 3 + h) * 3 + w) * 2, ((n * 3 + h) * 3 + w) * 2 + 2)];
    expect(at(0, 1, 1)).toEqual([5, 6]);
    expect(at(1, 1, 1)).toEqual([7, 8]);
    expect(y.data.reduce((s, v) => s + v, 0)).toBe(5 + 6 + 7 + 8);
  });

  it.each([
    [[224, 224, 3], {}, [226, 226, 3]],
    [[224, 224, 3], { padding: 3 }, [230, 230, 3]],
    [[10, 10, 8], { padding: [1, 2] }, [12, 14, 8]],
    [[10, 10, 8], { padding: [[0, 1], [0, 1]] }, [11, 11, 8]],
    [[10, 10, 8], { padding: 0 }, [10, 10, 8]],
  ])('infers %j %j → %j', (input, raw, want) => {
    expect(ZeroPadding2D.inferShape([input], attrs(raw))).toEqual(want);
  });

  it('costs no FLOPs and explains bad input and padding', () => {
    expect(ZeroPadding2D.flops([[2, 2, 1]], [4, 4, 1], attrs({}))).toBe(0);
    expect(() => ZeroPadding2D.inferShape([[100]], attrs({}))).toThrow('ZeroPadding2D needs an H×W×C input, got 100');
    expect(resolveAttrs(ZeroPadding2D, { padding: -1 }).problems.map((p) => p.message)).toEqual([
      'ZeroPadding2D padding expected non-negative whole numbers as n, [h, w] or [[top, bottom], [left, right]], got -1',
    ]);
  });
});
