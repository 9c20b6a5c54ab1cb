// uses: activation, epilogue, conv2d-prologue, conv2d-gemm-lib (prepended by src/compile/kernels.ts, in this order)
// conv2d as an implicit GEMM: Y[M×OC] = A[M×K] · B[K×OC] with M = N·OH·OW output pixels and
// K = KH·KW·C; A is gathered from the NHWC input on the fly (no im2col buffer), B is the Keras kernel
// [KH, KW, C, OC] with OC padded to a multiple of 4 (src/compile/pack.ts) so it loads as vec4.
// A 32×32 output tile per 8×8 workgroup, staged through workgroup memory 16 deep along K; each
// invocation accumulates 4 pixels × 4 channels as four vec4 rows. What discrete GPUs favour.
// groups = 1 (grouped convs: conv2d-naive / depthwise-conv2d); Dense and 1×1 convs are KH = KW = 1.
// Split K: a conv with few output tiles (late layers: 7×7×512 makes 32) would leave most of a big GPU
// idle, so `splits` workgroups share each tile, each summing kChunk of K; with SPLIT_K they write raw
// partial sums [split][M][OC] and conv2d-split-k-reduce.wgsl adds them and applies the epilogue.
// Reference: src/ops/conv2d.ts; readable spec: conv2d-naive.wgsl.

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> w: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read> residual: array<f32>;
@group(0) @binding(4) var<storage, read_write> y: array<f32>;
@group(0) @binding(5) var<uniform> p: Params;

override SPLIT_K: bool = false;

const TM = 32u;
const TN = 32u;
const TK = 16u;
var<workgroup> As: array<vec4<f32>, 128>;   // [TK][TM / 4]: 4 consecutive pixels at one k
var<workgroup> Bs: array<vec4<f32>, 128>;   // [TK][TN / 4]: 4 consecutive output channels at one k

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
  return input1(((n * p.H + u32(iy)) * p.W + u32(ix)) * p.xStride + p.xOffset + ci, ci, iy, ix);
}

/** Stages one vec4 of each tile: `slot` in 0..127 is (k = slot / 8, group of 4 = slot % 8). */
fn stage(slot: u32, m0: u32, n0: u32, k0: u32, M: u32, K: u32) {
  let k = k0 + slot / 8u;
  let m = m0 + (slot % 8u) * 4u;
  As[slot] = vec4<f32>(loadA(m, k, M, K), loadA(m + 1u, k, M, K), loadA(m + 2u, k, M, K), loadA(m + 3u, k, M, K));
  let c4 = n0 / 4u + slot % 8u;
  var b = vec4<f32>(0.0);
  if ((k < K) & (c4 < p.OC4 / 4u)) { b = w[k * (p.OC4 / 4u) + c4]; }
  Bs[slot] = b;
}

@compute @workgroup_size(8, 8)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_id) lid: vec3u, @builtin(local_invocation_index) li: u32) {
  let t = gemmTile(wid, nwg, TM, TN);
  if (!t.valid) { return; }
  // Row i of the invocation's 4×4 block: pixel t.m0 + 4·lid.y + i, channels t.n0 + 4·lid.x … + 3.
  var acc0 = vec4<f32>(0.0);
  var acc1 = vec4<f32>(0.0);
  var acc2 = vec4<f32>(0.0);
  var acc3 = vec4<f32>(0.0);
  for (var k0 = t.kBegin; k0 < t.kEnd; k0 += TK) {
    stage(li, t.m0, t.n0, k0, t.M, t.kEnd);
    stage(li + 64u, t.m0, t.n0, k0, t.M, t.kEnd);
    workgroupBarrier();
    for (var kk = 0u; kk < TK; kk++) {
      let a = As[kk * 8u + lid.y];
      let b = Bs[kk * 8u + lid.x];
      acc0 = fma(vec4<f32>(a.x), b, acc0);
      acc1 = fma(vec4<f32>(a.y), b, acc1);
      acc2 = fma(vec4<f32>(a.z), b, acc2);
      acc3 = fma(vec4<f32>(a.w), b, acc3);
    }
    workgroupBarrier();
  }
  let m = t.m0 + lid.y * 4u;
  let n = t.n0 + lid.x * 4u;
  storeRow(m, n, acc0, t.M, t.split);
  storeRow(m + 1u, n, acc1, t.M, t.split);
  storeRow(m + 2u, n, acc2, t.M, t.split);
  storeRow(m + 3u, n, acc3, t.M, t.split);
}
