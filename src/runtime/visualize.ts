// Activation pictures and statistics, computed on the GPU: per-channel stats and histograms
// (shaders/tensor-stats.wgsl), colour-mapped channel tiles (colormap.wgsl), the channel-mean summary map
// and the difference of two activations. Sources are NHWC views read in place in the engine's own buffers
// (a concat slice included) or uploaded tensors; only the small results come back to JS.
import statsWgsl from '../../shaders/tensor-stats.wgsl?raw';
import colormapWgsl from '../../shaders/colormap.wgsl?raw';
import channelMeanWgsl from '../../shaders/channel-mean.wgsl?raw';
import differenceWgsl from '../../shaders/difference.wgsl?raw';
import { kernel, packParams, type Kernel } from '../compile/kernels.ts';
import { pixelView, type View } from '../compile/plan.ts';
import { formatShape, type Tensor } from '../tensor.ts';
import { colormapTable, NAN_COLOR, type ColormapName } from './colormaps.ts';
import { GpuRunError, scopedGpuWork } from './errors.ts';
import { mapForReading } from './gpu-wait.ts';

/** One image of a batch as pixels × channels: element (pixel q, channel c) at offset + q·stride + c floats. */
export interface MapSource {
  buffer: GPUBuffer;
  offset: number;
  stride: number;
  channels: number;
  height: number;
  width: number;
}

/** Per-channel statistics over the finite values (NaN and ±Inf are counted apart). */
export interface ChannelStats {
  pixels: number;
  min: Float64Array;
  max: Float64Array;
  mean: Float64Array;
  std: Float64Array;
  zeros: Uint32Array;
  nans: Uint32Array;
  infs: Uint32Array;
}

/** The same, pooled over every channel. */
export interface StatsSummary {
  min: number;
  max: number;
  mean: number;
  std: number;
  /** Share of exact zeros among all values (dead ReLUs), 0–1. */
  zeros: number;
  nans: number;
  infs: number;
  count: number;
}

const KERNEL = {
  stats: kernel('tensor-stats', statsWgsl),
  colormap: kernel('colormap', colormapWgsl),
  channelMean: kernel('channel-mean', channelMeanWgsl),
  difference: kernel('difference', differenceWgsl),
};
const WG = 64;
const PARTIAL_FLOATS = 8;

/** H, W and C of a batch-first shape: [N, H, W, C]; [N, L, C] as 1×L; [N, C] (a vector) as 1×1. */
export function spatialOf(shape: readonly number[]): { height: number; width: number; channels: number } {
  const channels = shape[shape.length - 1];
  const middle = shape.slice(1, -1);
  if (middle.length === 0) return { height: 1, width: 1, channels };
  const width = middle[middle.length - 1];
  return { height: middle.slice(0, -1).reduce((a, b) => a * b, 1), width, channels };
}

/** Pools per-channel statistics (float64, from shifted sums) into one summary. */
export function summarize(s: ChannelStats): StatsSummary {
  let count = 0, sum = 0, zeros = 0, nans = 0, infs = 0, min = Infinity, max = -Infinity;
  const C = s.min.length;
  const finite = (c: number) => s.pixels - s.nans[c] - s.infs[c];
  for (let c = 0; c < C; c++) {
    const n = finite(c);
    count += n;
    if (n) sum += s.mean[c] * n;
    zeros += s.zeros[c];
    nans += s.nans[c];
    infs += s.infs[c];
    if (n) {
      min = Math.min(min, s.min[c]);
      max = Math.max(max, s.max[c]);
    }
  }
  const mean = count ? sum / count : NaN;
  // Total variance = mean of the channel variances + variance of the channel means.
  let ss = 0;
  for (let c = 0; c < C; c++) if (finite(c)) ss += finite(c) * (s.std[c] ** 2 + (s.mean[c] - mean) ** 2);
  return { min: count ? min : NaN, max: count ? max : NaN, mean, std: count ? Math.sqrt(ss / count) : NaN, zeros: zeros / (s.pixels * C), nans, infs, count };
}

/**
 * The q-quantile (0–1) of the values counted in `hist` (bins evenly over [lo, hi]), interpolated inside
 * its bin: exact to (hi − lo) / bins.
 */
