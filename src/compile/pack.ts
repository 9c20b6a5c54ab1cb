// Weight layouts the fast conv kernels read, made once at compile time.
import { WINOGRAD_G, type WinogradTile } from './winograd.ts';

/**
 * Keras [KH, KW, C, OC] → conv2d-direct's [OC/8][KH][KW][C↑4][8]: one output-channel block's weights
 * are one contiguous stream, 8 channels (two vec4s) per input channel; zero-padded at the edges
 * (and to `blocks` blocks, for kernels that want whole quads of them).
 */
export function packDirect(kernel: Float32Array, KH: number, KW: number, C: number, OC: number, blocks = Math.ceil(OC / 8)): Float32Array {
  const C4 = Math.ceil(C / 4) * 4;
  const out = new Float32Array(blocks * KH * KW * C4 * 8);
  for (let b = 0; b < blocks; b++)
    for (let tap = 0; tap < KH * KW; tap++)
      for (let ci = 0; ci < C; ci++)
        for (let j = 0; j < 8 && b * 8 + j < OC; j++)
          out[((b * KH * KW + tap) * C4 + ci) * 8 + j] = kernel[(tap * C + ci) * OC + b * 8 + j];
  return out;
}

/** Keras [KH, KW, C, OC] read as [K, OC] → conv2d-gemm's [K, OC↑4]: rows load as whole vec4s. */
export function packGemm(kernel: Float32Array, K: number, OC: number): Float32Array {
  const OC4 = Math.ceil(OC / 4) * 4;
  if (OC4 === OC) return kernel;
  const out = new Float32Array(K * OC4);
  for (let k = 0; k < K; k++) out.set(kernel.subarray(k * OC, (k + 1) * OC), k * OC4);
  return out;
}

/**
 * Keras [KH, KW, C/groups, OC] → conv2d-grouped's [OC/4][KH][KW][C/groups][4]: per block of 4 output
 * channels (all in one group) a contiguous stream of one vec4 per input channel of the group.
 */
export function packGrouped(kernel: Float32Array, KH: number, KW: number, CG: number, OC: number): Float32Array {
  const out = new Float32Array(kernel.length);
  for (let b = 0; b < OC / 4; b++)
    for (let tap = 0; tap < KH * KW; tap++)
      for (let ci = 0; ci < CG; ci++)
        for (let j = 0; j < 4; j++) out[((b * KH * KW + tap) * CG + ci) * 4 + j] = kernel[(tap * CG + ci) * OC + b * 4 + j];
  return out;
}

/**
 * Keras [3, 3, C, OC] → Winograd F(m×m, 3×3)'s U = G·g·Gᵀ for every (input, output channel), as
 * (m + 2)² packDirect 1×1 streams one after the other, position (row·(m + 2) + column) by position.
 * Computed in float64, rounded once.
 */
export function packWinograd(kernel: Float32Array, C: number, OC: number, blocks: number, m: WinogradTile = 2): Float32Array {
  const G = WINOGRAD_G[m];
  const n = m + 2;
  const u = new Float32Array(n * n * C * OC);
  const g = [0, 0, 0, 0, 0, 0, 0, 0, 0];
  for (let ci = 0; ci < C; ci++)
    for (let oc = 0; oc < OC; oc++) {
      for (let t = 0; t < 9; t++) g[t] = kernel[(t * C + ci) * OC + oc];
      for (let r = 0; r < n; r++)
        for (let c = 0; c < n; c++) {
          let sum = 0;
          for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) sum += G[r][a] * g[a * 3 + b] * G[c][b];
          u[((r * n + c) * C + ci) * OC + oc] = sum;
        }
    }
  const per = blocks * Math.ceil(C / 4) * 4 * 8;
  const out = new Float32Array(n * n * per);
  for (let pos = 0; pos < n * n; pos++) out.set(packDirect(u.subarray(pos * C * OC, (pos + 1) * C * OC), 1, 1, C, OC, blocks), pos * per);
  return out;
}

/** A packed layout [blocks][R][Cp][B] (shaders/conv2d-pack-weights.wgsl, which packs it on the GPU). */
export interface PackLayout {
  /** Filters per block, the fastest axis. */
  B: number;
  /** Channels per row, padded with zeros. */
  Cp: number;
  blocks: number;
  /** A row is a whole window row (KW·C channels: conv2d-direct-lib's ROW) rather than one tap. */
  row: boolean;
}

/**
 * The reference of conv2d-pack-weights.wgsl: Keras [KH, KW, C, OC] into `layout`; with `transpose`,
 * the input gradient's conv instead — the kernel flipped in both axes, C and OC swapped. packDirect,
 * packGemm and packGrouped are its layouts (8, C↑4, OC/8), (OC↑4, C, 1) and (4, C/groups, OC/4).
 */
export function packConvWeights(kernel: Float32Array, KH: number, KW: number, C: number, OC: number, layout: PackLayout, transpose = false): Float32Array {
  const { B, Cp, blocks, row } = layout;
  const R = row ? KH : KH * KW;
  const [cin, cout] = transpose ? [OC, C] : [C, OC];
  const out = new Float32Array(blocks * R * Cp * B);
  for (let b = 0; b < blocks; b++)
    for (let r = 0; r < R; r++)
      for (let ci = 0; ci < Cp; ci++)
        for (let j = 0; j < B; j++) {
          const o = b * B + j;
          const [ky, kx, c] = row ? [r, Math.floor(ci / cin), ci % cin] : [Math.floor(r / KW), r % KW, ci];
          if (kx >= KW || c >= cin || o >= cout) continue;
          out[((b * R + r) * Cp + ci) * B + j] = transpose
            ? kernel[(((KH - 1 - ky) * KW + (KW - 1 - kx)) * C + o) * OC + c]
            : kernel[((ky * KW + kx) * C + c) * OC + o];
        }
  return out;
}
