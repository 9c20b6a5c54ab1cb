import { describe, expect, it } from 'vitest';
import { expectClose, TOLERANCE } from '../testing/expect-close.ts';
import { tensor } from '../tensor.ts';
import { resolveAttrs } from './attrs.ts';
import { ReLU } from './relu.ts';

const attrs = (raw: Record<string, unknown>) => resolveAttrs(ReLU, raw).attrs as any;
const relu = (values: number[], raw: Record<string, unknown>) => [...ReLU.reference([tensor([1, values.length], values)], {}, attrs(raw)).data];

describe('ReLU', () => {
  it('is max(x, 0) with the defaults', () => {
    expect(relu([-2, 0, 3], {})).toEqual([0, 0, 3]);
  });

  it('caps at max_value (relu6)', () => {
    expect(relu([-1, 3, 6, 7.5], { max_value: 6 })).toEqual([0, 3, 6, 6]);
  });

  it('cuts below threshold (thresholded ReLU), keeping x from the threshold up', () => {
    expect(relu([0.5, 1, 2], { threshold: 1 })).toEqual([0, 1, 2]);
  });

  it('leaks negative_slope·(x − threshold) below the threshold', () => {
    expectClose(relu([-1, 0.5, 1, 2], { negative_slope: 0.1, threshold: 1 }), [-0.2, -0.05, 1, 2], TOLERANCE.elementwise);
    // all three: max 6, slope 0.5, threshold 2
    expect(relu([0, 2, 4, 8], { max_value: 6, negative_slope: 0.5, threshold: 2 })).toEqual([-1, 2, 4, 6]);
  });

  it('keeps the slope below a threshold above max_value, as Keras computes it', () => {
    expect(relu([1.5, 3], { max_value: 1, negative_slope: 0.5, threshold: 2 })).toEqual([-0.25, 1]);
  });

  it('keeps the shape and counts one FLOP per element', () => {
    expect(ReLU.inferShape([[7, 7, 64]], attrs({}))).toEqual([7, 7, 64]);
    expect(ReLU.flops([[7, 7, 64]], [7, 7, 64], attrs({}))).toBe(7 * 7 * 64);
  });

  it('reports a negative max_value or negative_slope (as Keras refuses them)', () => {
    const problems = (raw: Record<string, unknown>) => resolveAttrs(ReLU, raw).problems.map((p) => p.message);
    expect(problems({ max_value: -1 })).toEqual(['ReLU max_value must be at least 0, got -1']);
    expect(problems({ negative_slope: -0.1 })).toEqual(['ReLU negative_slope must be between 0 and ∞, got -0.1']);
    expect(problems({ max_value: null })).toEqual([]);
  });
});
