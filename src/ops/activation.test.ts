import { describe, expect, it } from 'vitest';
import { expectClose, TOLERANCE } from '../testing/expect-close.ts';
import { tensor } from '../tensor.ts';
import { Activation } from './activation.ts';
import { erf, gelu } from './activations.ts';
import { resolveAttrs } from './attrs.ts';

const attrs = (raw: Record<string, unknown>) => resolveAttrs(Activation, raw).attrs as any;

describe('Activation', () => {
  it('applies relu by default, leaving the input untouched', () => {
    const x = tensor([1, 4], [-2, -0.5, 0, 3]);
    const y = Activation.reference([x], {}, attrs({}));
    expect([...y.data]).toEqual([0, 0, 0, 3]);
    expect([...x.data]).toEqual([-2, -0.5, 0, 3]);
  });

  it('applies softmax over the last axis, per position', () => {
    const x = tensor([1, 2, 2], [0, Math.log(3), 5, 5]);
    const y = Activation.reference([x], {}, attrs({ activation: 'softmax' }));
    expect(y.shape).toEqual([1, 2, 2]);
    expectClose(y.data, [0.25, 0.75, 0.5, 0.5], TOLERANCE.elementwise);
  });

  it('applies named elementwise functions (sigmoid, swish via its alias silu)', () => {
    const x = tensor([1, 2], [0, 2]);
    expectClose(Activation.reference([x], {}, attrs({ activation: 'sigmoid' })).data, [0.5, 1 / (1 + Math.exp(-2))], TOLERANCE.elementwise);
    expectClose(Activation.reference([x], {}, attrs({ activation: 'silu' })).data, [0, 2 / (1 + Math.exp(-2))], TOLERANCE.elementwise);
  });

  it("applies Keras' gelu, x·Φ(x), to float64 accuracy in both tails (erf against Python's math.erf)", () => {
    const x = tensor([1, 7], [1, -1, -3, -10, 0.5, 2.5, 0]);
    const want = [0.8413447460685429, -0.15865525393145707, -0.004049694094890287, -7.619853024160593e-23, 0.34573123063700656, 2.4844758366855597, 0];
    const y = Activation.reference([x], {}, attrs({ activation: 'gelu' })).data;
    want.forEach((w, i) => expect(Math.abs(y[i] - w)).toBeLessThanOrEqual(Math.abs(w) * 6e-8));
    // Before the float32 store: the float64 function itself.
    want.forEach((w, i) => expect(Math.abs(gelu(x.data[i]) - w)).toBeLessThanOrEqual(Math.abs(w) * 1e-13));
    expect(erf(0.3)).toBeCloseTo(0.3286267594591274, 15);
    expect(erf(-2.2)).toBeCloseTo(-0.9981371537020182, 15);
    expect(erf(1e-3)).toBeCloseTo(0.0011283787909692365, 17);
    expect([gelu(-Infinity), gelu(Infinity), gelu(-40), gelu(40)]).toEqual([0, Infinity, -0, 40]);
  });

  it('keeps the shape and counts one FLOP per element, none for linear', () => {
    expect(Activation.inferShape([[7, 7, 64]], attrs({}))).toEqual([7, 7, 64]);
    expect(Activation.flops([[7, 7, 64]], [7, 7, 64], attrs({ activation: 'tanh' }))).toBe(7 * 7 * 64);
    expect(Activation.flops([[7, 7, 64]], [7, 7, 64], attrs({ activation: 'linear' }))).toBe(0);
  });

  it('reports an unknown activation with the known names', () => {
    const [problem] = resolveAttrs(Activation, { activation: 'gelu_fast' }).problems;
    expect(problem.message).toMatch(/^Activation activation must be one of linear, relu, relu6, .*; got "gelu_fast"$/);
  });
});
