import { describe, expect, it } from 'vitest';
import { tensor } from '../tensor.ts';
import { resolveAttrs } from './attrs.ts';
import { Cropping2D } from './cropping2d.ts';
import { OpError } from './op.ts';

const attrs = (raw: Record<string, unknown>) => resolveAttrs(Cropping2D, raw).attrs as any;
const threeByFour = tensor([1, 3, 4, 1], Array.from({ length: 12 }, (_, i) => i + 1));

describe('Cropping2D', () => {
  it('keeps exactly the inner window of [[1, 0], [1, 2]]', () => {
    // 1 2 3 4 / 5 6 7 8 / 9 10 11 12 → rows 1..2, column 1
    const y = Cropping2D.reference([threeByFour], {}, attrs({ cropping: [[1, 0], [1, 2]] }));
    expect(y.shape).toEqual([1, 2, 1, 1]);
    expect([...y.data]).toEqual([6, 10]);
  });

  it('keeps channels and batch items together, and is an exact copy with the default', () => {
    const x = tensor([2, 2, 2, 2], Array.from({ length: 16 }, (_, i) => i));
    const y = Cropping2D.reference([x], {}, attrs({ cropping: [[0, 1], [1, 0]] }));
    expect(y.shape).toEqual([2, 1, 1, 2]);
    expect([...y.data]).toEqual([2, 3, 10, 11]);
    const same = Cropping2D.reference([x], {}, attrs({}));
    expect(same.data).not.toBe(x.data);
    expect([...same.data]).toEqual([...x.data]);
  });

  it.each([
    [[224, 224, 3], {}, [224, 224, 3]],
    [[28, 28, 64], { cropping: 2 }, [24, 24, 64]],
    [[28, 28, 64], { cropping: [1, 3] }, [26, 22, 64]],
    [[28, 28, 64], { cropping: [[0, 27], [27, 0]] }, [1, 1, 64]],
  ])('infers %j %j → %j', (input, raw, want) => {
    expect(Cropping2D.inferShape([input], attrs(raw))).toEqual(want);
  });

  it('explains a cropping that removes everything', () => {
    let e: unknown;
    try {
      Cropping2D.inferShape([[3, 4, 1]], attrs({ cropping: [[2, 1], [0, 0]] }));
    } catch (err) {
      e = err;
    }
    expect(e).toBeInstanceOf(OpError);
    expect((e as OpError).message).toBe('Cropping2D [[2,1],[0,0]] removes the whole 3×4×1 input (0×4 would be left)');
    expect((e as OpError).hint).toBe('crop fewer than 3 rows (top + bottom) and 4 columns (left + right) in all');
    expect(() => Cropping2D.inferShape([[3, 4, 1]], attrs({ cropping: [0, 3] }))).toThrow('(3×0 would be left)');
  });

  it('costs no FLOPs and explains a bad input rank', () => {
    expect(Cropping2D.flops([[4, 4, 1]], [2, 2, 1], attrs({}))).toBe(0);
    expect(() => Cropping2D.inferShape([[16]], attrs({}))).toThrow('Cropping2D needs an H×W×C input, got 16');
  });
});