export function quantile(hist: ArrayLike<number>, lo: number, hi: number, q: number): number {
  let total = 0;
  for (let i = 0; i < hist.length; i++) total += hist[i];
  if (!total || !(hi > lo)) return lo;
  const target = q * total;
  let below = 0;
  for (let i = 0; i < hist.length; i++) {
    if (below + hist[i] >= target && hist[i] > 0) return lo + ((i + (target - below) / hist[i]) / hist.length) * (hi - lo);
    below += hist[i];
  }
  return hi;
}

export type RangeScope = 'channel' | 'node' | 'global' | 'fixed';

export interface RangeOptions {
  /** Each channel its own range, one range for the node, one for every node of the run, or a fixed one. */
  scope: RangeScope;
  /** Share of values clipped at each end (0.01: the 1st to the 99th percentile); every scope but fixed. */
  clip: number;
  /** Centre the range on 0 (a diverging colormap): [−m, m] with m the larger magnitude. */
  symmetric: boolean;
  fixed: [number, number];
  /** min and max over every node; the node's own range until it is known. */
  global: [number, number] | null;
  /** Histogram of every node's values together (see globalScope): what global percentiles are clipped from. */
  globalHistogram?: HistogramFn | null;
}

export type HistogramFn = (ranges: ArrayLike<number>, options: { bins: number; perChannel: boolean }) => Promise<Uint32Array>;

const RANGE_BINS = 256;

/**
 * The q and 1 − q quantiles of each of S series of values (a channel each, or one pooled series), in two
 * histogram passes: RANGE_BINS bins over the series' [lo, hi] find the bin that holds each quantile, then
 * RANGE_BINS bins over that bin alone place it: exact to (hi − lo) / 65 536. `histogram` gives S×bins
 * counts for S (lo, hi) pairs, values outside a pair counted in its end bins (as tensor-stats.wgsl does).
 */
export async function seriesQuantiles(histogram: (ranges: Float32Array) => Promise<Uint32Array>, bounds: Float32Array, q: number): Promise<Float32Array> {
  const S = bounds.length / 2, B = RANGE_BINS;
  const out = new Float32Array(2 * S);
  const first = await histogram(bounds);
  // Per series and end: the bin that holds the quantile, its range, the counts before and after it, and the rank inside it.
  const find = (s: number, target: number) => {
    const h = first.subarray(s * B, (s + 1) * B);
    let below = 0;
    for (let i = 0; i < B; i++) {
      if (below + h[i] >= target && h[i] > 0) return { bin: i, below, count: h[i] };
      below += h[i];
    }
    return null;
  };
  const ends = [q, 1 - q].map((qq) => {
    const ranges = new Float32Array(2 * S);
    const picks = Array.from({ length: S }, (_, s) => {
      const [lo, hi] = [bounds[2 * s], bounds[2 * s + 1]];
      let total = 0;
      for (let i = 0; i < B; i++) total += first[s * B + i];
      const pick = hi > lo && total ? find(s, qq * total) : null;
      const w = (hi - lo) / B;
      ranges.set(pick ? [lo + pick.bin * w, lo + (pick.bin + 1) * w] : [lo, lo], 2 * s);
      return pick && { ...pick, target: qq * total, total };
    });
    return { ranges, picks };
  });
  const second = await Promise.all(ends.map((e) => (e.picks.some(Boolean) ? histogram(e.ranges) : null)));
  ends.forEach(({ ranges, picks }, k) => {
    for (let s = 0; s < S; s++) {
      const pick = picks[s];
      const [a, b] = [ranges[2 * s], ranges[2 * s + 1]];
      if (!pick || !second[k] || !(b > a)) {
        out[2 * s + k] = a;
        continue;
      }
      // The values before and after the bin land in the end bins of the second pass: take them out again.
      const h = Float64Array.from(second[k]!.subarray(s * B, (s + 1) * B));
      h[0] = Math.max(0, h[0] - pick.below);
      h[B - 1] = Math.max(0, h[B - 1] - (pick.total - pick.below - pick.count));
      let inBin = 0;
      for (let i = 0; i < B; i++) inBin += h[i];
      out[2 * s + k] = inBin ? quantile(h, a, b, Math.min(1, Math.max(0, (pick.target - pick.below) / inBin))) : a;
    }
  });
  return out;
}

/**
 * The colour range (lo, hi) of every channel for a normalisation scope, percentile-clipped from GPU
 * histograms (seriesQuantiles). Non-finite bounds (a channel of NaNs) become 0.
 */
