import { describe, expect, it } from 'vitest';
import { expectClose, TOLERANCE } from '../testing/expect-close.ts';
import { tensor } from '../tensor.ts';
import { resolveAttrs } from './attrs.ts';
import { GlobalAveragePool2D } from './global-average-pool2d.ts';

const attrs = (raw: Record<string, unknown>) => resolveAttrs(GlobalAveragePool2D, raw).attrs as any;

describe('GlobalAveragePool2D', () => {
  // Two 2×2 images of two channels: channel 0 holds 1,3,5,7 and channel 1 holds 2,4,6,8 in item 0.
  const x = tensor([2, 2, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8, 0, 10, 0, 10, 0, 10, 4, -30]);

  it('averages each channel over H×W, per batch item (hand-checked)', () => {
    const y = GlobalAveragePool2D.reference([x], {}, attrs({}));
    expect(y.shape).toEqual([2, 2]);
    expectClose(y.data, [4, 5, 1, 0], TOLERANCE.conv);
  });

  it('keeps 1×1 spatial axes with keepdims', () => {
    const y = GlobalAveragePool2D.reference([x], {}, attrs({ keepdims: true }));
    expect(y.shape).toEqual([2, 1, 1, 2]);
    expectClose(y.data, [4, 5, 1, 0], TOLERANCE.conv);
  });

  it.each([
    [[7, 7, 2048], {}, [2048]],
    [[7, 7, 2048], { keepdims: true }, [1, 1, 2048]],
    [[1, 1, 10], {}, [10]],
    [[13, 5, 3], { keepdims: true }, [1, 1, 3]],
  ])('infers %j %j → %j', (input, raw, want) => {
    expect(GlobalAveragePool2D.inferShape([input], attrs(raw))).toEqual(want);
  });

  it('counts one FLOP per input element and has no weights', () => {
    expect(GlobalAveragePool2D.flops([[7, 7, 2048]], [2048], attrs({}))).toBe(7 * 7 * 2048);
    expect(GlobalAveragePool2D.weights).toBeUndefined();
    expect(GlobalAveragePool2D.aliases).toContain('GlobalAveragePooling2D');
  });

  it('explains an input that is not H×W×C', () => {
    expect(() => GlobalAveragePool2D.inferShape([[2048]], attrs({}))).toThrow('GlobalAveragePool2D needs an H×W×C input, got 2048');
    expect(resolveAttrs(GlobalAveragePool2D, { keepdims: 'yes' }).problems.map((p) => p.message))
      .toEqual(['GlobalAveragePool2D keepdims must be true or false, got "yes"']);
  });
});
