// Keras initializers, with Keras' distributions, fans and defaults, drawn from the seeded stream of
// src/weights/random.ts. Reference: keras/src/initializers/{constant,random}_initializers.py.
import { OpError, type WeightSpec } from '../ops/op.ts';
import { formatShape, tensor, type Tensor } from '../tensor.ts';
import type { Initializer } from './specs.ts';
import { truncatedNormals, normals, uniforms } from './random.ts';

/** Keras' stddev correction for a normal truncated at ±2σ: the std of the truncated unit normal. */
export const TRUNCATION_STD = 0.87962566103423978;

/** Keras' `compute_fans`: rank ≥ 3 kernels multiply by the receptive field (all but the last two dims). */
export function computeFans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length === 0) return { fanIn: 1, fanOut: 1 };
  if (shape.length === 1) return { fanIn: shape[0], fanOut: shape[0] };
  if (shape.length === 2) return { fanIn: shape[0], fanOut: shape[1] };
  let receptiveField = 1;
  for (const d of shape.slice(0, -2)) receptiveField *= d;
  return { fanIn: receptiveField * shape[shape.length - 2], fanOut: receptiveField * shape[shape.length - 1] };
}

/** Keras' VarianceScaling behind glorot_*, he_*, lecun_*. */
const VARIANCE_SCALING: Partial<Record<Initializer['name'], { scale: number; mode: 'fan_in' | 'fan_avg'; distribution: 'uniform' | 'truncated_normal' }>> = {
  glorot_uniform: { scale: 1, mode: 'fan_avg', distribution: 'uniform' },
  glorot_normal: { scale: 1, mode: 'fan_avg', distribution: 'truncated_normal' },
  he_uniform: { scale: 2, mode: 'fan_in', distribution: 'uniform' },
  he_normal: { scale: 2, mode: 'fan_in', distribution: 'truncated_normal' },
  lecun_uniform: { scale: 1, mode: 'fan_in', distribution: 'uniform' },
  lecun_normal: { scale: 1, mode: 'fan_in', distribution: 'truncated_normal' },
};

/**
 * A weight's initial values. `key` (e.g. `conv1/kernel`) picks the weight's own random stream, so a
 * node's weights do not change when other nodes are added; a `seed` in the initializer's config
 * overrides the graph's.
 */
export function initializeWeight(spec: WeightSpec, seed: number, key: string): Tensor {
  const t = tensor(spec.shape);
  const n = t.data.length;
  const { name, config } = spec.initializer;
  const streamSeed = config.seed ?? seed;
  const param = (k: string, fallback: number) => config[k] ?? fallback;
  const where = `initializer ${name} of weight '${spec.name}' (${formatShape(spec.shape)})`;

  const scaling = VARIANCE_SCALING[name];
  if (scaling) {
    const { fanIn, fanOut } = computeFans(spec.shape);
    const scale = scaling.scale / Math.max(1, scaling.mode === 'fan_in' ? fanIn : (fanIn + fanOut) / 2);
    if (scaling.distribution === 'uniform') fillUniform(t.data, -Math.sqrt(3 * scale), Math.sqrt(3 * scale), streamSeed, key);
    else fillTruncated(t.data, 0, Math.sqrt(scale) / TRUNCATION_STD, streamSeed, key);
    return t;
  }
  switch (name) {
    case 'zeros':
      return t;
    case 'ones':
      t.data.fill(1);
      return t;
    case 'constant':
      t.data.fill(param('value', 0));
      return t;
    case 'random_uniform': {
      const minval = param('minval', -0.05), maxval = param('maxval', 0.05);
      if (!(maxval >= minval)) throw new OpError(`${where}: maxval ${maxval} is below minval ${minval}`, 'swap them');
      fillUniform(t.data, minval, maxval, streamSeed, key);
      return t;
    }
    case 'random_normal': {
      const mean = param('mean', 0), stddev = checkStddev(param('stddev', 0.05), where);
      const z = normals(n, streamSeed, key);
      for (let i = 0; i < n; i++) t.data[i] = mean + stddev * z[i];
      return t;
    }
    case 'truncated_normal':
      fillTruncated(t.data, param('mean', 0), checkStddev(param('stddev', 0.05), where), streamSeed, key);
      return t;
  }
  throw new OpError(`${where}: no such initializer`);
}

function checkStddev(stddev: number, where: string): number {
  if (!(stddev >= 0)) throw new OpError(`${where}: stddev must not be negative, got ${stddev}`);
  return stddev;
}

function fillUniform(out: Float32Array, minval: number, maxval: number, seed: number, key: string): void {
  const u = uniforms(out.length, seed, key);
  for (let i = 0; i < out.length; i++) out[i] = minval + (maxval - minval) * u[i];
}

function fillTruncated(out: Float32Array, mean: number, stddev: number, seed: number, key: string): void {
  const z = truncatedNormals(out.length, seed, key, 2);
  for (let i = 0; i < out.length; i++) out[i] = mean + stddev * z[i];
}