export async function channelRanges(stats: ChannelStats, histogram: HistogramFn, options: RangeOptions): Promise<Float32Array> {
  const C = stats.min.length;
  const out = new Float32Array(2 * C);
  const finite = (v: number, fallback: number) => (Number.isFinite(v) ? v : fallback);
  const put = (c: number, lo: number, hi: number) => {
    lo = finite(lo, 0);
    hi = finite(hi, lo);
    if (options.symmetric) {
      const m = Math.max(Math.abs(lo), Math.abs(hi));
      [lo, hi] = [-m, m];
    }
    out[2 * c] = lo;
    out[2 * c + 1] = hi;
  };
  const { scope, clip } = options;
  /** One range for every channel: [lo, hi], clipped from `pooled` (one histogram over all the values). */
  const pooledRange = async (lo: number, hi: number, pooled: HistogramFn | null) => {
    if (clip > 0 && pooled) [lo, hi] = await seriesQuantiles((r) => pooled(r, { bins: RANGE_BINS, perChannel: false }), Float32Array.of(lo, hi), clip);
    for (let c = 0; c < C; c++) put(c, lo, hi);
  };
  if (scope === 'fixed') for (let c = 0; c < C; c++) put(c, options.fixed[0], options.fixed[1]);
  else if (scope === 'global' && options.global)
    await pooledRange(finite(options.global[0], 0), finite(options.global[1], 0), options.globalHistogram ?? null);
  else if (scope === 'channel') {
    const own = new Float32Array(2 * C);
    for (let c = 0; c < C; c++) own.set([finite(stats.min[c], 0), finite(stats.max[c], 0)], 2 * c);
    const clipped = clip > 0 ? await seriesQuantiles((r) => histogram(r, { bins: RANGE_BINS, perChannel: true }), own, clip) : own;
    for (let c = 0; c < C; c++) put(c, clipped[2 * c], clipped[2 * c + 1]);
  } else {
    const s = summarize(stats);
    await pooledRange(finite(s.min, 0), finite(s.max, 0), histogram);
  }
  return out;
}

/** What the global scope needs of one node's output. */
export interface ScopePart {
  stats(): Promise<ChannelStats>;
  histogram(ranges: ArrayLike<number>, options?: { bins?: number; perChannel?: boolean }): Promise<Uint32Array>;
}

/**
 * The global scope over several nodes' outputs: min and max over all of them, and one histogram of all
 * their values together (each node's histogram on the GPU over the same range, summed) to clip from.
 */
export async function globalScope(parts: ScopePart[]): Promise<{ range: [number, number] | null; histogram: HistogramFn }> {
  let lo = Infinity, hi = -Infinity;
  for (const s of await Promise.all(parts.map((p) => p.stats().then(summarize)))) {
    if (Number.isFinite(s.min)) lo = Math.min(lo, s.min);
    if (Number.isFinite(s.max)) hi = Math.max(hi, s.max);
  }
  const histogram: HistogramFn = async (ranges, options) => {
    const all = await Promise.all(parts.map((p) => p.histogram(ranges, options)));
    const sum = new Uint32Array(all[0]?.length ?? options.bins);
    for (const h of all) for (let i = 0; i < h.length; i++) sum[i] += h[i];
    return sum;
  };
  return { range: lo <= hi ? [lo, hi] : null, histogram };
}

const align4 = (bytes: number) => Math.max(16, Math.ceil(bytes / 4) * 4);

export class Visualizer {
  private pipelines = new Map<string, Promise<GPUComputePipeline>>();
  /** Uniform buffers of each encoder's passes, destroyed once it is submitted. */
  private pending = new WeakMap<GPUCommandEncoder, GPUBuffer[]>();
  private luts = new Map<ColormapName, GPUBuffer>();
  private owned = new Set<GPUBuffer>();

  constructor(readonly device: GPUDevice) {}

  /** An engine tensor in place (its concat slice included); null when the view has no pixels × channels form. */
  source(buffer: GPUBuffer, view: View, batch = 0): MapSource | null {
    const pv = pixelView(view);
    if (!pv) return null;
    const { height, width, channels } = spatialOf(view.shape);
    if (batch >= view.shape[0]) throw new RangeError(`batch index ${batch} out of ${formatShape(view.shape)}`);
    return { buffer, offset: pv.offset + batch * height * width * pv.stride, stride: pv.stride, channels, height, width };
  }

  /** A read-back tensor on the GPU again (one image of its batch); free it with `release`. */
  upload(t: Tensor, batch = 0): MapSource {
    const { height, width, channels } = spatialOf(t.shape);
    const per = height * width * channels;
    const buffer = this.buffer(per * 4, `view ${formatShape(t.shape)}`);
    this.device.queue.writeBuffer(buffer, 0, t.data.buffer, t.data.byteOffset + batch * per * 4, per * 4);
    return { buffer, offset: 0, stride: channels, channels, height, width };
  }

