// conv2d backward, weight gradient as a register-tiled GEMM over the batch's positions, split over them:
//   dw[k, o] = Σ_m A[m, k] · dy[m, o],  k = (ky·KW + kx)·C + c (Keras' [KH, KW, C, OC] read as [K, OC]),
//   m = (n·OH + oy)·OW + ox,  A[m, k] = x[n, oy·SH + ky·DH − padTop, ox·SW + kx·DW − padLeft, c] (0 in the padding)
// Each invocation keeps 8 rows k × 16 filters o in registers (32 vec4 accumulators) over one chunk
// of `chunk` positions: per position 2 loads of x (two vec4s of 4 channels with VEC_X, else 8
// gathered values — any C, e.g. an RGB or grey stem, where 8 rows span several taps) and 4 of dy for
// 128 multiply-adds. No workgroup barriers (SwiftShader runs them as fiber switches, ~10× slower):
// chunk s writes its partial sums to dw[s][K][OC] and conv2d-split-k-reduce.wgsl adds them (with one
// chunk, dw is the gradient itself). Chunks give a big GPU enough invocations (src/train/backward/conv.ts).
// groups = 1; x is a channel view (stride, offset). Readable spec: conv2d-backward-filter.wgsl.
// Reference: src/ops/conv2d.ts backward
struct Params {
  N: u32, H: u32, W: u32, C: u32, xStride: u32, xOffset: u32, OH: u32, OW: u32, OC: u32,
  KH: u32, KW: u32, SH: u32, SW: u32, DH: u32, DW: u32, padTop: u32, padLeft: u32,
  K: u32, kBlocks: u32, ocBlocks: u32, chunk: u32,
}

@group(0) @binding(0) var<storage, read> dy: array<f32>;
@group(0) @binding(1) var<storage, read> dy4: array<vec4<f32>>;   // dy again, 4 filters per load
@group(0) @binding(2) var<storage, read> x: array<f32>;
@group(0) @binding(3) var<storage, read> x4: array<vec4<f32>>;    // x again, 4 channels per load
@group(0) @binding(4) var<storage, read_write> dw: array<f32>;
@group(0) @binding(5) var<uniform> p: Params;
override WG: u32 = 64u;
// Rows come 4 channels to a load when C, the channel stride and the offset all divide by 4.
override VEC_X: bool = false;
// Filters come 4 to a load when OC divides by 4.
override VEC_DY: bool = false;
// The 8 rows of a block are channels of one tap (VEC_X and C divides by 8): one bounds check a position.
override TAP8: bool = false;

/** Row k's tap as (row offset ky·DH, column offset kx·DW, channel); a row past K reads only padding. */
fn rowOf(k: u32) -> vec3<i32> {
  let tap = k / p.C;
  let far = select(0, 0x40000000, k >= p.K);
  return vec3<i32>(i32((tap / p.KW) * p.DH) + far, i32((tap % p.KW) * p.DW), i32(k % p.C));
}

/** Flat index of (image row `rowBase`, iy, ix)'s channel 0, or -1 outside the image. */
fn pixelAt(rowBase: i32, iy: i32, ix: i32) -> i32 {
  let inside = (iy >= 0) & (iy < i32(p.H)) & (ix >= 0) & (ix < i32(p.W));
  return select(-1, ((rowBase + iy) * i32(p.W) + ix) * i32(p.xStride) + i32(p.xOffset), inside);
}

/** One gathered row's value at the position whose window starts at (iy0, ix0). */
fn gather(rowBase: i32, iy0: i32, ix0: i32, r: vec3<i32>) -> f32 {
  let i = pixelAt(rowBase, iy0 + r.x, ix0 + r.y);
  return select(0.0, x[u32(max(i, 0) + r.z)], i >= 0);
}

/** Four rows that are channels c .. c+3 of one tap (VEC_X), as one load. */
fn gather4(rowBase: i32, iy0: i32, ix0: i32, r: vec3<i32>) -> vec4<f32> {
  let i = pixelAt(rowBase, iy0 + r.x, ix0 + r.y);
  return select(vec4<f32>(0.0), x4[u32(max(i, 0) + r.z) / 4u], i >= 0);
}

/** Filters o .. o+3 as columns of a dy row, clamped to the row: those past OC are never stored. */
fn colsOf(o: u32) -> vec4<u32> {
  return min(vec4<u32>(o) + vec4<u32>(0u, 1u, 2u, 3u), vec4<u32>(p.OC - 1u));
}

/** dy at columns `c` of the row starting at `row`. */
fn dyAt(row: u32, c: vec4<u32>) -> vec4<f32> {
  if (VEC_DY) { return dy4[(row + c.x) / 4u]; }
  return vec4<f32>(dy[row + c.x], dy[row + c.y], dy[row + c.z], dy[row + c.w]);
}

