import { describe, expect, it } from 'vitest';
import { tensor } from '../tensor.ts';
import { resolveAttrs } from './attrs.ts';
import { MaxPool2D } from './max-pool2d.ts';
import { OpError } from './op.ts';

const attrs = (raw: Record<string, unknown>) => resolveAttrs(MaxPool2D, raw).attrs as any;
const oneToNine = tensor([1, 3, 3, 1], [1, 2, 3, 4, 5, 6, 7, 8, 9]);
const caught = (f: () => unknown): OpError => {
  try {
    f();
  } catch (e) {
    return e as OpError;
  }
  throw new Error('expected an OpError');
};

describe('MaxPool2D', () => {
  it('takes the max of each 2×2 window with the Keras defaults (strides = pool size)', () => {
    const x = tensor([1, 4, 4, 1], Array.from({ length: 16 }, (_, i) => i + 1));
    const y = MaxPool2D.reference([x], {}, attrs({}));
    expect(y.shape).toEqual([1, 2, 2, 1]);
    expect([...y.data]).toEqual([6, 8, 14, 16]);
  });

  it('keeps batch items and channels apart', () => {
    const x = tensor([2, 2, 2, 2], Array.from({ length: 16 }, (_, i) => i));
    expect([...MaxPool2D.reference([x], {}, attrs({})).data]).toEqual([6, 7, 14, 15]);
  });

  it("never lets 'same' padding win: all-negative input, the extra pad at the end", () => {
    const x = tensor([1, 3, 3, 1], [-1, -2, -3, -4, -5, -6, -7, -8, -9]);
    const y = MaxPool2D.reference([x], {}, attrs({ pool_size: 2, strides: 2, padding: 'same' }));
    // windows rows/cols {0,1} and {2}; a zero pad would give 0 in three of them
    expect(y.shape).toEqual([1, 2, 2, 1]);
    expect([...y.data]).toEqual([-1, -3, -7, -9]);
  });

  it("pools 3×3 input 1…9 with pool 2, stride 1, 'same' (hand-checked)", () => {
    const y = MaxPool2D.reference([oneToNine], {}, attrs({ pool_size: 2, strides: 1, padding: 'same' }));
    expect([...y.data]).toEqual([5, 6, 6, 8, 9, 9, 8, 9, 9]);
  });

  it('pools with explicit asymmetric pads [[1, 0], [0, 1]]', () => {
    const y = MaxPool2D.reference([oneToNine], {}, attrs({ pool_size: 2, strides: 2, padding: [[1, 0], [0, 1]] }));
    // rows {pad, 0} and {1, 2}; cols {0, 1} and {2, pad}
    expect(y.shape).toEqual([1, 2, 2, 1]);
    expect([...y.data]).toEqual([2, 3, 8, 9]);
  });

  it('adds a last, partial window in ceil_mode, but none that would start in the end pad', () => {
    const row = tensor([1, 1, 5, 1], [1, 5, 2, 8, 3]);
    expect([...MaxPool2D.reference([row], {}, attrs({ pool_size: [1, 2], ceil_mode: true })).data]).toEqual([5, 8, 3]);
    expect([...MaxPool2D.reference([row], {}, attrs({ pool_size: [1, 2] })).data]).toEqual([5, 8]);
    // W=4, pool 3, stride 2, pads 1: windows {pad,0,1}, {1,2,3}, {3,pad,beyond}
    const four = tensor([1, 1, 4, 1], [1, 2, 3, 4]);
    const y = MaxPool2D.reference([four], {}, attrs({ pool_size: [1, 3], strides: [1, 2], padding: [[0, 0], [1, 1]], ceil_mode: true }));
    expect([...y.data]).toEqual([2, 4, 4]);
  });

  it.each([
    // [input, attrs, output]
    [[28, 28, 64], {}, [14, 14, 64]],
    [[10, 10, 8], { pool_size: 3 }, [3, 3, 8]],
    [[5, 5, 8], { pool_size: 3, strides: 1 }, [3, 3, 8]],
    [[6, 9, 4], { pool_size: [2, 3] }, [3, 3, 4]],
    [[7, 7, 3], { pool_size: 3, strides: 2, padding: 'same' }, [4, 4, 3]],
    [[7, 7, 3], { pool_size: 3, strides: 2, padding: 'valid' }, [3, 3, 3]],
    [[5, 5, 2], { pool_size: 3, strides: 1, padding: [[1, 0], [2, 1]] }, [4, 6, 2]],
    // GoogLeNet (ONNX/PyTorch): MaxPool 3×3 stride 2 ceil_mode after the 7×7 stem and before inception 5
    [[112, 112, 64], { pool_size: 3, strides: 2, ceil_mode: true }, [56, 56, 64]],
    [[112, 112, 64], { pool_size: 3, strides: 2 }, [55, 55, 64]],
    [[14, 14, 832], { pool_size: 3, strides: 2, ceil_mode: true }, [7, 7, 832]],
    [[14, 14, 832], { pool_size: 3, strides: 2 }, [6, 6, 832]],
    // ceil would give a 4th window starting in the end pad: dropped (PyTorch rule)
    [[5, 5, 1], { pool_size: 2, strides: 2, padding: 1, ceil_mode: true }, [3, 3, 1]],
    // ceil_mode changes nothing with 'same'
    [[7, 7, 3], { pool_size: 3, strides: 2, padding: 'same', ceil_mode: true }, [4, 4, 3]],
  ])('infers %j %j → %j', (input, raw, want) => {
    expect(MaxPool2D.inferShape([input], attrs(raw))).toEqual(want);
  });

  it('counts one FLOP per window element per output, and has no weights', () => {
    expect(MaxPool2D.flops([[7, 7, 3]], [4, 4, 3], attrs({ pool_size: 3, strides: 2, padding: 'same' }))).toBe(4 * 4 * 3 * 9);
    expect(MaxPool2D.weights).toBeUndefined();
    expect(MaxPool2D.aliases).toContain('MaxPooling2D');
  });

  it('explains an input that is not H×W×C', () => {
    const e = caught(() => MaxPool2D.inferShape([[10]], attrs({})));
    expect(e).toBeInstanceOf(OpError);
    expect(e.message).toBe('MaxPool2D needs an H×W×C input, got 10');
    expect(e.hint).toBe('it follows a Flatten or Dense: move it before them, or Reshape to H×W×C');
  });

  it('explains a window larger than the input', () => {
    const e = caught(() => MaxPool2D.inferShape([[2, 2, 3]], attrs({ pool_size: 3 })));
    expect(e.message).toBe('MaxPool2D window 3×3 does not fit the 2×2 input with padding "valid"');
    expect(e.hint).toBe("use padding 'same', a smaller kernel or a larger input");
  });

  it('refuses a pad as wide as the pool: a window of padding alone has no max', () => {
    const e = caught(() => MaxPool2D.inferShape([[8, 8, 3]], attrs({ pool_size: 3, padding: [[0, 3], [0, 0]] })));
    expect(e).toBeInstanceOf(OpError);
    expect(e.message).toBe('MaxPool2D padding [[0,3],[0,0]] reaches the 3×3 pool size: a window would hold only padding');
    expect(e.hint).toBe('keep each pad smaller than the pool size (PyTorch allows at most half of it)');
    expect(MaxPool2D.inferShape([[8, 8, 3]], attrs({ pool_size: 3, padding: [[0, 2], [0, 0]] }))).toEqual([3, 2, 3]);
  });

  it('reports bad attrs and resolves strides null to the pool size', () => {
    expect(resolveAttrs(MaxPool2D, { pool_size: 0 }).problems.map((p) => p.message))
      .toEqual(['MaxPool2D pool_size must be between 1 and 16777216, got 0']);
    expect(resolveAttrs(MaxPool2D, { padding: 'full' }).problems.map((p) => p.message)).toEqual([
      `MaxPool2D padding must be 'same', 'valid' or explicit [[top, bottom], [left, right]]; expected non-negative whole numbers as n, [h, w] or [[top, bottom], [left, right]], got "full"`,
    ]);
    const a = resolveAttrs(MaxPool2D, { pool_size: 3, strides: null });
    expect(a.problems).toEqual([]);
    expect(a.attrs.strides).toBeNull();
    expect(MaxPool2D.inferShape([[9, 9, 1]], a.attrs as any)).toEqual([3, 3, 1]);
  });
});