  /** Frees a buffer this visualiser made (uploads, summary and difference maps); engine buffers are left alone. */
  release(src: MapSource): void {
    if (this.owned.delete(src.buffer)) src.buffer.destroy();
  }

  /** Per-channel min, max, mean, std, zeros, NaNs and Infs. */
  async stats(src: MapSource): Promise<ChannelStats> {
    const { channels: C } = src;
    const pixels = src.height * src.width;
    const { segments, segLen } = this.segmentsFor(pixels, C);
    const partial = this.buffer(segments * C * PARTIAL_FLOATS * 4, 'stats partials', false);
    const out = this.buffer(C * PARTIAL_FLOATS * 4, 'stats', false);
    const params = { offset: src.offset, stride: src.stride, channels: C, pixels, segments, segLen, bins: 1, perChannel: 0 };
    const encoder = this.device.createCommandEncoder();
    await this.dispatch(encoder, 'partials', KERNEL.stats, [src.buffer, partial], params, segments * C);
    await this.dispatch(encoder, 'combine', KERNEL.stats, [partial, out], params, C, [1, 2]);
    const bytes = await this.readBack(encoder, out, C * PARTIAL_FLOATS * 4);
    partial.destroy();
    out.destroy();
    const f = new Float32Array(bytes), u = new Uint32Array(bytes);
    const s: ChannelStats = {
      pixels, min: new Float64Array(C), max: new Float64Array(C), mean: new Float64Array(C), std: new Float64Array(C),
      zeros: new Uint32Array(C), nans: new Uint32Array(C), infs: new Uint32Array(C),
    };
    for (let c = 0; c < C; c++) {
      const o = c * PARTIAL_FLOATS;
      const [lo, hi, sum, sumsq] = [f[o], f[o + 1], f[o + 2], f[o + 3]];
      const [zeros, nans, infs, shift] = [u[o + 4], u[o + 5], u[o + 6], f[o + 7]];
      const n = pixels - nans - infs;
      const m = n ? sum / n : NaN;
      s.min[c] = n ? lo : NaN;
      s.max[c] = n ? hi : NaN;
      s.mean[c] = shift + m;
      s.std[c] = n ? Math.sqrt(Math.max(0, sumsq / n - m * m)) : NaN;
      s.zeros[c] = zeros;
      s.nans[c] = nans;
      s.infs[c] = infs;
    }
    return s;
  }

  /**
   * Histogram of the finite values: `bins` bins over each channel's range (`ranges`: lo, hi per channel,
   * or one pair for all). perChannel: C×bins counts; otherwise one histogram of every channel together.
   */
  async histogram(src: MapSource, ranges: ArrayLike<number>, { bins = 256, perChannel = false } = {}): Promise<Uint32Array> {
    const { channels: C } = src;
    const pixels = src.height * src.width;
    const { segments, segLen } = this.segmentsFor(pixels, C);
    const rangeBuffer = this.rangeBuffer(ranges, C);
    const size = (perChannel ? C : 1) * bins * 4;
    const hist = this.buffer(size, 'histogram', false);
    const encoder = this.device.createCommandEncoder();
    encoder.clearBuffer(hist);
    const params = { offset: src.offset, stride: src.stride, channels: C, pixels, segments, segLen, bins, perChannel: perChannel ? 1 : 0 };
    await this.dispatch(encoder, 'histogram', KERNEL.stats, [src.buffer, rangeBuffer, hist], params, segments * C, [0, 3, 4]);
    const bytes = await this.readBack(encoder, hist, size);
    rangeBuffer.destroy();
    hist.destroy();
    return new Uint32Array(bytes);
  }

