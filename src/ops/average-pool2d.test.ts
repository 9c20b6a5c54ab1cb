import { describe, expect, it } from 'vitest';
import { expectClose, TOLERANCE } from '../testing/expect-close.ts';
import { tensor } from '../tensor.ts';
import { resolveAttrs } from './attrs.ts';
import { AveragePool2D } from './average-pool2d.ts';

const attrs = (raw: Record<string, unknown>) => resolveAttrs(AveragePool2D, raw).attrs as any;
const oneToNine = tensor([1, 3, 3, 1], [1, 2, 3, 4, 5, 6, 7, 8, 9]);
const pool = (x: ReturnType<typeof tensor>, raw: Record<string, unknown>) => AveragePool2D.reference([x], {}, attrs(raw));

describe('AveragePool2D', () => {
  it('averages each 2×2 window with the Keras defaults, per batch item and channel', () => {
    const x = tensor([2, 2, 2, 2], Array.from({ length: 16 }, (_, i) => i));
    const y = pool(x, {});
    expect(y.shape).toEqual([2, 1, 1, 2]);
    expect([...y.data]).toEqual([3, 4, 11, 12]);
  });

  // 1 2 3 / 4 5 6 / 7 8 9, pool 2, stride 1, 'same': one pad row and column at the end.
  it("divides 'same' edge windows by their real cells (Keras)", () => {
    const y = pool(oneToNine, { pool_size: 2, strides: 1, padding: 'same' });
    expect(y.shape).toEqual([1, 3, 3, 1]);
    expectClose(y.data, [12 / 4, 16 / 4, 9 / 2, 24 / 4, 28 / 4, 15 / 2, 15 / 2, 17 / 2, 9 / 1], TOLERANCE.conv);
  });

  it('divides by the whole window with count_include_pad (ONNX count_include_pad=1)', () => {
    const y = pool(oneToNine, { pool_size: 2, strides: 1, padding: 'same', count_include_pad: true });
    expectClose(y.data, [12 / 4, 16 / 4, 9 / 4, 24 / 4, 28 / 4, 15 / 4, 15 / 4, 17 / 4, 9 / 4], TOLERANCE.conv);
  });

  it('averages with explicit asymmetric pads [[1, 0], [0, 1]], both divisors', () => {
    // rows {pad, 0} and {1, 2}; cols {0, 1} and {2, pad}
    const raw = { pool_size: 2, strides: 2, padding: [[1, 0], [0, 1]] };
    expectClose(pool(oneToNine, raw).data, [3 / 2, 3 / 1, 24 / 4, 15 / 2], TOLERANCE.conv);
    expectClose(pool(oneToNine, { ...raw, count_include_pad: true }).data, [3 / 4, 3 / 4, 24 / 4, 15 / 4], TOLERANCE.conv);
  });

  it('never counts the part of a ceil_mode window beyond the end pad (PyTorch, ONNX Runtime)', () => {
    // W=4, pool 3, stride 2, pads 1: windows {pad,0,1}, {1,2,3}, {3,pad,beyond}
    const x = tensor([1, 1, 4, 1], [1, 2, 3, 4]);
    const raw = { pool_size: [1, 3], strides: [1, 2], padding: [[0, 0], [1, 1]], ceil_mode: true };
    expectClose(pool(x, raw).data, [3 / 2, 9 / 3, 4 / 1], TOLERANCE.conv);
    expectClose(pool(x, { ...raw, count_include_pad: true }).data, [3 / 3, 9 / 3, 4 / 2], TOLERANCE.conv);
    // No pads: the partial last window counts only its real cell either way.
    const row = tensor([1, 1, 5, 1], [1, 5, 2, 8, 3]);
    expectClose(pool(row, { pool_size: [1, 2], ceil_mode: true, count_include_pad: true }).data, [3, 5, 3], TOLERANCE.conv);
    expect(pool(row, { pool_size: [1, 2] }).shape).toEqual([1, 1, 2, 1]);
  });

  it.each([
    // [input, attrs, output]
    [[28, 28, 64], {}, [14, 14, 64]],
    [[7, 7, 3], { pool_size: 3, strides: 2, padding: 'same' }, [4, 4, 3]],
    [[7, 7, 3], { pool_size: 3, strides: 1, padding: 'same' }, [7, 7, 3]],
    [[35, 35, 192], { pool_size: 3, strides: 1, padding: [[1, 1], [1, 1]] }, [35, 35, 192]],
    [[112, 112, 64], { pool_size: 3, strides: 2, ceil_mode: true }, [56, 56, 64]],
    [[14, 14, 832], { pool_size: 3, strides: 2, ceil_mode: true, count_include_pad: true }, [7, 7, 832]],
  ])('infers %j %j → %j', (input, raw, want) => {
    expect(AveragePool2D.inferShape([input], attrs(raw))).toEqual(want);
  });

  it('counts one FLOP per window element per output', () => {
    expect(AveragePool2D.flops([[8, 8, 16]], [4, 4, 16], attrs({}))).toBe(4 * 4 * 16 * 4);
    expect(AveragePool2D.aliases).toContain('AveragePooling2D');
  });

  it('gives its own name in the errors it shares with MaxPool2D', () => {
    expect(() => AveragePool2D.inferShape([[64]], attrs({}))).toThrow('AveragePool2D needs an H×W×C input, got 64');
    expect(() => AveragePool2D.inferShape([[1, 1, 4]], attrs({}))).toThrow('AveragePool2D window 2×2 does not fit the 1×1 input with padding "valid"');
    expect(() => AveragePool2D.inferShape([[4, 4, 1]], attrs({ padding: [[0, 0], [2, 0]] })))
      .toThrow('AveragePool2D padding [[0,0],[2,0]] reaches the 2×2 pool size: a window would hold only padding');
    expect(resolveAttrs(AveragePool2D, { count_include_pad: 1 }).problems.map((p) => p.message))
      .toEqual(['AveragePool2D count_include_pad must be true or false, got 1']);
  });
});
