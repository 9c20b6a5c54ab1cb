// uses: activation, epilogue, conv2d-prologue, conv2d-gemm-lib (prepended by src/compile/kernels.ts, in this order)
// conv2d as conv2d-gemm.wgsl's implicit GEMM, Y[M×OC] = A[M×K] · B[K×OC] (M = N·OH·OW pixels, K =
// KH·KW·C, B the Keras kernel with OC padded to a multiple of 4: pack.ts packGemm), in larger tiles for
// discrete GPUs: a 64×64 output tile per workgroup of 128 invocations, each accumulating 8 pixels × 4
// channels, K staged 16 deep into two buffers (the next step's loads in flight while this one computes,
// one barrier a step; 2 × (4 + 4) KiB = 16 KiB, WebGPU's default workgroup storage).
// Why 128 × (8×4) and not 256 × (4×4): per 4 k an invocation reads 8 pixel vec4s and 4 weight vec4s of
// workgroup memory for 128 multiply-adds, against 4 + 4 for 64, so workgroup-memory bandwidth (what
// bounds a register-blocked GEMM on NVIDIA) stretches 1.33× further; 32 accumulators, 4 weight vec4s,
// a pixel vec4 and the next step's 4 staged vec4s are about 80 registers, far below the 255 at which
// NVIDIA's compiler spills, and 128-invocation workgroups still let several share a multiprocessor.
// Each invocation stages the same two pixels at every K step, so their (n, oy, ox) are decomposed once;
// a tap's (ky, kx, ci) once per 4 k with VEC_X (channels a vec4 load), once per k without (C = 3 stems).
// Split K as in conv2d-gemm: with SPLIT_K raw partial sums [split][M][OC] for conv2d-split-k-reduce.
// Reference: src/ops/conv2d.ts; readable spec: conv2d-naive.wgsl.

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> w: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read> residual: array<f32>;
@group(0) @binding(4) var<storage, read_write> y: array<f32>;
@group(0) @binding(5) var<storage, read> x4: array<vec4<f32>>;   // x again, 4 channels per load
@group(0) @binding(6) var<uniform> p: Params;

override SPLIT_K: bool = false;
// Channels come 4 to a load when C, the input's channel stride and its offset all divide by 4.
override VEC_X: bool = false;

const TM = 64u;
const TN = 64u;
const TK = 16u;
const BUF = 256u;                           // vec4s in one buffer of either tile
var<workgroup> As: array<vec4<f32>, 512>;   // [2][TM pixels][TK / 4]: 4 consecutive k of one pixel
var<workgroup> Bs: array<vec4<f32>, 512>;   // [2][TK][TN / 4]: 4 consecutive output channels at one k

/** An output pixel's window origin in the input, decomposed once for the whole K loop. */
struct Pixel { iy: i32, ix: i32, row0: u32, valid: bool }

fn pixelOf(m: u32, M: u32) -> Pixel {
  let ox = m % p.OW;
  let oy = (m / p.OW) % p.OH;
  let n = m / (p.OW * p.OH);
  return Pixel(i32(oy * p.SH) - i32(p.padTop), i32(ox * p.SW) - i32(p.padLeft), n * p.H, m < M);
}

/** Kernel tap k = (ky·KW + kx)·C + ci, decomposed; `inK` false past this split's end. */
struct Tap { ky: u32, kx: u32, ci: u32, inK: bool }

fn tapOf(k: u32, kEnd: u32) -> Tap {
  let tap = k / p.C;
  let ky = tap / p.KW;
  return Tap(ky, tap - ky * p.KW, k - tap * p.C, k < kEnd);
}

/** Flat index of x under pixel `px` at tap `t`; -1 in the padding, past M or past K. */
fn inputIndex(px: Pixel, t: Tap) -> i32 {
  let iy = px.iy + i32(t.ky * p.DH);
  let ix = px.ix + i32(t.kx * p.DW);
  if (!px.valid | !t.inK | (iy < 0) | (iy >= i32(p.H)) | (ix < 0) | (ix >= i32(p.W))) { return -1; }
  return i32(((px.row0 + u32(iy)) * p.W + u32(ix)) * p.xStride + p.xOffset + t.ci);
}

/** One invocation's share of a K step, held in registers between its loads and its stores. */
struct Staged { a0: vec4<f32>, a1: vec4<f32>, b0: vec4<f32>, b1: vec4<f32> }

/**
 * Loads k0 + 4·sq … + 3 of pixels px0 and px1, and weight rows k0 + br and k0 + br + 8 at column
 * quad c4 (0 where c4 is past OC4 / 4).
 */