/** Row k's 16 sums (filters o0 .. o0+15) into the chunk's slice of dw, those within K × OC. */
fn store16(base: u32, k: u32, o0: u32, a: vec4<f32>, b: vec4<f32>, c: vec4<f32>, d: vec4<f32>) {
  if (k >= p.K) { return; }
  let v = array<vec4<f32>, 4>(a, b, c, d);
  for (var j = 0u; j < min(16u, p.OC - o0); j++) { dw[base + k * p.OC + o0 + j] = v[j / 4u][j % 4u]; }
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  let M = p.N * p.OH * p.OW;
  let splits = (M + p.chunk - 1u) / p.chunk;
  if (i >= splits * p.kBlocks * p.ocBlocks) { return; }
  let o0 = (i % p.ocBlocks) * 16u;
  let k0 = ((i / p.ocBlocks) % p.kBlocks) * 8u;
  let s = i / (p.ocBlocks * p.kBlocks);
  let r0 = rowOf(k0);      let r1 = rowOf(k0 + 1u); let r2 = rowOf(k0 + 2u); let r3 = rowOf(k0 + 3u);
  let r4 = rowOf(k0 + 4u); let r5 = rowOf(k0 + 5u); let r6 = rowOf(k0 + 6u); let r7 = rowOf(k0 + 7u);
  let c0 = colsOf(o0); let c1 = colsOf(o0 + 4u); let c2 = colsOf(o0 + 8u); let c3 = colsOf(o0 + 12u);
  // a<row><q>: row k0 + row's sums for filters o0 + 4q .. o0 + 4q + 3.
  var a00 = vec4<f32>(0.0); var a01 = vec4<f32>(0.0); var a02 = vec4<f32>(0.0); var a03 = vec4<f32>(0.0);
  var a10 = vec4<f32>(0.0); var a11 = vec4<f32>(0.0); var a12 = vec4<f32>(0.0); var a13 = vec4<f32>(0.0);
  var a20 = vec4<f32>(0.0); var a21 = vec4<f32>(0.0); var a22 = vec4<f32>(0.0); var a23 = vec4<f32>(0.0);
  var a30 = vec4<f32>(0.0); var a31 = vec4<f32>(0.0); var a32 = vec4<f32>(0.0); var a33 = vec4<f32>(0.0);
  var a40 = vec4<f32>(0.0); var a41 = vec4<f32>(0.0); var a42 = vec4<f32>(0.0); var a43 = vec4<f32>(0.0);
  var a50 = vec4<f32>(0.0); var a51 = vec4<f32>(0.0); var a52 = vec4<f32>(0.0); var a53 = vec4<f32>(0.0);
  var a60 = vec4<f32>(0.0); var a61 = vec4<f32>(0.0); var a62 = vec4<f32>(0.0); var a63 = vec4<f32>(0.0);
  var a70 = vec4<f32>(0.0); var a71 = vec4<f32>(0.0); var a72 = vec4<f32>(0.0); var a73 = vec4<f32>(0.0);
  let m0 = s * p.chunk;
  let m1 = min(m0 + p.chunk, M);
  // The position's (n, oy, ox), stepped along rather than divided out each time.
  var ox = m0 % p.OW;
  var oy = (m0 / p.OW) % p.OH;
  var n = m0 / (p.OW * p.OH);
  for (var m = m0; m < m1; m++) {
    let rowBase = i32(n * p.H);
    let iy0 = i32(oy * p.SH) - i32(p.padTop);
    let ix0 = i32(ox * p.SW) - i32(p.padLeft);
    var xa: vec4<f32>;
    var xb: vec4<f32>;
    if (TAP8) {
      // All 8 rows are channels of one tap: one bounds check, two loads.
      let i = pixelAt(rowBase, iy0 + r0.x, ix0 + r0.y);
      let at = u32(max(i, 0) + r0.z) / 4u;
      xa = select(vec4<f32>(0.0), x4[at], i >= 0);
      xb = select(vec4<f32>(0.0), x4[at + 1u], i >= 0);
    } else if (VEC_X) {
      xa = gather4(rowBase, iy0, ix0, r0);
      xb = gather4(rowBase, iy0, ix0, r4);
    } else {
      xa = vec4<f32>(gather(rowBase, iy0, ix0, r0), gather(rowBase, iy0, ix0, r1), gather(rowBase, iy0, ix0, r2), gather(rowBase, iy0, ix0, r3));
      xb = vec4<f32>(gather(rowBase, iy0, ix0, r4), gather(rowBase, iy0, ix0, r5), gather(rowBase, iy0, ix0, r6), gather(rowBase, iy0, ix0, r7));
    }
    let row = m * p.OC;
    let d0 = dyAt(row, c0); let d1 = dyAt(row, c1); let d2 = dyAt(row, c2); let d3 = dyAt(row, c3);
    a00 += xa.x * d0; a01 += xa.x * d1; a02 += xa.x * d2; a03 += xa.x * d3;
    a10 += xa.y * d0; a11 += xa.y * d1; a12 += xa.y * d2; a13 += xa.y * d3;
    a20 += xa.z * d0; a21 += xa.z * d1; a22 += xa.z * d2; a23 += xa.z * d3;
    a30 += xa.w * d0; a31 += xa.w * d1; a32 += xa.w * d2; a33 += xa.w * d3;
    a40 += xb.x * d0; a41 += xb.x * d1; a42 += xb.x * d2; a43 += xb.x * d3;
    a50 += xb.y * d0; a51 += xb.y * d1; a52 += xb.y * d2; a53 += xb.y * d3;
    a60 += xb.z * d0; a61 += xb.z * d1; a62 += xb.z * d2; a63 += xb.z * d3;
    a70 += xb.w * d0; a71 += xb.w * d1; a72 += xb.w * d2; a73 += xb.w * d3;
    ox++;
    if (ox == p.OW) {
      ox = 0u;
      oy++;
      if (oy == p.OH) { oy = 0u; n++; }
    }
  }
  // One store16 in a loop rather than 8 inlined copies: pipeline creation time grows with code size.
  let acc = array<vec4<f32>, 32>(a00, a01, a02, a03, a10, a11, a12, a13, a20, a21, a22, a23, a30, a31, a32, a33,
                                 a40, a41, a42, a43, a50, a51, a52, a53, a60, a61, a62, a63, a70, a71, a72, a73);
  let base = s * p.K * p.OC;
  for (var r = 0u; r < 8u; r++) { store16(base, k0 + r, o0, acc[4u * r], acc[4u * r + 1u], acc[4u * r + 2u], acc[4u * r + 3u]); }
}
