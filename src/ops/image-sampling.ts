// The sampling the image augmentation ops share (RandomFlip, RandomTranslation, RandomCrop): output pixel
// (oy, ox) of sample n reads the input at a source coordinate that is an affine map of oy and of ox, one
// per axis — coordinate = scale·o + offset, the map the sample's random draws chose — through one tap
// (nearest: the coordinate rounded half away from zero, as TensorFlow's kernel) or two (bilinear: floor and floor + 1, weights
// 1 − f and f), each tap's index folded into the input window by the fill mode. That is Keras 3's
// affine_transform for a translation, as the JAX backend computes it (tap by tap), and its bilinear
// resize (half-pixel centers, no antialias) for RandomCrop's center window.
// `Sampling` describes an op's sampling for one batch; `sampleMaps` is the CPU twin of mapsOf in
// shaders/resample2d-lib.wgsl, so the float64 reference and the GPU make the same per-sample choices.
import { tensor, type Tensor } from '../tensor.ts';
import { nodeStepKey, sampleIndex, sampleUniform } from '../train/dropout-mask.ts';
import type { OpDef } from './op.ts';

/** Keras' fill modes: reflect (d c b a | a b c d | d c b a), wrap, constant (fill_value), nearest (edge). */
export const FILL_MODES = ['reflect', 'wrap', 'constant', 'nearest'] as const;
export type FillMode = (typeof FILL_MODES)[number];
export const INTERPOLATIONS = ['bilinear', 'nearest'] as const;
export type Interpolation = (typeof INTERPOLATIONS)[number];

/** One axis' source coordinate: scale·o + offset. */
export interface AxisMap {
  scale: number;
  offset: number;
}

/** The input rows (or columns) lo … lo + len − 1 that taps fold into. */
export interface Window {
  lo: number;
  len: number;
}

/** What each sample draws (the CPU twin of shaders/resample2d-lib.wgsl RANDOM). */
export type RandomPart =
  | { kind: 'flip'; y: boolean; x: boolean }
  /** A shift by (low + u·(high − low))·size pixels, u uniform in [0, 1) per sample and axis. */
  | { kind: 'shift'; y: [number, number]; x: [number, number] }
  /** A window offset drawn from 0 … count − 1 per sample and axis. */
  | { kind: 'crop'; count: [number, number] };

export interface Sampling {
  /** Output rows and columns. */
  out: [number, number];
  window: [Window, Window];
  interpolation: Interpolation;
  fill: FillMode;
  fillValue: number;
  /** The map of every sample where `random` is null, and what the random part starts from. */
  fixed: [AxisMap, AxisMap];
  random: RandomPart | null;
}

/** Sample n's row and column maps under the node's key for this step (dropoutKey(seed, step, salt)). */
export function sampleMaps(s: Sampling, size: [number, number], key: number, n: number): [AxisMap, AxisMap] {
  const [my, mx] = s.fixed.map((m) => ({ ...m }));
  const r = s.random;
  if (r?.kind === 'flip' && sampleUniform(key, n, 0) <= 0.5) {
    // Keras 3: one draw per sample; horizontal_and_vertical flips both axes on it
    if (r.y) Object.assign(my, { scale: -1, offset: size[0] - 1 });
    if (r.x) Object.assign(mx, { scale: -1, offset: size[1] - 1 });
  } else if (r?.kind === 'shift') {
    // output o reads o − shift (Keras: a positive factor moves the image down / right)
    my.offset = -(r.y[0] + sampleUniform(key, n, 0) * (r.y[1] - r.y[0])) * size[0];
    mx.offset = -(r.x[0] + sampleUniform(key, n, 1) * (r.x[1] - r.x[0])) * size[1];
  } else if (r?.kind === 'crop') {
    my.offset = sampleIndex(key, n, 0, r.count[0]);
    mx.offset = sampleIndex(key, n, 1, r.count[1]);
  }
  return [my, mx];
}

/** Index i folded into the window by the fill mode; −1 where the fill value is read instead. */
export function foldIndex(i: number, w: Window, fill: FillMode): number {
  const j = i - w.lo, n = w.len;
  if (j >= 0 && j < n) return i;
  if (fill === 'constant') return -1;
  if (fill === 'nearest') return w.lo + (j < 0 ? 0 : n - 1);
  if (fill === 'wrap') return w.lo + (((j % n) + n) % n);
  const m = ((j % (2 * n)) + 2 * n) % (2 * n);
  return w.lo + (m < n ? m : 2 * n - 1 - m);
}