fn fetch(k0: u32, kEnd: u32, px0: Pixel, px1: Pixel, sq: u32, br: u32, c4: u32) -> Staged {
  var s: Staged;
  let k = k0 + 4u * sq;
  if (VEC_X) {
    // C % 4 == 0: the 4 k share one tap, and kEnd (K, or a multiple of 16) ends no vec4 midway.
    let t = tapOf(k, kEnd);
    let i0 = inputIndex(px0, t);
    let i1 = inputIndex(px1, t);
    if (POOL != 0u) {
      // A pooled conv is 1×1 with stride 1 and no padding: the tap's pixel is the output pixel.
      if (i0 >= 0) { s.a0 = poolOver(u32(i0), poolWindow(px0.iy, px0.ix), true); }
      if (i1 >= 0) { s.a1 = poolOver(u32(i1), poolWindow(px1.iy, px1.ix), true); }
    } else {
      if (i0 >= 0) { s.a0 = prologue4(x4[u32(i0) / 4u], t.ci); }
      if (i1 >= 0) { s.a1 = prologue4(x4[u32(i1) / 4u], t.ci); }
    }
  } else {
    for (var j = 0u; j < 4u; j++) {
      let t = tapOf(k + j, kEnd);
      let i0 = inputIndex(px0, t);
      let i1 = inputIndex(px1, t);
      if (i0 >= 0) { s.a0[j] = input1(u32(i0), t.ci, px0.iy, px0.ix); }
      if (i1 >= 0) { s.a1[j] = input1(u32(i1), t.ci, px1.iy, px1.ix); }
    }
  }
  let OCq = p.OC4 / 4u;
  if (c4 < OCq) {
    if (k0 + br < kEnd) { s.b0 = w[(k0 + br) * OCq + c4]; }
    if (k0 + br + 8u < kEnd) { s.b1 = w[(k0 + br + 8u) * OCq + c4]; }
  }
  return s;
}

/** Stores a fetch into buffer `buf`: pixel vec4s at li and li + 128 of As, weight rows likewise in Bs. */
fn put(s: Staged, buf: u32, li: u32) {
  As[buf + li] = s.a0;
  As[buf + li + 128u] = s.a1;
  Bs[buf + li] = s.b0;
  Bs[buf + li + 128u] = s.b1;
}

@compute @workgroup_size(128)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) li: u32) {
  let t = gemmTile(wid, nwg, TM, TN);
  if (!t.valid) { return; }
  // Staging role, the same at every K step: pixels sp and sp + 32 of the tile at k-quad sq (so As[li]
  // and As[li + 128]), weight rows br and br + 8 at column quad bc (Bs[li], Bs[li + 128]).
  let sp = li / 4u;
  let sq = li % 4u;
  let px0 = pixelOf(t.m0 + sp, t.M);
  let px1 = pixelOf(t.m0 + sp + 32u, t.M);
  let br = li / 16u;
  let c4 = t.n0 / 4u + li % 16u;
  // Compute role: pixels t.m0 + 8·ty … + 7 (As rows) by channels t.n0 + 4·tx … + 3 (a Bs column quad).
  let tx = li % 16u;
  let ty = li / 16u;

  var acc0 = vec4<f32>(0.0);
  var acc1 = vec4<f32>(0.0);
  var acc2 = vec4<f32>(0.0);
  var acc3 = vec4<f32>(0.0);
  var acc4 = vec4<f32>(0.0);
  var acc5 = vec4<f32>(0.0);
  var acc6 = vec4<f32>(0.0);
  var acc7 = vec4<f32>(0.0);
  put(fetch(t.kBegin, t.kEnd, px0, px1, sq, br, c4), 0u, li);
  workgroupBarrier();
  let steps = (t.kEnd - t.kBegin + TK - 1u) / TK;
  for (var s = 0u; s < steps; s++) {
    let cur = (s % 2u) * BUF;
    let more = s + 1u < steps;
    // The next step's global loads go out before this step's arithmetic, which hides their latency.
    var next: Staged;
    if (more) { next = fetch(t.kBegin + (s + 1u) * TK, t.kEnd, px0, px1, sq, br, c4); }
    for (var q = 0u; q < TK / 4u; q++) {
      // Columns k = 4q … 4q + 3 of the 4 channels: acc += wq · (a pixel's 4 k).
      let b = cur + q * 64u + tx;
      let wq = mat4x4<f32>(Bs[b], Bs[b + 16u], Bs[b + 32u], Bs[b + 48u]);
      let a = cur + ty * 32u + q;
      acc0 += wq * As[a];
      acc1 += wq * As[a + 4u];
      acc2 += wq * As[a + 8u];
      acc3 += wq * As[a + 12u];
      acc4 += wq * As[a + 16u];
      acc5 += wq * As[a + 20u];
      acc6 += wq * As[a + 24u];
      acc7 += wq * As[a + 28u];
    }
    // The other buffer was last read in step s - 1, before the barrier that ended it.
    if (more) { put(next, BUF - cur, li); }
    workgroupBarrier();
  }
  let m = t.m0 + ty * 8u;
  let n = t.n0 + tx * 4u;
  storeRow(m, n, acc0, t.M, t.split);
  storeRow(m + 1u, n, acc1, t.M, t.split);
  storeRow(m + 2u, n, acc2, t.M, t.split);
  storeRow(m + 3u, n, acc3, t.M, t.split);
  storeRow(m + 4u, n, acc4, t.M, t.split);
  storeRow(m + 5u, n, acc5, t.M, t.split);
  storeRow(m + 6u, n, acc6, t.M, t.split);
  storeRow(m + 7u, n, acc7, t.M, t.split);
}
