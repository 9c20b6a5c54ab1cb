// Seeded counter-based random numbers: Philox4x32-10 (Salmon et al., SC'11; the generator behind the
// stateless random ops of TF and JAX) in 32-bit integer arithmetic, and log/sin/cos from + − × ÷ only,
// so one seed gives the same bits in Node and in every browser. Reference: Random123's kat_vectors.
import { OpError } from '../ops/op.ts';

const PHILOX_M0 = 0xd2511f53, PHILOX_M1 = 0xcd9e8d57;
const PHILOX_W0 = 0x9e3779b9, PHILOX_W1 = 0xbb67ae85;

/** High 32 bits of the 64-bit product of two uint32s, from 16-bit halves (exact in doubles). */
function mulhi(a: number, b: number): number {
  const ah = a >>> 16, al = a & 0xffff, bh = b >>> 16, bl = b & 0xffff;
  const lowMid = ah * bl + ((al * bl) >>> 16);
  const highMid = al * bh + (lowMid & 0xffff);
  return (ah * bh + Math.floor(lowMid / 65536) + Math.floor(highMid / 65536)) >>> 0;
}

/** Philox4x32-10 of one counter block under one key; writes four uint32 words into `out`. */
export function philox4x32(ctr: readonly number[], key: readonly number[], out: Uint32Array): void {
  let c0 = ctr[0] >>> 0, c1 = ctr[1] >>> 0, c2 = ctr[2] >>> 0, c3 = ctr[3] >>> 0;
  let k0 = key[0] >>> 0, k1 = key[1] >>> 0;
  for (let round = 0; round < 10; round++) {
    if (round > 0) {
      k0 = (k0 + PHILOX_W0) >>> 0;
      k1 = (k1 + PHILOX_W1) >>> 0;
    }
    const hi0 = mulhi(PHILOX_M0, c0), lo0 = Math.imul(PHILOX_M0, c0) >>> 0;
    const hi1 = mulhi(PHILOX_M1, c2), lo1 = Math.imul(PHILOX_M1, c2) >>> 0;
    c0 = (hi1 ^ c1 ^ k0) >>> 0;
    c1 = lo1;
    c2 = (hi0 ^ c3 ^ k1) >>> 0;
    c3 = lo0;
  }
  out[0] = c0; out[1] = c1; out[2] = c2; out[3] = c3;
}

/** FNV-1a over the key's UTF-8 bytes from a given offset basis, finished with murmur3's fmix32. */
function hashKey(bytes: Uint8Array, basis: number): number {
  let h = basis >>> 0;
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const TWO_32 = 4294967296;
const TWO_53 = 9007199254740992;

/** A position-addressable stream: value j depends only on (seed, key, j). */
export class RandomStream {
  private readonly key: [number, number];
  private readonly keyHash: [number, number];
  private readonly words = new Uint32Array(4);
  private block = -1;
  private pair = -1;
  private pairValues: [number, number] = [0, 0];
  private uniformIndex = 0;
  private normalIndex = 0;

  constructor(seed: number, key: string) {
    if (!Number.isSafeInteger(seed)) throw new OpError(`random seed must be a whole number, got ${seed}`, 'use an integer seed such as 42');
    // Two's complement split, so negative seeds are distinct streams too.
    this.key = [seed >>> 0, Math.floor(seed / TWO_32) >>> 0];
    const bytes = new TextEncoder().encode(key);
    // 64 bits of key hash: thousands of weight names never collide in practice.
    this.keyHash = [hashKey(bytes, 0x811c9dc5), hashKey(bytes, 0x050c5d1f)];
  }

  private load(block: number): Uint32Array {
    if (block !== this.block) {
      philox4x32([block >>> 0, Math.floor(block / TWO_32) >>> 0, this.keyHash[0], this.keyHash[1]], this.key, this.words);
      this.block = block;
    }
    return this.words;
  }

  /** Uniform j in [0, 1) with 53 random bits; block j/2 holds uniforms 2·(j/2) and 2·(j/2)+1. */
  uniformAt(j: number): number {
    const w = this.load(Math.floor(j / 2));
    const hi = j % 2 === 0 ? w[0] : w[2], lo = j % 2 === 0 ? w[1] : w[3];
    return ((hi >>> 5) * 67108864 + (lo >>> 6)) / TWO_53;
  }

  /** Normal i (mean 0, std 1): Box–Muller on the uniform pair of block i/2, cos for even i, sin for odd. */
  normalAt(i: number): number {
    const pair = Math.floor(i / 2);
    if (pair !== this.pair) {
      const u1 = this.uniformAt(2 * pair), u2 = this.uniformAt(2 * pair + 1);
      const radius = Math.sqrt(-2 * portableLog(1 - u1)); // 1 − u1 ∈ (0, 1]: never log(0)
      const [s, c] = sinCos2Pi(u2);
      this.pairValues = [radius * c, radius * s];
      this.pair = pair;
    }
    return this.pairValues[i % 2];
  }

  uniform(): number {
    return this.uniformAt(this.uniformIndex++);
  }

  normal(): number {
    return this.normalAt(this.normalIndex++);
  }
}

/** `count` uniforms in [0, 1), a pure function of (seed, key). */
export function uniforms(count: number, seed: number, key: string): Float64Array {
  const stream = new RandomStream(seed, key);
  const out = new Float64Array(count);
  for (let j = 0; j < count; j++) out[j] = stream.uniformAt(j);
  return out;
}

/** `count` standard normals, a pure function of (seed, key). */
export function normals(count: number, seed: number, key: string): Float64Array {
  const stream = new RandomStream(seed, key);
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) out[i] = stream.normalAt(i);
  return out;
}

