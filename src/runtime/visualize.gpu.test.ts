// The viewer's GPU kernels against plain JS over the same numbers: per-channel stats (NaN, ±Inf, zeros,
// a mean far above the std), histograms, colour-mapped tiles, the channel-mean map and differences —
// on uploaded tensors and in place inside an engine buffer (a concat slice: offset and channel stride);
// percentile clipping in every normalisation scope against sorting on the CPU.
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../graph/analyze.ts';
import type { GraphFile } from '../graph/types.ts';
import { randomInput } from '../testing/compare.ts';
import { expectClose } from '../testing/expect-close.ts';
import { testGpu } from '../testing/gpu.ts';
import { tensor, type Tensor } from '../tensor.ts';
import { uniforms } from '../weights/random.ts';
import { colormapTable, NAN_COLOR } from './colormaps.ts';
import { Engine } from './engine.ts';
import { materializeWeights } from './reference.ts';
import { channelRanges, globalScope, Visualizer, type MapSource, type ScopePart } from './visualize.ts';

const gpu = await testGpu();

/** Odd sizes so bounds bugs show: 1×13×17×5. */
function sample(): Tensor {
  const t = randomInput([1, 13, 17, 5], 'viz');
  t.data[0] = NaN; // channel 0, pixel 0: also the shift's source, which must skip it
  t.data[7] = Infinity; // channel 2
  t.data[12] = -Infinity; // channel 2
  for (let q = 0; q < 13 * 17; q++) t.data[q * 5 + 3] = q % 3 === 0 ? 0 : Math.abs(t.data[q * 5 + 3]); // channel 3: a third zeros
  return t;
}

/** Plain JS, float64: the spec of tensor-stats.wgsl. */
function jsStats(t: Tensor, channel: number) {
  const C = t.shape[t.shape.length - 1];
  const finite: number[] = [];
  let nans = 0, infs = 0, zeros = 0;
  for (let i = channel; i < t.data.length; i += C) {
    const v = t.data[i];
    if (Number.isNaN(v)) nans++;
    else if (!Number.isFinite(v)) infs++;
    else {
      finite.push(v);
      if (v === 0) zeros++;
    }
  }
  const mean = finite.reduce((a, b) => a + b, 0) / finite.length;
  const std = Math.sqrt(finite.reduce((a, v) => a + (v - mean) ** 2, 0) / finite.length);
  return { min: Math.min(...finite), max: Math.max(...finite), mean, std, zeros, nans, infs };
}