  /**
   * Channels first…first+count as RGBA8 tiles of outH×outW (default H×W, nearest sample when smaller),
   * normalised by `ranges` (lo, hi per channel of the whole tensor, or one pair for all).
   */
  async colormap(src: MapSource, options: { first?: number; count?: number; ranges: ArrayLike<number>; colormap: ColormapName; outW?: number; outH?: number }): Promise<Uint8ClampedArray> {
    const { first = 0, count = src.channels - first, colormap } = options;
    const outW = options.outW ?? src.width, outH = options.outH ?? src.height;
    if (first < 0 || count < 1 || first + count > src.channels) throw new RangeError(`channels ${first}…${first + count - 1} of ${src.channels}`);
    const rangeBuffer = this.rangeBuffer(options.ranges, src.channels);
    const size = count * outW * outH * 4;
    const out = this.buffer(size, 'colormap', false);
    const params = { offset: src.offset, stride: src.stride, height: src.height, width: src.width, first, count, outW, outH, nanColor: NAN_COLOR };
    const encoder = this.device.createCommandEncoder();
    await this.dispatch(encoder, 'main', KERNEL.colormap, [src.buffer, rangeBuffer, this.lut(colormap), out], params, count * outW * outH);
    const bytes = await this.readBack(encoder, out, size);
    rangeBuffer.destroy();
    out.destroy();
    return new Uint8ClampedArray(bytes);
  }

  /** Each pixel's mean over the channels, as a one-channel source (release it when done). */
  async channelMean(src: MapSource): Promise<MapSource> {
    const pixels = src.height * src.width;
    const out = this.buffer(pixels * 4, 'channel mean');
    const encoder = this.device.createCommandEncoder();
    await this.dispatch(encoder, 'main', KERNEL.channelMean, [src.buffer, out], { offset: src.offset, stride: src.stride, channels: src.channels, pixels }, pixels);
    await this.submit(encoder).catch((e: unknown) => this.dropOnFailure(out, e));
    return { buffer: out, offset: 0, stride: 1, channels: 1, height: src.height, width: src.width };
  }

  /** a − b for two sources of the same H×W×C (release the result when done). */
  async difference(a: MapSource, b: MapSource): Promise<MapSource> {
    if (a.height !== b.height || a.width !== b.width || a.channels !== b.channels)
      throw new RangeError(`cannot compare ${a.height}×${a.width}×${a.channels} with ${b.height}×${b.width}×${b.channels}: the shapes differ`);
    const pixels = a.height * a.width;
    const out = this.buffer(pixels * a.channels * 4, 'difference');
    const encoder = this.device.createCommandEncoder();
    const params = { aOffset: a.offset, aStride: a.stride, bOffset: b.offset, bStride: b.stride, channels: a.channels, pixels };
    await this.dispatch(encoder, 'main', KERNEL.difference, [a.buffer, b.buffer, out], params, pixels * a.channels);
    await this.submit(encoder).catch((e: unknown) => this.dropOnFailure(out, e));
    return { buffer: out, offset: 0, stride: a.channels, channels: a.channels, height: a.height, width: a.width };
  }

