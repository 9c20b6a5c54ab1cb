// The viewer's CPU-side arithmetic: pooling per-channel stats, quantiles from a histogram, map geometry,
// and the colour tables.
import { describe, expect, it } from 'vitest';
import { colormapTable, cssColor } from './colormaps.ts';
import { channelRanges, quantile, spatialOf, summarize, type ChannelStats, type HistogramFn } from './visualize.ts';

describe('summarize', () => {
  it('pools channels: total variance = mean within-channel variance + variance of the means', () => {
    // channel 0: {0, 2} (mean 1, std 1); channel 1: {4, 4} (mean 4, std 0) → all four: {0, 2, 4, 4}
    const s: ChannelStats = {
      pixels: 2, min: Float64Array.of(0, 4), max: Float64Array.of(2, 4), mean: Float64Array.of(1, 4), std: Float64Array.of(1, 0),
      zeros: Uint32Array.of(1, 0), nans: Uint32Array.of(0, 0), infs: Uint32Array.of(0, 0),
    };
    const all = [0, 2, 4, 4];
    const mean = 2.5;
    expect(summarize(s)).toEqual({ min: 0, max: 4, mean, std: Math.sqrt(all.reduce((a, v) => a + (v - mean) ** 2, 0) / 4), zeros: 0.25, nans: 0, infs: 0, count: 4 });
  });

  it('leaves NaN and Inf out of the moments but counts them, and says NaN when nothing is finite', () => {
    const s: ChannelStats = {
      pixels: 2, min: Float64Array.of(NaN, 3), max: Float64Array.of(NaN, 3), mean: Float64Array.of(NaN, 3), std: Float64Array.of(NaN, 0),
      zeros: Uint32Array.of(0, 0), nans: Uint32Array.of(1, 1), infs: Uint32Array.of(1, 0),
    };
    expect(summarize(s)).toMatchObject({ min: 3, max: 3, mean: 3, std: 0, nans: 2, infs: 1, count: 1 });
    const none = { ...s, nans: Uint32Array.of(2, 2), infs: Uint32Array.of(0, 0) };
    expect(summarize(none)).toMatchObject({ min: NaN, max: NaN, mean: NaN, count: 0 });
  });
});

describe('quantile', () => {
  it('interpolates inside the bin that holds the q-th value', () => {
    // 10 bins over [0, 10): 10 values in bin 2 and 10 in bin 7
    const hist = [0, 0, 10, 0, 0, 0, 0, 10, 0, 0];
    expect(quantile(hist, 0, 10, 0.25)).toBeCloseTo(2.5);
    expect(quantile(hist, 0, 10, 0.5)).toBeCloseTo(3);
    expect(quantile(hist, 0, 10, 0.75)).toBeCloseTo(7.5);
    expect(quantile(hist, 0, 10, 1)).toBeCloseTo(8);
    expect(quantile(hist, 0, 10, 0)).toBeCloseTo(2);
  });

  it('returns lo for an empty histogram or an empty range', () => {
    expect(quantile([0, 0], -1, 1, 0.5)).toBe(-1);
    expect(quantile([5, 5], 2, 2, 0.5)).toBe(2);
  });
});

describe('spatialOf', () => {
  it('reads H, W and C from batch-first shapes of any rank', () => {
    expect(spatialOf([1, 28, 28, 64])).toEqual({ height: 28, width: 28, channels: 64 });
    expect(spatialOf([2, 1000])).toEqual({ height: 1, width: 1, channels: 1000 });
    expect(spatialOf([1, 10, 8])).toEqual({ height: 1, width: 10, channels: 8 });
    expect(spatialOf([1, 2, 3, 4, 5])).toEqual({ height: 6, width: 4, channels: 5 });
  });
});

describe('colour tables', () => {
  it("have 256 opaque entries with matplotlib's ends for viridis and magma, and white at the diverging map's centre", () => {
    for (const name of ['viridis', 'magma', 'gray', 'diverging'] as const) {
      const lut = colormapTable(name);
      expect(lut.length).toBe(256);
      expect(lut.every((v) => v >>> 24 === 255)).toBe(true);
    }
    expect(cssColor('viridis', 0)).toBe('rgb(68 1 84)');
    expect(cssColor('viridis', 1)).toBe('rgb(253 231 37)');
    expect(cssColor('magma', 0)).toBe('rgb(0 0 4)');
    expect(cssColor('gray', 1)).toBe('rgb(255 255 255)');
    expect(cssColor('diverging', 0)).toBe('rgb(5 48 97)');
    // 256 entries have no middle one: the two around it are within a step of ColorBrewer's white f7f7f7.
    for (const t of [127 / 255, 128 / 255]) for (const v of cssColor('diverging', t).match(/\d+/g)!) expect(Number(v)).toBeGreaterThanOrEqual(245);
  });
});

