// conv2d as an implicit GEMM: Y[M×OC] = A[M×K] · B[K×OC] with M = N·OH·OW output pixels and
// K = KH·KW·C; A is gathered from the NHWC input on the fly (no im2col buffer) and B is the Keras
// kernel [KH, KW, C, OC] read as it is. A 32×32 output tile per workgroup, staged through workgroup
// memory 16 deep along K; 4×4 outputs per invocation. groups = 1 only (grouped convs use
// conv2d-naive / depthwise-conv2d). Dense and 1×1 convs are the KH = KW = 1 case.
// Reference: src/ops/conv2d.ts; readable spec: conv2d-naive.wgsl.
struct Params {
  N: u32, H: u32, W: u32, C: u32, xStride: u32, xOffset: u32,
  OH: u32, OW: u32, OC: u32, yStride: u32, yOffset: u32, rStride: u32, rOffset: u32,
  KH: u32, KW: u32, SH: u32, SW: u32, DH: u32, DW: u32, padTop: u32, padLeft: u32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> w: array<f32>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read> residual: array<f32>;
@group(0) @binding(4) var<storage, read_write> y: array<f32>;
@group(0) @binding(5) var<uniform> p: Params;

const TM = 32u;
const TN = 32u;
const TK = 16u;
var<workgroup> As: array<f32, 512>; // [TK][TM]
var<workgroup> Bs: array<f32, 512>; // [TK][TN]

/** A[m, k]: input pixel m's value under kernel tap k = (ky·KW + kx)·C + ci; 0 in the padding. */
fn loadA(m: u32, k: u32, M: u32, K: u32) -> f32 {
  if ((m >= M) | (k >= K)) { return 0.0; }
  let ci = k % p.C;
  let tap = k / p.C;
  let kx = tap % p.KW;
  let ky = tap / p.KW;
  let ox = m % p.OW;
  let oy = (m / p.OW) % p.OH;
  let n = m / (p.OW * p.OH);
  let iy = i32(oy * p.SH + ky * p.DH) - i32(p.padTop);
  let ix = i32(ox * p.SW + kx * p.DW) - i32(p.padLeft);
  if ((iy < 0) | (iy >= i32(p.H)) | (ix < 0) | (ix >= i32(p.W))) { return 0.0; }
  return x[((n * p.H + u32(iy)) * p.W + u32(ix)) * p.xStride + p.xOffset + ci];
}

@compute @workgroup_size(8, 8)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_id) lid: vec3u, @builtin(local_invocation_index) li: u32) {
  let M = p.N * p.OH * p.OW;
  let K = p.KH * p.KW * p.C;
  let tilesN = (p.OC + TN - 1u) / TN;
  let tile = wid.x + wid.y * nwg.x;                 // 2-D grid past 65 535 workgroups
  if (tile >= ((M + TM - 1u) / TM) * tilesN) { return; }
  let m0 = (tile / tilesN) * TM;
  let n0 = (tile % tilesN) * TN;

  var acc: array<array<f32, 4>, 4>;                 // [row (pixel)][column (channel)]
  for (var k0 = 0u; k0 < K; k0 += TK) {
    for (var e = 0u; e < 8u; e++) {                 // 64 invocations stage 512 values of each tile
      let idx = li + e * 64u;
      As[idx] = loadA(m0 + idx % TM, k0 + idx / TM, M, K);
      let kb = k0 + idx / TN;
      let nb = n0 + idx % TN;
      var b = 0.0;
      if ((kb < K) & (nb < p.OC)) { b = w[kb * p.OC + nb]; }
      Bs[idx] = b;
    }
    workgroupBarrier();
    for (var kk = 0u; kk < TK; kk++) {
      var a: array<f32, 4>;
      var b: array<f32, 4>;
      for (var i = 0u; i < 4u; i++) { a[i] = As[kk * TM + lid.y * 4u + i]; }
      for (var j = 0u; j < 4u; j++) { b[j] = Bs[kk * TN + lid.x * 4u + j]; }
      for (var i = 0u; i < 4u; i++) {
        for (var j = 0u; j < 4u; j++) { acc[i][j] = fma(a[i], b[j], acc[i][j]); }
      }
    }
    workgroupBarrier();
  }

  for (var i = 0u; i < 4u; i++) {
    let m = m0 + lid.y * 4u + i;
    if (m >= M) { continue; }
    for (var j = 0u; j < 4u; j++) {
      let oc = n0 + lid.x * 4u + j;
      if (oc >= p.OC) { continue; }
      y[m * p.yStride + p.yOffset + oc] = epilogue(acc[i][j], oc, m * p.rStride + p.rOffset + oc);
    }
  }
}
