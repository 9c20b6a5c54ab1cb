import { describe, expect, it } from 'vitest';
import { tensor } from '../tensor.ts';
import { resolveAttrs } from './attrs.ts';
import { Flatten } from './flatten.ts';

describe('Flatten', () => {
  it('lays out H×W×C in NHWC order, one row per batch item, as an exact copy', () => {
    const x = tensor([2, 2, 1, 2], [1, 2, 3, 4, 5, 6, 7, 8]);
    const y = Flatten.reference([x], {}, {});
    expect(y.shape).toEqual([2, 4]);
    expect([...y.data]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(y.data).not.toBe(x.data);
  });

  it.each([
    [[7, 7, 512], [25088]],
    [[3, 5], [15]],
    [[10], [10]],
  ])('infers %j → %j', (input, want) => {
    expect(Flatten.inferShape([input], {})).toEqual(want);
  });

  it('has no attrs, weights or FLOPs', () => {
    expect(resolveAttrs(Flatten, { data_format: 'channels_first' }).problems.map((p) => p.message))
      .toEqual(["Flatten has no attribute 'data_format'"]);
    expect(Flatten.weights).toBeUndefined();
    expect(Flatten.flops([[7, 7, 512]], [25088], {})).toBe(0);
  });
});
