// Dropout's random mask, the same bits on the CPU reference and in WGSL (shaders/dropout-mask.wgsl
// will hold the twin): a counter-based hash of (seed, step, node, element), so a run repeats exactly and
// no random state is kept or uploaded. mix32 is Chris Wellons' lowbias32, a bijection of u32.

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

/** Whether element `index` is kept: a uniform draw in [0, 1) with 24 bits, kept when ≥ rate (Keras drops with probability rate). */
export function dropoutKeeps(key: number, index: number, rate: number): boolean {
  return (mix32((key ^ index) >>> 0) >>> 8) * 2 ** -24 >= rate;
}
