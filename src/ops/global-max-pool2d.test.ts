import { describe, expect, it } from 'vitest';
import { tensor } from '../tensor.ts';
import { resolveAttrs } from './attrs.ts';
import { GlobalMaxPool2D } from './global-max-pool2d.ts';

const attrs = (raw: Record<string, unknown>) => resolveAttrs(GlobalMaxPool2D, raw).attrs as any;

describe('GlobalMaxPool2D', () => {
  // Item 0: channel 0 holds 1,3,5,7, channel 1 holds 2,4,6,8; item 1 is all negative.
  const x = tensor([2, 2, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8, -5, -10, -1, -20, -3, -30, -4, -40]);

  it('takes the max of each channel over H×W, per batch item, negatives included', () => {
    const y = GlobalMaxPool2D.reference([x], {}, attrs({}));
    expect(y.shape).toEqual([2, 2]);
    expect([...y.data]).toEqual([7, 8, -1, -10]);
  });

  it('keeps 1×1 spatial axes with keepdims', () => {
    const y = GlobalMaxPool2D.reference([x], {}, attrs({ keepdims: true }));
    expect(y.shape).toEqual([2, 1, 1, 2]);
    expect([...y.data]).toEqual([7, 8, -1, -10]);
  });

  it.each([
    [[7, 7, 512], {}, [512]],
    [[7, 7, 512], { keepdims: true }, [1, 1, 512]],
  ])('infers %j %j → %j', (input, raw, want) => {
    expect(GlobalMaxPool2D.inferShape([input], attrs(raw))).toEqual(want);
  });

  it('counts one FLOP per input element', () => {
    expect(GlobalMaxPool2D.flops([[7, 7, 512]], [512], attrs({}))).toBe(7 * 7 * 512);
    expect(GlobalMaxPool2D.aliases).toContain('GlobalMaxPooling2D');
  });

  it('explains an input that is not H×W×C', () => {
    expect(() => GlobalMaxPool2D.inferShape([[7, 512]], attrs({}))).toThrow('GlobalMaxPool2D needs an H×W×C input, got 7×512');
  });
});
