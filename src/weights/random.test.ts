import { describe, expect, it } from 'vitest';
import { normals, philox4x32, portableLog, RandomStream, sinCos2Pi, truncatedNormals, uniforms } from './random.ts';

const mean = (xs: Float64Array) => xs.reduce((s, x) => s + x, 0) / xs.length;
const std = (xs: Float64Array) => {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / xs.length);
};

describe('philox4x32', () => {
  it.each([
    // Random123 kat_vectors: counter, key → output
    [[0, 0, 0, 0], [0, 0], [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]],
    [[0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff], [0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd]],
    [[0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0], [0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1]],
  ])('matches the known answer for counter %j key %j', (ctr, key, want) => {
    const out = new Uint32Array(4);
    philox4x32(ctr, key, out);
    expect([...out]).toEqual(want);
  });
});

describe('uniforms and normals', () => {
  it('are pinned: a change here changes every initialised weight of every saved graph', () => {
    expect([...uniforms(3, 0, 'conv1/kernel')]).toEqual([0.9667948839546091, 0.5421379800998046, 0.755329655765119]);
    expect([...normals(3, 42, 'dense/kernel')]).toEqual([0.3780912377587444, 0.1911999132721994, -1.1852390248836635]);
  });

  it('repeat for the same seed and key, and differ for another key or seed', () => {
    const a = uniforms(64, 7, 'conv1/kernel');
    expect(uniforms(64, 7, 'conv1/kernel')).toEqual(a);
    expect(uniforms(64, 7, 'conv2/kernel')).not.toEqual(a);
    expect(uniforms(64, 8, 'conv1/kernel')).not.toEqual(a);
    expect(uniforms(64, -7, 'conv1/kernel')).not.toEqual(a);
    expect(uniforms(64, 7 + 2 ** 32, 'conv1/kernel')).not.toEqual(a); // high seed bits count
  });

  it('are counter-based: value j does not depend on how many are drawn', () => {
    expect(uniforms(5, 3, 'k')).toEqual(uniforms(1000, 3, 'k').subarray(0, 5));
    expect(normals(5, 3, 'k')).toEqual(normals(1001, 3, 'k').subarray(0, 5));
    const stream = new RandomStream(3, 'k');
    expect(stream.uniformAt(999)).toBe(uniforms(1000, 3, 'k')[999]);
  });

  it('uniforms lie in [0, 1) with the moments of U(0, 1) and fill ten bins evenly', () => {
    const u = uniforms(200_000, 1, 'stats');
    expect(u.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(mean(u)).toBeCloseTo(0.5, 2);
    expect(std(u)).toBeCloseTo(Math.sqrt(1 / 12), 2);
    const bins = new Array(10).fill(0);
    for (const x of u) bins[Math.floor(x * 10)]++;
    const chi2 = bins.reduce((s, b) => s + (b - 20_000) ** 2 / 20_000, 0);
    expect(chi2).toBeLessThan(27.9); // χ²(9) at p = 0.001
  });

  it('normals have mean 0, std 1 and the normal tail mass beyond ±2', () => {
    const z = normals(200_000, 2, 'stats');
    expect(mean(z)).toBeCloseTo(0, 2);
    expect(std(z)).toBeCloseTo(1, 2);
    const tail = z.filter((x) => Math.abs(x) > 2).length / z.length;
    expect(tail).toBeGreaterThan(0.0455 - 0.003);
    expect(tail).toBeLessThan(0.0455 + 0.003);
  });

  it('truncated normals stay within ±2 with the std of the truncated unit normal', () => {
    const z = truncatedNormals(100_000, 3, 'stats');
    expect(z.every((x) => Math.abs(x) <= 2)).toBe(true);
    expect(std(z)).toBeCloseTo(0.87962566103423978, 2);
  });

  it('refuses a seed that is not a whole number', () => {
    expect(() => uniforms(1, 1.5, 'k')).toThrow('random seed must be a whole number, got 1.5');
  });
});

describe('portable log, sin and cos', () => {
  it('agree with Math to ~1e-15 over their whole range', () => {
    for (const x of [2 ** -53, 1e-10, 0.001, 0.5, Math.SQRT1_2, 0.7071, 0.9999999, 1])
      expect(Math.abs(portableLog(x) - Math.log(x))).toBeLessThanOrEqual(1e-15 * Math.max(1, Math.abs(Math.log(x))));
    expect(portableLog(1)).toBe(0);
    for (let i = 0; i < 4096; i++) {
      const u = i / 4096 + 1 / 9973;
      const [s, c] = sinCos2Pi(u);
      expect(Math.abs(s - Math.sin(2 * Math.PI * u))).toBeLessThan(1e-15);
      expect(Math.abs(c - Math.cos(2 * Math.PI * u))).toBeLessThan(1e-15);
    }
    expect(sinCos2Pi(0)).toEqual([0, 1]);
    expect(sinCos2Pi(0.25)).toEqual([1, -0]);
  });
});
