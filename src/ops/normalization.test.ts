import { describe, expect, it } from 'vitest';
import { expectClose, TOLERANCE } from '../testing/expect-close.ts';
import { sizeOf, tensor } from '../tensor.ts';
import { resolveAttrs } from './attrs.ts';
import { Normalization } from './normalization.ts';
import { OpError } from './op.ts';

const attrs = (raw: Record<string, unknown>) => resolveAttrs(Normalization, raw).attrs as any;
const caught = (f: () => unknown): OpError => {
  try {
    f();
  } catch (e) {
    return e as OpError;
  }
  throw new Error('expected an OpError');
};

// Two pixels of two channels.
const x = tensor([1, 2, 2], [1, 10, 3, 20]);

describe('Normalization', () => {
  it('computes (x − mean)/√variance from the attrs, flooring √variance at 1e-7', () => {
    const y = Normalization.reference([x], {}, attrs({ mean: [2, 10], variance: [4, 0] }));
    expect(y.shape).toEqual([1, 2, 2]);
    expectClose(y.data, [-0.5, 0, 0.5, 10 / 1e-7], TOLERANCE.elementwise);
  });

  it('broadcasts a single mean and variance to every channel (Keras: mean=3, variance=2)', () => {
    const y = Normalization.reference([tensor([3, 1], [1, 2, 3])], {}, attrs({ mean: 3, variance: 2 }));
    expectClose(y.data, [-2 / Math.SQRT2, -1 / Math.SQRT2, 0], TOLERANCE.elementwise);
  });

  it('reads the adapted statistics from its weights when the attrs give none', () => {
    const weights = { mean: tensor([2], [2, 10]), variance: tensor([2], [4, 25]), count: tensor([], [1000]) };
    expectClose(Normalization.reference([x], weights, attrs({})).data, [-0.5, 0, 0.5, 2], TOLERANCE.elementwise);
  });

  it('undoes the normalisation with invert: mean + x·√variance', () => {
    const y = Normalization.reference([tensor([1, 2, 2], [-0.5, 0, 0.5, 2])], {}, attrs({ mean: [2, 10], variance: [4, 25], invert: true }));
    expectClose(y.data, [1, 10, 3, 20], TOLERANCE.elementwise);
  });

  it.each([[[224, 224, 3], {}], [[224, 224, 3], { axis: 3 }], [[8], { mean: 1, variance: 1 }]])('keeps the shape %j with %j', (input, raw) => {
    expect(Normalization.inferShape([input], attrs(raw))).toEqual(input);
  });

  it('counts mean [C], variance [C] and count [] as non-trainable weights (EfficientNetB0: 7)', () => {
    const specs = Normalization.weights!([[224, 224, 3]], attrs({}));
    expect(specs.map((s) => [s.name, s.shape, s.trainable, s.initializer.name])).toEqual([
      ['mean', [3], false, 'zeros'],
      ['variance', [3], false, 'ones'],
      ['count', [], false, 'zeros'],
    ]);
    expect(specs.reduce((n, s) => n + sizeOf(s.shape), 0)).toBe(7);
  });

  it('has no weights when mean and variance are given, as in Keras', () => {
    expect(Normalization.weights!([[224, 224, 3]], attrs({ mean: [1, 2, 3], variance: [1, 1, 1] }))).toEqual([]);
  });

  it('counts 2 FLOPs per element', () => {
    expect(Normalization.flops([[4, 5, 3]], [4, 5, 3], attrs({}))).toBe(120);
  });

  it('refuses a lone mean, a wrong count of values, a negative variance and a non-channel axis', () => {
    expect(caught(() => Normalization.inferShape([[4, 4, 3]], attrs({ mean: [1, 2, 3] })))).toMatchObject({
      message: 'Normalization needs both mean and variance, or neither',
      hint: 'give both, or leave both empty to load them as weights (the statistics adapt() computed)',
    });
    expect(caught(() => Normalization.inferShape([[4, 4, 3]], attrs({ mean: [1, 2], variance: 1 })))).toMatchObject({
      message: 'Normalization mean has 2 values but the 4×4×3 input has 3 channels',
      hint: 'give one value per channel (3), or a single value for all',
    });
    expect(caught(() => Normalization.inferShape([[4, 4, 3]], attrs({ mean: 0, variance: [1, 1, 1, 1] }))).message)
      .toBe('Normalization variance has 4 values but the 4×4×3 input has 3 channels');
    expect(caught(() => Normalization.inferShape([[4, 4, 3]], attrs({ mean: 0, variance: [1, -2, 1] }))).message)
      .toBe('Normalization variance must not be negative, got -2');
    expect(caught(() => Normalization.inferShape([[4, 4, 3]], attrs({ axis: 1 }))).message)
      .toBe('Normalization axis=1 on a 4×4×3 input is not the channel axis; deepwire normalises only the last axis (-1, or 3 counting the batch)');
  });
});