/** Standard normals with every draw beyond ±bound redrawn from the same stream (TF's truncated_normal). */
export function truncatedNormals(count: number, seed: number, key: string, bound = 2): Float64Array {
  const stream = new RandomStream(seed, key);
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    let z = stream.normal();
    while (Math.abs(z) > bound) z = stream.normal();
    out[i] = z;
  }
  return out;
}

// Math.log/sin/cos may differ in the last bit between JS engines; these use only IEEE-exact operations.

/** ln x for 0 < x ≤ 1 (what Box–Muller needs), accurate to ~1e-16. */
export function portableLog(x: number): number {
  let k = 0;
  while (x < 1.52587890625e-5) { x *= 65536; k += 16; } // 2^-16: scale by exact powers of two
  while (x < Math.SQRT1_2) { x *= 2; k++; }
  // ln m = 2·atanh(s), s = (m − 1)/(m + 1), |s| ≤ 0.172 for m ∈ [√½, √2)
  const s = (x - 1) / (x + 1), s2 = s * s;
  let series = 0;
  for (let n = 27; n >= 1; n -= 2) series = series * s2 + 1 / n;
  return 2 * s * series - k * Math.LN2;
}

/** [sin 2πu, cos 2πu] for 0 ≤ u < 1: quadrant, then a Taylor series on [0, π/4]. */
export function sinCos2Pi(u: number): [number, number] {
  const quadrant = Math.floor(u * 4);
  const r = u - quadrant / 4; // exact
  let s: number, c: number;
  if (r <= 0.125) [s, c] = taylorSinCos(2 * Math.PI * r);
  else [c, s] = taylorSinCos(2 * Math.PI * (0.25 - r));
  switch (quadrant) {
    case 0: return [s, c];
    case 1: return [c, -s];
    case 2: return [-s, -c];
    default: return [-c, s];
  }
}

function taylorSinCos(t: number): [number, number] {
  const t2 = t * t;
  let sin = 0, cos = 0;
  // 1/(2k+1)! and 1/(2k)! in Horner form, k ≤ 10: error below 1e-20 for t ≤ π/4
  for (let k = 10; k >= 1; k--) {
    sin = 1 - (t2 / ((2 * k) * (2 * k + 1))) * sin;
    cos = 1 - (t2 / ((2 * k - 1) * (2 * k))) * cos;
  }
  return [t * sin, cos];
}
