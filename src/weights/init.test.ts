import { describe, expect, it } from 'vitest';
import type { WeightSpec } from '../ops/op.ts';
import { computeFans, initializeWeight, TRUNCATION_STD } from './init.ts';
import { parseInitializer, type Initializer } from './specs.ts';

const spec = (shape: number[], init: unknown): WeightSpec => ({
  name: 'kernel', shape, initializer: parseInitializer(init) as Initializer, regularizer: null, trainable: true,
});
const init = (shape: number[], initializer: unknown, seed = 1, key = 'conv1/kernel') => initializeWeight(spec(shape, initializer), seed, key).data;
const stats = (xs: Float32Array) => {
  let sum = 0, sq = 0, min = Infinity, max = -Infinity;
  for (const x of xs) [sum, sq, min, max] = [sum + x, sq + x * x, Math.min(min, x), Math.max(max, x)];
  const mean = sum / xs.length;
  return { mean, std: Math.sqrt(sq / xs.length - mean * mean), min, max };
};

// A 3×3 conv from 64 to 128 channels: fan_in 576, fan_out 1152; 73 728 values, enough for 1% statistics.
const CONV: number[] = [3, 3, 64, 128];

describe('computeFans', () => {
  it.each([
    [[], 1, 1],
    [[10], 10, 10],
    [[784, 128], 784, 128], // Dense [in, out]
    [[3, 3, 64, 128], 576, 1152], // Conv2D [KH, KW, C, OC]
    [[3, 3, 32, 1], 288, 9], // DepthwiseConv2D [KH, KW, C, multiplier]
    [[5, 4, 8], 20, 40], // Conv1D [K, C, OC]
  ])('%j → fan_in %i, fan_out %i', (shape, fanIn, fanOut) => {
    expect(computeFans(shape)).toEqual({ fanIn, fanOut });
  });
});

describe('initializeWeight', () => {
  it('fills zeros, ones and constants exactly, in the spec shape', () => {
    const t = initializeWeight(spec([2, 3], 'zeros'), 1, 'k');
    expect(t.shape).toEqual([2, 3]);
    expect([...t.data]).toEqual([0, 0, 0, 0, 0, 0]);
    expect([...init([4], 'ones')]).toEqual([1, 1, 1, 1]);
    expect([...init([3], { name: 'constant', value: 0.5 })]).toEqual([0.5, 0.5, 0.5]);
    expect([...init([2], { class_name: 'Constant', config: { value: -2 } })]).toEqual([-2, -2]);
    expect([...init([2], 'constant')]).toEqual([0, 0]); // Keras' Constant(value=0.0)
  });

  it.each([
    ['glorot_uniform', Math.sqrt(6 / (576 + 1152))],
    ['he_uniform', Math.sqrt(6 / 576)],
    ['lecun_uniform', Math.sqrt(3 / 576)],
  ])('%s is uniform on ±limit (limit %f)', (name, limit) => {
    const s = stats(init(CONV, name));
    expect(s.min).toBeGreaterThanOrEqual(-limit);
    expect(s.max).toBeLessThanOrEqual(limit);
    expect(s.min).toBeLessThan(-0.99 * limit);
    expect(s.max).toBeGreaterThan(0.99 * limit);
    expect(Math.abs(s.mean)).toBeLessThan(0.01 * limit);
    expect(s.std / (limit / Math.sqrt(3))).toBeCloseTo(1, 1);
  });

  it.each([
    ['glorot_normal', Math.sqrt(2 / (576 + 1152))],
    ['he_normal', Math.sqrt(2 / 576)],
    ['lecun_normal', Math.sqrt(1 / 576)],
  ])('%s is a normal truncated at 2σ whose std comes out as %f', (name, target) => {
    // Keras divides σ by 0.8796 so that the truncated values have the target std.
    const sigma = target / TRUNCATION_STD;
    const s = stats(init(CONV, name));
    expect(s.min).toBeGreaterThanOrEqual(-2 * sigma * (1 + 1e-6));
    expect(s.max).toBeLessThanOrEqual(2 * sigma * (1 + 1e-6));
    expect(s.max).toBeGreaterThan(1.99 * sigma);
    expect(Math.abs(s.mean)).toBeLessThan(0.01 * sigma);
    expect(Math.abs(s.std / target - 1)).toBeLessThan(0.01);
  });

  it('random_uniform, random_normal and truncated_normal use Keras defaults and config', () => {
    let s = stats(init(CONV, 'random_uniform'));
    expect(s.min).toBeGreaterThanOrEqual(-0.05);
    expect(s.max).toBeLessThanOrEqual(0.05);
    expect(s.max - s.min).toBeGreaterThan(0.0999);
    s = stats(init(CONV, { name: 'random_uniform', minval: 2, maxval: 3 }));
    expect(s.min).toBeGreaterThanOrEqual(2);
    expect(s.max).toBeLessThanOrEqual(3);
    expect(s.mean).toBeCloseTo(2.5, 2);

    s = stats(init(CONV, 'random_normal'));
    expect(s.std).toBeCloseTo(0.05, 3);
    expect(s.max).toBeGreaterThan(0.15); // not truncated: 3σ values occur in 73 728 draws
    s = stats(init(CONV, { class_name: 'RandomNormal', config: { mean: 1, stddev: 0.2 } }));
    expect(s.mean).toBeCloseTo(1, 2);
    expect(s.std).toBeCloseTo(0.2, 2);

    s = stats(init(CONV, 'truncated_normal'));
    expect(s.min).toBeGreaterThanOrEqual(-0.1 - 1e-7);
    expect(s.max).toBeLessThanOrEqual(0.1 + 1e-7);
    expect(s.std).toBeCloseTo(0.05 * TRUNCATION_STD, 3);
    s = stats(init(CONV, { name: 'truncated_normal', mean: -1, stddev: 0.5 }));
    expect(s.min).toBeGreaterThanOrEqual(-2 - 1e-6);
    expect(s.max).toBeLessThanOrEqual(0 + 1e-6);
    expect(s.mean).toBeCloseTo(-1, 2);
  });

  it('is deterministic per (seed, key) and independent across keys and seeds', () => {
    const a = init([3, 3, 8, 16], 'he_normal', 5, 'conv1/kernel');
    expect(init([3, 3, 8, 16], 'he_normal', 5, 'conv1/kernel')).toEqual(a);
    expect(init([3, 3, 8, 16], 'he_normal', 5, 'conv2/kernel')).not.toEqual(a);
    expect(init([3, 3, 8, 16], 'he_normal', 6, 'conv1/kernel')).not.toEqual(a);
  });

  it("lets a seed in the initializer's config override the graph seed", () => {
    const own = init([100], { class_name: 'GlorotUniform', config: { seed: 7 } }, 1);
    expect(own).toEqual(init([100], 'glorot_uniform', 7));
    expect(own).toEqual(init([100], { class_name: 'GlorotUniform', config: { seed: 7 } }, 2));
    expect(own).not.toEqual(init([100], 'glorot_uniform', 1));
  });

  it('refuses a negative stddev and an upside-down range, naming the weight', () => {
    expect(() => init([4], { name: 'random_normal', stddev: -1 })).toThrow("initializer random_normal of weight 'kernel' (4): stddev must not be negative, got -1");
    expect(() => init([2, 2], { name: 'random_uniform', minval: 1, maxval: 0 })).toThrow("initializer random_uniform of weight 'kernel' (2×2): maxval 0 is below minval 1");
  });
});
