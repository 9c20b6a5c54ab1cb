import { describe, expect, it } from 'vitest';
import { expectClose } from '../testing/expect-close.ts';
import { sizeOf, tensor } from '../tensor.ts';
import { resolveAttrs } from './attrs.ts';
import { Dense } from './dense.ts';

const attrs = (raw: Record<string, unknown>) => resolveAttrs(Dense, raw).attrs as any;

describe('Dense', () => {
  it("gives 10 everywhere for the lecture's Dense(5, ones) on 5 rows of 2.0", () => {
    const x = tensor([5, 5], new Array(25).fill(2));
    const kernel = tensor([5, 5], new Array(25).fill(1));
    const bias = tensor([5]); // zeros
    const y = Dense.reference([x], { kernel, bias }, attrs({ units: 5, kernel_initializer: 'ones' }));
    expect(y.shape).toEqual([5, 5]);
    expect([...y.data]).toEqual(new Array(25).fill(10));
  });

  it('multiplies along the last axis of a rank-3 input: kernel [IN, UNITS] plus bias', () => {
    const x = tensor([1, 2, 3], [1, 2, 3, 4, 5, 6]);
    const kernel = tensor([3, 2], [1, 0, 0, 1, 1, 1]);
    const bias = tensor([2], [0.5, -1]);
    const y = Dense.reference([x], { kernel, bias }, attrs({ units: 2 }));
    expect(y.shape).toEqual([1, 2, 2]);
    expect([...y.data]).toEqual([1 + 3 + 0.5, 2 + 3 - 1, 4 + 6 + 0.5, 5 + 6 - 1]);
  });

  it('applies softmax over the units', () => {
    const x = tensor([1, 1], [1]);
    const kernel = tensor([1, 2], [0, Math.log(3)]);
    const y = Dense.reference([x], { kernel }, attrs({ units: 2, use_bias: false, activation: 'softmax' }));
    expectClose(y.data, [0.25, 0.75]);
  });

  it.each([
    // [input, units, output]
    [[2048], 1000, [1000]],
    [[10, 7, 16], 4, [10, 7, 4]],
    [[7, 7, 512], 1, [7, 7, 1]],
  ])('infers %j with units %i → %j', (input, units, want) => {
    expect(Dense.inferShape([input], attrs({ units }))).toEqual(want);
  });

  it('counts Keras parameters: kernel [IN, UNITS], bias [UNITS]', () => {
    const specs = Dense.weights!([[2048]], attrs({ units: 1000 }));
    expect(specs.map((s) => [s.name, s.shape])).toEqual([['kernel', [2048, 1000]], ['bias', [1000]]]);
    expect(specs.reduce((n, s) => n + sizeOf(s.shape), 0)).toBe(2_049_000); // ResNet50's predictions
    expect(Dense.weights!([[10, 7, 16]], attrs({ units: 4, use_bias: false })).map((s) => s.shape)).toEqual([[16, 4]]);
  });

  it('counts 2 FLOPs per multiply-add, one per bias add, for every position', () => {
    expect(Dense.flops([[2048]], [1000], attrs({ units: 1000 }))).toBe(2 * 2048 * 1000 + 1000);
    expect(Dense.flops([[10, 7, 16]], [10, 7, 4], attrs({ units: 4, use_bias: false }))).toBe(70 * 2 * 16 * 4);
  });

  it('refuses a scalar input', () => {
    expect(() => Dense.inferShape([[]], attrs({}))).toThrow('Dense needs an input with at least one axis, got scalar');
  });
});