  /** The source's values back on the CPU as a contiguous [1, H, W, C] tensor. */
  async read(src: MapSource): Promise<Tensor> {
    const { height: H, width: W, channels: C } = src;
    const pixels = H * W;
    const span = (pixels - 1) * src.stride + C;
    const encoder = this.device.createCommandEncoder();
    const staging = this.device.createBuffer({ size: align4(span * 4), usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    encoder.copyBufferToBuffer(src.buffer, src.offset * 4, staging, 0, span * 4);
    await this.submit(encoder, () => mapForReading(this.device, [staging])).catch((e: unknown) => this.dropOnFailure(staging, e));
    const all = new Float32Array(staging.getMappedRange(), 0, span);
    const data = new Float32Array(pixels * C);
    if (src.stride === C) data.set(all.subarray(0, pixels * C));
    else for (let q = 0; q < pixels; q++) data.set(all.subarray(q * src.stride, q * src.stride + C), q * C);
    staging.unmap();
    staging.destroy();
    return { shape: [1, H, W, C], data };
  }

  destroy(): void {
    for (const b of [...this.owned, ...this.luts.values()]) b.destroy();
    this.owned.clear();
    this.luts.clear();
  }

  // ── helpers ──────────────────────────────────────────────────────────────

  /** Segments per channel: enough invocations to fill the device, at most ~1024 pixels each. */
  private segmentsFor(pixels: number, channels: number): { segments: number; segLen: number } {
    const segments = Math.max(1, Math.min(pixels, Math.max(Math.ceil(256 / channels), Math.ceil(pixels / 1024))));
    return { segments, segLen: Math.ceil(pixels / segments) };
  }

  private buffer(bytes: number, label: string, own = true): GPUBuffer {
    const b = this.device.createBuffer({ size: align4(bytes), usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST, label });
    if (own) this.owned.add(b);
    return b;
  }

  private rangeBuffer(ranges: ArrayLike<number>, channels: number): GPUBuffer {
    const data = new Float32Array(2 * channels);
    if (ranges.length === 2) for (let c = 0; c < channels; c++) data.set([ranges[0], ranges[1]], 2 * c);
    else if (ranges.length === 2 * channels) data.set(ranges);
    else throw new RangeError(`ranges: ${ranges.length} numbers for ${channels} channels (give 2 or ${2 * channels})`);
    const b = this.buffer(data.byteLength, 'ranges', false);
    this.device.queue.writeBuffer(b, 0, data.buffer, data.byteOffset, data.byteLength);
    return b;
  }

  private lut(name: ColormapName): GPUBuffer {
    let b = this.luts.get(name);
    if (!b) {
      const table = colormapTable(name);
      b = this.device.createBuffer({ size: table.byteLength, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST, label: `lut ${name}` });
      this.device.queue.writeBuffer(b, 0, table.buffer, table.byteOffset, table.byteLength);
      this.luts.set(name, b);
    }
    return b;
  }

  private pipeline(k: Kernel, entryPoint: string): Promise<GPUComputePipeline> {
    const key = `${k.name}:${entryPoint}`;
    let p = this.pipelines.get(key);
    if (!p) {
      const module = this.device.createShaderModule({ code: k.code, label: k.name });
      p = this.device.createComputePipelineAsync({ layout: 'auto', label: key, compute: { module, entryPoint, constants: { WG } } });
      this.pipelines.set(key, p);
      p.catch(() => this.pipelines.delete(key));
    }
    return p;
  }

  /** Encodes one pass: `buffers` bound at `bindings` (default 0, 1, …), the uniform after them. */
  private async dispatch(encoder: GPUCommandEncoder, entry: string, k: Kernel, buffers: GPUBuffer[], params: Record<string, number>, invocations: number, bindings = buffers.map((_, i) => i)): Promise<void> {
    const pipeline = await this.pipeline(k, entry);
    const uniform = new ArrayBuffer(k.uniformSize);
    packParams(k, params, uniform, 0);
    const ubo = this.device.createBuffer({ size: k.uniformSize, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    this.device.queue.writeBuffer(ubo, 0, uniform);
    this.pending.set(encoder, [...(this.pending.get(encoder) ?? []), ubo]);
    const uniformBinding = /@binding\((\d+)\)\s*var<uniform>/.exec(k.code)![1];
    const entries: GPUBindGroupEntry[] = buffers.map((buffer, i) => ({ binding: bindings[i], resource: { buffer } }));
    entries.push({ binding: Number(uniformBinding), resource: { buffer: ubo } });
    const workgroups = Math.max(1, Math.ceil(invocations / WG));
    const x = Math.min(workgroups, this.device.limits.maxComputeWorkgroupsPerDimension);
    const pass = encoder.beginComputePass({ label: entry });
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, this.device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries }));
    pass.dispatchWorkgroups(x, Math.ceil(workgroups / x));
    pass.end();
  }

  /** Frees a buffer whose contents a failed submit left undefined, and passes the failure on. */
  private dropOnFailure(buffer: GPUBuffer, error: unknown): never {
    this.owned.delete(buffer);
    buffer.destroy();
    throw error;
  }

  /** Submits inside error scopes (src/runtime/errors.ts): rejects when the GPU reported any error. */
  private async submit(encoder: GPUCommandEncoder, then?: () => Promise<void>): Promise<void> {
    const { errors } = scopedGpuWork(this.device, () => this.device.queue.submit([encoder.finish()]));
    for (const b of this.pending.get(encoder) ?? []) b.destroy();
    const [error, after] = await Promise.all([errors, then?.().then(() => null, (e: unknown) => e ?? new Error('failed'))]);
    if (error) throw new GpuRunError(error.kind, error.message, 'drawing the activation maps');
    if (after) throw after;
  }

  /** Submits `encoder` with a copy of `buffer` appended and returns those bytes. */
  private async readBack(encoder: GPUCommandEncoder, buffer: GPUBuffer, bytes: number): Promise<ArrayBuffer> {
    const staging = this.device.createBuffer({ size: align4(bytes), usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    encoder.copyBufferToBuffer(buffer, 0, staging, 0, align4(bytes));
    await this.submit(encoder, () => mapForReading(this.device, [staging])).catch((e: unknown) => this.dropOnFailure(staging, e));
    const copy = staging.getMappedRange().slice(0, bytes);
    staging.unmap();
    staging.destroy();
    return copy;
  }
}