describe('channelRanges', () => {
  // Two channels of 100 pixels: channel 0 holds 0…99, channel 1 holds −50…49.
  const values = [Array.from({ length: 100 }, (_, i) => i), Array.from({ length: 100 }, (_, i) => i - 50)];
  const stats: ChannelStats = {
    pixels: 100, min: Float64Array.of(0, -50), max: Float64Array.of(99, 49), mean: Float64Array.of(49.5, -0.5),
    std: Float64Array.of(28.866, 28.866), zeros: Uint32Array.of(1, 1), nans: Uint32Array.of(0, 0), infs: Uint32Array.of(0, 0),
  };
  /** What the GPU histogram pass computes, in plain JS. */
  const histogram: HistogramFn = async (ranges, { bins, perChannel }) => {
    const out = new Uint32Array((perChannel ? 2 : 1) * bins);
    values.forEach((vs, c) => {
      const [lo, hi] = ranges.length === 2 ? [ranges[0], ranges[1]] : [ranges[2 * c], ranges[2 * c + 1]];
      for (const v of vs) out[(perChannel ? c * bins : 0) + Math.min(bins - 1, Math.max(0, Math.floor(((v - lo) / (hi - lo)) * bins)))]++;
    });
    return out;
  };
  const options = { scope: 'channel' as const, clip: 0, symmetric: false, fixed: [0, 1] as [number, number], global: null };

  it('per channel: each channel its own min and max; per node: one range for all', async () => {
    expect([...await channelRanges(stats, histogram, options)]).toEqual([0, 99, -50, 49]);
    expect([...await channelRanges(stats, histogram, { ...options, scope: 'node' })]).toEqual([-50, 99, -50, 99]);
  });

  it('clips percentiles from the histogram, within one bin', async () => {
    // Integer data: the 10th percentile lies between the 10th and 11th values (9 and 10), give or take a bin.
    const r = await channelRanges(stats, histogram, { ...options, clip: 0.1 });
    const bin = 99 / 256;
    expect(r[0]).toBeGreaterThanOrEqual(9 - bin);
    expect(r[0]).toBeLessThanOrEqual(10 + bin);
    expect(r[1]).toBeGreaterThanOrEqual(89 - bin);
    expect(r[1]).toBeLessThanOrEqual(90 + bin);
    expect(r[2]).toBeGreaterThanOrEqual(-41 - bin);
    expect(r[2]).toBeLessThanOrEqual(-40 + bin);
    const node = await channelRanges(stats, histogram, { ...options, scope: 'node', clip: 0.25 });
    // 200 values: −50…99 with 0…49 counted twice; the 25th and 75th percentiles are −0.5 and 49.5 give or take a bin.
    expect(Math.abs(node[0] - 0)).toBeLessThanOrEqual(149 / 256 + 1);
    expect(Math.abs(node[1] - 50)).toBeLessThanOrEqual(149 / 256 + 1);
  });

  it('places each percentile to 1/65 536 of the range with a second pass over the bin that holds it', async () => {
    // The 10th percentile of 0…99 is the 10th value, 9; the 90th the 90th value, 89 (−41 and 39 for channel 1).
    const r = await channelRanges(stats, histogram, { ...options, clip: 0.1 });
    const fine = 99 / 65536;
    [9, 89, -41, 39].forEach((want, k) => expect(Math.abs(r[k] - want), `bound ${k}: ${r[k]}`).toBeLessThanOrEqual(fine + 1e-9));
  });

  it('global: clipped from the pooled histogram when there is one, else the range as given', async () => {
    // A pooled histogram of both channels twice over (as if two nodes): the same percentiles as the node scope.
    const twice: HistogramFn = async (ranges, o) => (await histogram(ranges, o)).map((v) => 2 * v);
    const node = await channelRanges(stats, histogram, { ...options, scope: 'node', clip: 0.05 });
    const global = await channelRanges(stats, histogram, { ...options, scope: 'global', clip: 0.05, global: [-50, 99], globalHistogram: twice });
    expect([...global]).toEqual([...node]);
    expect(node[0]).toBeGreaterThan(-50);
    expect([...await channelRanges(stats, histogram, { ...options, scope: 'global', clip: 0.05, global: [-7, 300] })]).toEqual([-7, 300, -7, 300]);
  });

  it('symmetric for a diverging colormap; fixed and global ranges as given', async () => {
    expect([...await channelRanges(stats, histogram, { ...options, symmetric: true })]).toEqual([-99, 99, -50, 50]);
    expect([...await channelRanges(stats, histogram, { ...options, scope: 'fixed', fixed: [-1, 2] })]).toEqual([-1, 2, -1, 2]);
    expect([...await channelRanges(stats, histogram, { ...options, scope: 'global', global: [-7, 300] })]).toEqual([-7, 300, -7, 300]);
    // Global before any run has a global range: the node's own.
    expect([...await channelRanges(stats, histogram, { ...options, scope: 'global' })]).toEqual([-50, 99, -50, 99]);
  });

  it('a channel with no finite value gets the range 0…0 instead of NaN', async () => {
    const nan = { ...stats, min: Float64Array.of(NaN, -50), max: Float64Array.of(NaN, 49) };
    expect([...await channelRanges(nan, histogram, options)]).toEqual([0, 0, -50, 49]);
  });
});