/** The taps of output index o: [index before folding, weight] pairs. */
export function taps(o: number, m: AxisMap, interpolation: Interpolation): [number, number][] {
  const c = m.scale * o + m.offset;
  if (interpolation === 'nearest') return [[Math.sign(c) * Math.floor(Math.abs(c) + 0.5), 1]];
  const i0 = Math.floor(c), f = c - i0;
  return [[i0, 1 - f], [i0 + 1, f]];
}

/** The folded taps of every output index of one axis. */
function axisTaps(count: number, m: AxisMap, w: Window, s: Sampling): [number, number][][] {
  return Array.from({ length: count }, (_, o) => taps(o, m, s.interpolation).map(([i, wt]): [number, number] => [foldIndex(i, w, s.fill), wt]));
}

/**
 * Visits every output value and each of its taps: `out` the output's flat index, `at` the input's
 * (−1 where the tap reads the fill value), `w` the tap's weight (row weight × column weight).
 */
function eachTap(xShape: readonly number[], s: Sampling, key: number, visit: (out: number, at: number, w: number) => void): void {
  const [N, H, W, C] = xShape;
  const [OH, OW] = s.out;
  for (let n = 0; n < N; n++) {
    const [my, mx] = sampleMaps(s, [H, W], key, n);
    const ty = axisTaps(OH, my, s.window[0], s), tx = axisTaps(OW, mx, s.window[1], s);
    for (let oy = 0; oy < OH; oy++)
      for (let ox = 0; ox < OW; ox++)
        for (let c = 0; c < C; c++)
          for (const [iy, wy] of ty[oy])
            for (const [ix, wx] of tx[ox]) visit(((n * OH + oy) * OW + ox) * C + c, iy < 0 || ix < 0 ? -1 : ((n * H + iy) * W + ix) * C + c, wy * wx);
  }
}

/** The sampled batch: y[n, oy, ox, c] = Σ wy·wx·x[n, iy, ix, c] (the fill value where a tap folds to −1), float64 sums. */
export function resample(x: Tensor, s: Sampling, key: number): Tensor {
  const [N, , , C] = x.shape;
  const y = new Float64Array(N * s.out[0] * s.out[1] * C);
  eachTap(x.shape, s, key, (out, at, w) => (y[out] += w * (at < 0 ? s.fillValue : x.data[at])));
  return { shape: [N, ...s.out, C], data: Float32Array.from(y) };
}

/** dL/dx of `resample`: each output's gradient sent back along its taps (the fill value's share goes nowhere). */
export function resampleBackward(xShape: readonly number[], dy: Tensor, s: Sampling, key: number): Tensor {
  const dx = new Float64Array(xShape.reduce((a, b) => a * b, 1));
  eachTap(xShape, s, key, (out, at, w) => {
    if (at >= 0) dx[at] += w * dy.data[out];
  });
  return { shape: [...xShape], data: Float32Array.from(dx) };
}

/**
 * The parts of an augmentation op that is the identity at inference (RandomFlip, RandomTranslation) and
 * resamples by `sampling` while training, with the key of the step (nodeStepKey).
 */
export function identityAtInference<A>(sampling: (a: A, input: readonly number[]) => Sampling): Pick<OpDef<A>, 'flops' | 'reference' | 'trainForward' | 'backward' | 'gpu'> {
  return {
    flops: () => 0,
    reference: ([x]) => tensor(x.shape, x.data),
    trainForward: ([x], _weights, a, ctx) => ({ output: resample(x, sampling(a, x.shape.slice(1)), nodeStepKey(ctx)) }),
    // linear in x: dy sent back along the taps (the identity's gradient without a ctx)
    backward: ([x], _weights, a, dy, ctx) => ({
      inputs: [ctx ? resampleBackward(x.shape, dy, sampling(a, x.shape.slice(1)), nodeStepKey(ctx)) : tensor(x.shape, dy.data)],
      weights: {},
    }),
    gpu: { exact: true },
  };
}

/** The whole axis of `size` as a window. */
export const whole = (size: number): Window => ({ lo: 0, len: size });
/** The identity map. */
export const IDENTITY: AxisMap = { scale: 1, offset: 0 };
