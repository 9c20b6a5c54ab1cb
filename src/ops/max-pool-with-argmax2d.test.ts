import { describe, expect, it } from 'vitest';
import { tensor } from '../tensor.ts';
import { resolveAttrs } from './attrs.ts';
import { findOp } from './index.ts';
import { MaxPoolWithArgmax2D } from './max-pool-with-argmax2d.ts';

const attrs = (a: Record<string, unknown>) => resolveAttrs(MaxPoolWithArgmax2D, a).attrs as any;
/** 4×4×1 holding 1…16 row by row. */
const grid = tensor([1, 4, 4, 1], Array.from({ length: 16 }, (_, i) => i + 1));

describe('MaxPoolWithArgmax2D', () => {
  it('is in the registry', () => {
    expect(findOp('maxpoolwithargmax2d')).toBe(MaxPoolWithArgmax2D);
  });

  it("dilates the window: ONNX's test_maxpool_2d_dilations gives [11, 12, 15, 16]", () => {
    const y = MaxPoolWithArgmax2D.reference([grid], {}, attrs({ pool_size: 2, strides: 1, dilation_rate: 2, output: 'values' }));
    expect(y.shape).toEqual([1, 2, 2, 1]);
    expect([...y.data]).toEqual([11, 12, 15, 16]);
  });

  it('gives flat indices in each order, the batch included', () => {
    // Two items of 1×2×2 (H×W×C), one 1×2 window each: item 0's channel 1 peaks at w=0 (9), item 1's
    // channel 0 at w=1 (5); the all-zero channels tie, and the first cell (w=0) wins.
    const x = tensor([2, 1, 2, 2], [0, 9, 0, 0, 0, 0, 5, 0]);
    const at = (index_order: string) => [...MaxPoolWithArgmax2D.reference([x], {}, attrs({ pool_size: [1, 2], index_order })).data];
    expect(at('nhwc')).toEqual([0, 1, 6, 5]);
    expect(at('nchw')).toEqual([0, 2, 5, 6]);
    expect(at('ncwh')).toEqual([0, 2, 5, 6]);
  });

  it('never picks a padded cell, and refuses pads as wide as the dilated window', () => {
    const neg = tensor([1, 1, 2, 1], [-3, -2]);
    expect([...MaxPoolWithArgmax2D.reference([neg], {}, attrs({ pool_size: [1, 2], strides: 1, padding: [[0, 0], [1, 0]], index_order: 'nchw' })).data]).toEqual([0, 1]);
    expect(() => MaxPoolWithArgmax2D.inferShape([[4, 4, 1]], attrs({ pool_size: 2, dilation_rate: 2, padding: [[3, 0], [0, 0]] })))
      .toThrow('MaxPoolWithArgmax2D padding [[3,0],[0,0]] reaches the 3×3 window');
  });
});
