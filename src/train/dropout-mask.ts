// The training step's random draws, the same bits on the CPU reference and in WGSL (the twin is
// shaders/train/train-state.wgsl): a counter-based hash of (seed, step, node, element) — Dropout's mask —
// or of (seed, step, node, sample, draw) — the augmentation ops' per-sample transforms — so a run repeats
// exactly and no random state is kept or uploaded. mix32 is Chris Wellons' lowbias32, a bijection of u32.

/** lowbias32: a well-mixed bijection of 32-bit unsigned integers. */
export function mix32(x: number): number {
  x = (x ^ (x >>> 16)) >>> 0;
  x = Math.imul(x, 0x7feb352d) >>> 0;
  x = (x ^ (x >>> 15)) >>> 0;
  x = Math.imul(x, 0x846ca68b) >>> 0;
  return (x ^ (x >>> 16)) >>> 0;
}

/** FNV-1a of a node id, so each Dropout node draws its own mask. */
export function nodeSalt(id: string): number {
  let h = 0x811c9dc5;
  for (const b of new TextEncoder().encode(id)) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h >>> 0;
}

/** One (seed, training step, node)'s key; the WGSL kernel gets it computed the same way. */
export function dropoutKey(seed: number, step: number, salt: number): number {
  return mix32((mix32((mix32(seed >>> 0) ^ salt) >>> 0) ^ step) >>> 0);
}

/** A training step's key for one node: what its draws hash with (Dropout's mask, the augmentation ops' transforms). */
export function nodeStepKey(ctx: { seed: number; step: number; nodeId: string }): number {
  return dropoutKey(ctx.seed, ctx.step, nodeSalt(ctx.nodeId));
}

/** Whether element `index` is kept: a uniform draw in [0, 1) with 24 bits, kept when ≥ rate (Keras drops with probability rate). */
export function dropoutKeeps(key: number, index: number, rate: number): boolean {
  return (mix32((key ^ index) >>> 0) >>> 8) * 2 ** -24 >= rate;
}

/** Draws each sample may take (RandomTranslation: 2, a row and a column shift). */
export const DRAWS_PER_SAMPLE = 4;

/** Draw `draw` of sample `sample` of a batch under `key` (dropoutKey of the node): 32 random bits. */
export function sampleBits(key: number, sample: number, draw: number): number {
  return mix32((key ^ (sample * DRAWS_PER_SAMPLE + draw)) >>> 0);
}

/** The same draw as a uniform number in [0, 1) with 24 bits, as the WGSL twin computes it. */
export function sampleUniform(key: number, sample: number, draw: number): number {
  return (sampleBits(key, sample, draw) >>> 8) * 2 ** -24;
}

/** The same draw as a whole number in 0 … count − 1 (count ≤ 65536), from its top 16 bits: exact in u32 arithmetic. */
export function sampleIndex(key: number, sample: number, draw: number, count: number): number {
  return Math.floor(((sampleBits(key, sample, draw) >>> 16) * count) / 65536);
}
