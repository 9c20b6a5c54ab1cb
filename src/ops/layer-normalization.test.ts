import { describe, expect, it } from 'vitest';
import { tensor } from '../tensor.ts';
import { resolveAttrs } from './attrs.ts';
import { LayerNormalization } from './layer-normalization.ts';

const attrs = (raw: Record<string, unknown>) => resolveAttrs(LayerNormalization, raw).attrs as any;

describe('LayerNormalization', () => {
  it("normalises each position's channels by their own mean and variance, then gamma and beta", () => {
    // Two positions of 4 channels; the second is the first shifted and doubled, so it normalises the same.
    const x = tensor([1, 2, 4], [1, 2, 3, 6, 12, 14, 16, 22]);
    const gamma = tensor([4], [1, 2, 1, 1]), beta = tensor([4], [0, 0, 0, 10]);
    const y = LayerNormalization.reference([x], { gamma, beta }, attrs({ epsilon: 0 }));
    // mean 3, biased variance (4 + 1 + 0 + 9) / 4 = 3.5
    const s = Math.sqrt(3.5);
    const want = [-2 / s, (2 * -1) / s, 0, 3 / s + 10];
    expect([...y.data].map((v) => +v.toFixed(5))).toEqual([...want, ...want].map((v) => +v.toFixed(5)));
  });

  it('epsilon keeps a constant row finite: it becomes beta', () => {
    const y = LayerNormalization.reference([tensor([1, 3], [5, 5, 5])], { gamma: tensor([3], [2, 2, 2]), beta: tensor([3], [1, 2, 3]) }, attrs({}));
    expect([...y.data]).toEqual([1, 2, 3]);
  });

  it('its gradient: dbeta = Σ dy, dgamma = Σ dy·x̂, and dx sums to zero over each row', () => {
    const x = tensor([2, 3], [1, 4, -2, 0.5, 0.25, 3]);
    const dy = tensor([2, 3], [1, -1, 2, 0.5, 0, -3]);
    const g = LayerNormalization.backward!([x], { gamma: tensor([3], [1, 2, 3]), beta: tensor([3]) }, attrs({}), dy);
    expect([...g.weights.beta.data]).toEqual([1.5, -1, -1]);
    const [dx] = g.inputs;
    // The mean of a row is subtracted: shifting the row changes nothing, so its gradient sums to zero.
    for (const row of [0, 1]) expect(Math.abs(dx.data[3 * row] + dx.data[3 * row + 1] + dx.data[3 * row + 2])).toBeLessThan(1e-6);
    expect(g.weights.gamma.data[1]).not.toBe(0);
  });

  it('has gamma and beta of the channels, without either when scale or center is off', () => {
    expect(LayerNormalization.weights!([[7, 7, 96]], attrs({})).map((w) => [w.name, w.shape])).toEqual([['gamma', [96]], ['beta', [96]]]);
    expect(LayerNormalization.weights!([[96]], attrs({ center: false, scale: false }))).toEqual([]);
    expect(LayerNormalization.inferShape([[5, 5, 8]], attrs({ axis: 3 }))).toEqual([5, 5, 8]);
  });

  it('explains an axis other than the channels', () => {
    expect(() => LayerNormalization.inferShape([[5, 5, 8]], attrs({ axis: 1 })))
      .toThrow('LayerNormalization axis=1 on a 5×5×8 input is not the channel axis');
  });
});