describe.skipIf(!gpu)('Visualizer', () => {
  it('per-channel stats equal plain JS, NaN and ±Inf counted apart and kept out of the rest', async () => {
    const viz = new Visualizer(gpu!.device);
    const t = sample();
    const s = await viz.stats(viz.upload(t));
    for (let c = 0; c < 5; c++) {
      const want = jsStats(t, c);
      expect([s.min[c], s.max[c]], `channel ${c}`).toEqual([want.min, want.max]);
      expectClose([s.mean[c], s.std[c]], [want.mean, want.std], { atol: 1e-5, rtol: 1e-4 });
      expect([s.zeros[c], s.nans[c], s.infs[c]], `channel ${c}`).toEqual([want.zeros, want.nans, want.infs]);
    }
    expect([s.nans[0], s.infs[2], s.zeros[3]]).toEqual([1, 2, 74]);
    viz.destroy();
  });

  it('keeps the digits of a std 10⁵ times smaller than the mean (sums are shifted)', async () => {
    const viz = new Visualizer(gpu!.device);
    const u = uniforms(4000, 3, 'offset');
    const t = tensor([1, 40, 50, 2], Array.from(u, (v, i) => (i % 2 ? -5e4 : 1e4) + v * 0.1));
    const s = await viz.stats(viz.upload(t));
    for (let c = 0; c < 2; c++) expectClose([s.std[c]], [jsStats(t, c).std], { atol: 0, rtol: 2e-3 });
    viz.destroy();
  });

  it('histograms: one over every channel and one per channel, out-of-range values in the end bins', async () => {
    const viz = new Visualizer(gpu!.device);
    const bins = 16, lo = -2, hi = 2, w = (hi - lo) / bins;
    // Values at bin centres, so the count per bin is exact whatever the rounding.
    const u = uniforms(3 * 11 * 7, 5, 'hist');
    const t = tensor([1, 11, 7, 3], Array.from(u, (v) => lo + (Math.floor(v * (bins + 2)) - 1 + 0.5) * w));
    const want = new Uint32Array(3 * bins);
    t.data.forEach((v, i) => want[(i % 3) * bins + Math.min(bins - 1, Math.max(0, Math.floor((v - lo) / w)))]++);
    const src = viz.upload(t);
    expect([...await viz.histogram(src, [lo, hi], { bins, perChannel: true })]).toEqual([...want]);
    const pooled = want.slice(0, bins).map((v, b) => v + want[bins + b] + want[2 * bins + b]);
    expect([...await viz.histogram(src, [lo, hi], { bins })]).toEqual([...pooled]);
    expect(pooled[0]).toBeGreaterThan(0);
    viz.destroy();
  });

  it('colour-maps channel tiles as the LUT says, NaN magenta, ±Inf at the ends, a constant channel at the bottom', async () => {
    const viz = new Visualizer(gpu!.device);
    const t = sample();
    for (let q = 0; q < 13 * 17; q++) t.data[q * 5 + 4] = 0.25; // channel 4: constant
    const ranges = [-1, 1, -0.5, 0.5, -1, 1, 0, 1, 0.25, 0.25];
    const rgba = new Uint32Array((await viz.colormap(viz.upload(t), { first: 0, count: 5, ranges, colormap: 'gray' })).buffer);
    const gray = colormapTable('gray');
    let exact = 0;
    for (let c = 0; c < 5; c++)
      for (let q = 0; q < 13 * 17; q++) {
        const v = t.data[q * 5 + c], got = rgba[c * 13 * 17 + q];
        if (Number.isNaN(v)) expect(got).toBe(NAN_COLOR);
        else if (!Number.isFinite(v)) expect(got).toBe(gray[v > 0 ? 255 : 0]);
        else {
          const [lo, hi] = [ranges[2 * c], ranges[2 * c + 1]];
          const want = hi > lo ? Math.round(Math.min(1, Math.max(0, (v - lo) / (hi - lo))) * 255) : 0;
          const index = got & 255; // gray: R = index
          expect(Math.abs(index - want), `channel ${c} pixel ${q}: ${v}`).toBeLessThanOrEqual(1); // f32 division may round the other way at .5
          if (index === want) exact++;
          expect(got).toBe(gray[index]);
        }
      }
    expect(exact).toBeGreaterThan(0.99 * 5 * 13 * 17 - 3);
    viz.destroy();
  });

  it('thumbnails sample the pixel under each output pixel centre, for a range of channels', async () => {
    const viz = new Visualizer(gpu!.device);
    const t = tensor([1, 13, 17, 5], Array.from({ length: 13 * 17 * 5 }, (_, i) => (i % 251) / 250));
    const rgba = new Uint32Array((await viz.colormap(viz.upload(t), { first: 2, count: 2, ranges: [0, 1], colormap: 'viridis', outW: 6, outH: 4 })).buffer);
    const lut = colormapTable('viridis');
    for (let k = 0; k < 2; k++)
      for (let oy = 0; oy < 4; oy++)
        for (let ox = 0; ox < 6; ox++) {
          const sy = Math.floor(((2 * oy + 1) * 13) / 8), sx = Math.floor(((2 * ox + 1) * 17) / 12);
          const v = t.data[(sy * 17 + sx) * 5 + 2 + k];
          const got = rgba[(k * 4 + oy) * 6 + ox];
          expect([lut[Math.round(v * 255) - 1], lut[Math.round(v * 255)], lut[Math.round(v * 255) + 1]]).toContain(got);
        }
    viz.destroy();
  });

  it('reads a concat slice in place in the engine buffer: stats, channel means and differences as from a read-back copy', async () => {
    const engine = await Engine.create(async () => gpu);
    const graph: GraphFile = {
      format: 'deepwire-graph', version: 1,
      nodes: [
        { id: 'x', op: 'Input', attrs: { shape: [9, 11, 3] } },
        { id: 'a', op: 'Conv2D', inputs: ['x'], attrs: { filters: 3, kernel_size: 1 } },
        { id: 'b', op: 'Conv2D', inputs: ['x'], attrs: { filters: 4, kernel_size: 3, padding: 'same', activation: 'relu' } },
        { id: 'cat', op: 'Concatenate', inputs: ['a', 'b'] },
      ],
      outputs: ['cat'],
    };
    const report = analyzeGraph(graph);
    const compiled = engine.compile(report, materializeWeights(report, 1), { keep: ['a', 'b', 'cat'] });
    await compiled.run({ x: randomInput([1, 9, 11, 3], 'x') }, { read: [] });
    const b = (await compiled.read(['b'])).get('b')!;
    const inPlace = compiled.gpuTensor('b')!;
    expect(inPlace.view.strides[3]).toBe(1);
    const viz = new Visualizer(engine.device);
    const src = viz.source(inPlace.buffer, inPlace.view)!;
    expect([src.offset, src.stride, src.channels]).toEqual([3, 7, 4]);
    const back = await viz.read(src);
    expect(back.shape).toEqual([1, 9, 11, 4]);
    expect([...back.data]).toEqual([...b.data]);
    const s = await viz.stats(src);
    for (let c = 0; c < 4; c++) {
      const want = jsStats(b, c);
      expectClose([s.min[c], s.max[c], s.mean[c], s.std[c]], [want.min, want.max, want.mean, want.std]);
      expect(s.zeros[c]).toBe(want.zeros);
    }

    const mean = await viz.channelMean(src);
    const meanStats = await viz.stats(mean);
    const jsMeans = Array.from({ length: 99 }, (_, q) => (b.data[4 * q] + b.data[4 * q + 1] + b.data[4 * q + 2] + b.data[4 * q + 3]) / 4);
    expectClose([meanStats.min[0], meanStats.max[0]], [Math.min(...jsMeans), Math.max(...jsMeans)]);

    // b − (b read back and uploaded) is zero everywhere; a − b's first three channels are what JS says.
    const zero = await viz.stats(await viz.difference(src, viz.upload(b)));
    expect([...zero.min, ...zero.max]).toEqual(new Array(8).fill(0));
    const a = (await compiled.read(['a'])).get('a')!;
    const aSrc = viz.source(compiled.gpuTensor('a')!.buffer, compiled.gpuTensor('a')!.view)!;
    const firstThree: MapSource = { ...src, channels: 3 };
    const diff = await viz.stats(await viz.difference(aSrc, firstThree));
    const jsDiff = Array.from({ length: 99 }, (_, q) => a.data[3 * q + 1] - b.data[4 * q + 1]);
    expectClose([diff.min[1], diff.max[1]], [Math.min(...jsDiff), Math.max(...jsDiff)]);
    await expect(viz.difference(aSrc, src)).rejects.toThrow('cannot compare 9×11×3 with 9×11×4: the shapes differ');
    viz.destroy();
    compiled.destroy();
  });

  it('clips 1–99 % in every scope (per channel, per node, global over three nodes) as sorting on the CPU says, to 1/65 536 of the range', async () => {
    const viz = new Visualizer(gpu!.device);
    // Heavy-tailed values (exponential, a few far outliers) so that one pass of 256 bins would be off by far more.
    const node = (name: string, shape: number[], scale: number, shift: number): Tensor => {
      const u = uniforms(shape.reduce((a, b) => a * b, 1), 11, name);
      return tensor(shape, Array.from(u, (v, i) => (i % 997 === 0 ? 400 * scale : -Math.log(1 - v) * scale * (1 + (i % shape[3]))) + shift));
    };
    const a = node('a', [1, 19, 23, 4], 1, -0.5), b = node('b', [1, 9, 9, 6], 3, 0), c = node('c', [1, 30, 7, 2], 0.5, -2);
    a.data[5] = NaN; // not a value: left out of the percentiles as of the stats
    a.data[9] = Infinity;
    const parts = [a, b, c].map((t): ScopePart & { t: Tensor } => {
      const src = viz.upload(t);
      return { t, stats: () => viz.stats(src), histogram: (r, o) => viz.histogram(src, r, o) };
    });
    const q = 0.01;
    /** The ⌈q·n⌉-th and ⌈(1 − q)·n⌉-th smallest finite values: the 1st and 99th percentiles. */
    const percentiles = (values: number[]) => {
      const sorted = Float64Array.from(values.filter(Number.isFinite)).sort();
      return [sorted[Math.ceil(q * sorted.length) - 1], sorted[Math.ceil((1 - q) * sorted.length) - 1], sorted[0], sorted[sorted.length - 1]];
    };
    const channel = (t: Tensor, k: number) => [...t.data].filter((_, i) => i % t.shape[3] === k);
    const expectPercentiles = (got: ArrayLike<number>, values: number[], what: string) => {
      const [lo, hi, min, max] = percentiles(values);
      const fine = (max - min) / 65536;
      expect(Math.abs(got[0] - lo), `${what}: 1st percentile ${got[0]} vs ${lo}`).toBeLessThanOrEqual(2 * fine + 1e-6 * Math.abs(lo));
      expect(Math.abs(got[1] - hi), `${what}: 99th percentile ${got[1]} vs ${hi}`).toBeLessThanOrEqual(2 * fine + 1e-6 * Math.abs(hi));
      if (!what.startsWith('channel')) expect(hi - lo, what).toBeLessThan(0.1 * (max - min)); // the outliers are clipped away
    };
    const options = { clip: q, symmetric: false, fixed: [-1, 2] as [number, number], global: null };
    const statsA = await parts[0].stats();
    const histA = parts[0].histogram;

    const perChannel = await channelRanges(statsA, histA, { ...options, scope: 'channel' });
    for (let k = 0; k < 4; k++) expectPercentiles(perChannel.subarray(2 * k, 2 * k + 2), channel(a, k), `channel ${k}`);
    const perNode = await channelRanges(statsA, histA, { ...options, scope: 'node' });
    expectPercentiles(perNode, [...a.data], 'node');
    expect([...perNode.subarray(2, 4)]).toEqual([...perNode.subarray(0, 2)]);

    const global = await globalScope(parts);
    const all = parts.flatMap((p) => [...p.t.data]);
    expect(global.range).toEqual([Math.fround(percentiles(all)[2]), Math.fround(percentiles(all)[3])]);
    const ranges = await channelRanges(statsA, histA, { ...options, scope: 'global', global: global.range, globalHistogram: global.histogram });
    expectPercentiles(ranges, all, 'global');
    // Unclipped, global is the min and max over every node; fixed ignores the clip.
    expect([...await channelRanges(statsA, histA, { ...options, clip: 0, scope: 'global', global: global.range, globalHistogram: global.histogram })].slice(0, 2)).toEqual(global.range);
    expect([...await channelRanges(statsA, histA, { ...options, scope: 'fixed' })]).toEqual([-1, 2, -1, 2, -1, 2, -1, 2]);
    viz.destroy();
  });
});
