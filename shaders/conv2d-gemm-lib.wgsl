// The interface and helpers shared by the implicit-GEMM convs (conv2d-gemm.wgsl's 32×32 tiles,
// conv2d-gemm64.wgsl's 64×64): the same params, which output tile and which share of K a workgroup
// takes, and the stores (raw split-K partials, or through the fused epilogue). Each kernel declares its
// own bindings (x, w, bias, residual, y, p) and SPLIT_K; WGSL lets module-scope names be used first.
struct Params {
  N: u32, H: u32, W: u32, C: u32, xStride: u32, xOffset: u32,
  OH: u32, OW: u32, OC: u32, yStride: u32, yOffset: u32, rStride: u32, rOffset: u32,
  KH: u32, KW: u32, SH: u32, SW: u32, DH: u32, DW: u32, padTop: u32, padLeft: u32,
  OC4: u32, kChunk: u32, splits: u32,
}

/** A workgroup's output tile (pixels m0 …, channels n0 …) and share of K; `valid` false past the grid. */
struct GemmTile { m0: u32, n0: u32, split: u32, kBegin: u32, kEnd: u32, M: u32, valid: bool }

fn gemmTile(wid: vec3u, nwg: vec3u, TM: u32, TN: u32) -> GemmTile {
  let M = p.N * p.OH * p.OW;
  let K = p.KH * p.KW * p.C;
  let tilesN = (p.OC + TN - 1u) / TN;
  let tiles = ((M + TM - 1u) / TM) * tilesN;
  let index = wid.x + wid.y * nwg.x;                // 2-D grid past 65 535 workgroups
  let split = index / tiles;
  let tile = index % tiles;
  // This workgroup's share of K: kChunk is a multiple of the K step, so no step straddles two splits.
  let kBegin = split * p.kChunk;
  return GemmTile((tile / tilesN) * TM, (tile % tilesN) * TN, split, kBegin, min(K, kBegin + p.kChunk), M, index < tiles * p.splits);
}

/** Output pixel m's channels n … n + 3 (those below OC): raw partials with SPLIT_K, else through the epilogue. */
fn storeRow(m: u32, n: u32, v: vec4<f32>, M: u32, split: u32) {
  if (m >= M) { return; }
  for (var j = 0u; j < 4u; j++) {
    let oc = n + j;
    if (oc >= p.OC) { continue; }
    if (SPLIT_K) {
      y[(split * M + m) * p.OC + oc] = v[j];
    } else {
      y[m * p.yStride + p.yOffset + oc] = epilogue(v[j], oc, m * p.rStride + p.rOffset + oc);
    }
  }
}
