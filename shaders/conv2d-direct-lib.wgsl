// The interface and helpers shared by the direct conv kernels (conv2d-direct.wgsl,
// conv2d-direct-quad.wgsl, conv2d-direct-quad16.wgsl, conv2d-grouped.wgsl): the same params,
// bindings, input gathering and fused stores.
// CG, OCG: channels and filters per group (C and OC when groups = 1).
struct Params {
  N: u32, H: u32, W: u32, C: u32, xStride: u32, xOffset: u32,
  OH: u32, OW: u32, OC: u32, yStride: u32, yOffset: u32, rStride: u32, rOffset: u32,
  KH: u32, KW: u32, SH: u32, SW: u32, DH: u32, DW: u32, padTop: u32, padLeft: u32,
  C4: u32, ocBlocks: u32, CG: u32, OCG: u32,
  // conv2d-direct-quad16's activation when ACT < 2 (linear or the ReLU family, activation.wgsl's code
  // 1) comes from here, not from overrides: one pipeline serves them all.
  actSlope: f32, actThreshold: f32, actMax: f32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> w: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read> residual: array<f32>;
@group(0) @binding(4) var<storage, read_write> y: array<f32>;
@group(0) @binding(5) var<storage, read> x4: array<vec4<f32>>;   // x again, 4 channels per load
@group(0) @binding(6) var<uniform> p: Params;
// Channels come 4 to a load when C, the channel stride and the offset all divide by 4.
override VEC_X: bool = false;

/** Flat index of channel 0 of the input under output pixel m and tap (ky, kx); -1 in the padding. */
fn inputBase(m: u32, ky: u32, kx: u32) -> i32 {
  if (m >= p.N * p.OH * p.OW) { return -1; }
  let ox = m % p.OW;
  let oy = (m / p.OW) % p.OH;
  let n = m / (p.OW * p.OH);
  let iy = i32(oy * p.SH + ky * p.DH) - i32(p.padTop);
  let ix = i32(ox * p.SW + kx * p.DW) - i32(p.padLeft);
  if ((iy < 0) | (iy >= i32(p.H)) | (ix < 0) | (ix >= i32(p.W))) { return -1; }
  return i32(((n * p.H + u32(iy)) * p.W + u32(ix)) * p.xStride + p.xOffset);
}

/** Input channels ci..ci+3 from `base`; zeros in the padding and past the last channel. */
fn load4(base: i32, ci: u32) -> vec4<f32> {
  if (base < 0) { return vec4<f32>(0.0); }
  let i = u32(base) + ci;
  if (VEC_X && POOL == 0u) { return prologue4(x4[i / 4u], ci); }
  return select(vec4<f32>(0.0), input4(i, ci), vec4<u32>(ci, ci + 1u, ci + 2u, ci + 3u) < vec4<u32>(p.C));
}


fn store(m: u32, oc0: u32, lo: vec4<f32>, hi: vec4<f32>) {
  if (m >= p.N * p.OH * p.OW) { return; }
  let v = array<f32, 8>(lo.x, lo.y, lo.z, lo.w, hi.x, hi.y, hi.z, hi.w);
  for (var j = 0u; j < 8u; j++) {
    let oc = oc0 + j;
    if (oc < p.OC) { y[m * p.yStride + p.yOffset + oc] = epilogue(v[j], oc, m * p.rStride + p.rOffset + oc); }
  }
}

/** The fused store of 4 output channels of pixel m. */
fn store4(m: u32, oc0: u32, v: vec4<f32>) {
  if (m >= p.N * p.OH * p.OW) { return; }
  for (var j = 0u; j < 4u; j++) {
    let oc = oc0 + j;
    if (oc < p.OC) { y[m * p.yStride + p.yOffset + oc] = epilogue(v[j], oc, m * p.rStride + p.rOffset + oc); }
  }
}

// ── conv2d-direct-quad16's helpers: per-pixel origins, branch-free tap loads, a lean store ──

// ROW: the taps of a window row are one contiguous run of KW·C floats (pixels contiguous, DW = 1),
// read as KW·C "channels" of one tap — for small C (an RGB stem: 7 taps × 3 channels → 6 steps of 4,
// not 49 steps of 4 with one channel of padding each). Weights packed as [KH][1][KW·C] (the same order).
override ROW: bool = false;

/**
 * Output pixel m's window origin, computed once per pixel rather than per tap: (first input row,
 * first input column, n·H); a pixel past the end gets a row no tap can reach, so all its loads are padding.
 */
fn pixelOrigin(m: u32) -> vec3<i32> {
  let ox = m % p.OW;
  let oy = (m / p.OW) % p.OH;
  let n = m / (p.OW * p.OH);
  let iy = select(-0x40000000, i32(oy * p.SH) - i32(p.padTop), m < p.N * p.OH * p.OW);
  return vec3<i32>(iy, i32(ox * p.SW) - i32(p.padLeft), i32(n * p.H));
}

/**
 * Tap (ky, kx) of origin `o`: (flat index of its channel 0, lo, hi); channel e of the tap is read
 * iff lo ≤ e < hi, which folds padding and the channel count into two compares. ROW: the whole
 * window row, whose columns left or right of the image fall outside [lo, hi).
 */
fn tapIndex(o: vec3<i32>, ky: u32, kx: u32) -> vec3<i32> {
  let iy = o.x + i32(ky * p.DH);
  let ix = o.y + i32(kx * p.DW);
  let rowInside = (iy >= 0) & (iy < i32(p.H));
  let index = (((o.z + iy) * i32(p.W) + ix) * i32(p.xStride)) + i32(p.xOffset);
  if (ROW) {
    let C = i32(p.C);
    let lo = clamp(-ix, 0, i32(p.KW)) * C;
    let hi = clamp(i32(p.W) - ix, 0, i32(p.KW)) * C;
    return vec3<i32>(index, lo, select(0, hi, rowInside));
  }
  let hi = select(0, i32(p.C), rowInside & (ix >= 0) & (ix < i32(p.W)));
  // A pooled conv (1×1, stride 1) has no padding: lo is 0, and its place holds the pool's window.
  if (POOL != 0u) { return vec3<i32>(index, poolWindow(iy, ix), hi); }
  return vec3<i32>(index, 0, hi);
}

/** Channels ci..ci+3 of tap t (tapIndex); zeros outside [lo, hi), without a branch. */
fn tapLoad(t: vec3<i32>, ci: u32) -> vec4<f32> {
  let e = vec4<i32>(i32(ci)) + vec4<i32>(0, 1, 2, 3);
  // The prologue never meets ROW: chooseConvKernel turns ROW off for a conv with one.
  if (POOL != 0u) { return select(vec4<f32>(0.0), poolOver(u32(max(t.x, 0)) + ci, t.y, true), e < vec4<i32>(t.z)); }
  if (VEC_X) { return select(vec4<f32>(0.0), prologue4(x4[u32(max(t.x, 0)) / 4u + ci / 4u], ci), i32(ci) < t.z); }
  let i = vec4<u32>(max(vec4<i32>(t.x) + e, vec4<i32>(0)));
  return select(vec4<f32>(0.0), prologue4(vec4<f32>(x[i.x], x[i.y], x[i.z], x[i.w]), ci), (e >= vec4<i32>(t.y)) & (e < vec4<i32>(t.z)));
}

/** Bias of output channels oc .. oc + 3, zeros without one: added to the accumulators once per invocation. */
fn bias4(oc: u32) -> vec4<f32> {
  // Past OC (a partial or padding block) the loads clamp to the buffer and the values are never stored.
  if (HAS_BIAS) { return vec4<f32>(bias[oc], bias[oc + 1u], bias[oc + 2u], bias[oc + 3u]); }
  return vec4<f32>(0.0);
}

/** act, the residual, postAct: epilogue() after its bias; linear and the ReLU family from the params. */
fn finish(v: f32, r: u32) -> f32 {
  var a = select(p.actSlope * (v - p.actThreshold), min(v, p.actMax), v >= p.actThreshold);
  if (ACT > 1u) { a = act(v); }
  if (HAS_RESIDUAL) { a += residual[r]; }
  return postAct(a);
}

/** Stores output channels oc0 .. oc0 + 7 of pixel m (those below OC), bias included in lo/hi. */
fn store8(m: u32, oc0: u32, lo: vec4<f32>, hi: vec4<f32>) {
  if ((m >= p.N * p.OH * p.OW) | (oc0 >= p.OC)) { return; }
  let i = m * p.yStride + p.yOffset + oc0;
  let r = m * p.rStride + p.rOffset + oc0;
  if (oc0 + 8u <= p.OC) {
    y[i] = finish(lo.x, r); y[i + 1u] = finish(lo.y, r + 1u); y[i + 2u] = finish(lo.z, r + 2u); y[i + 3u] = finish(lo.w, r + 3u);
    y[i + 4u] = finish(hi.x, r + 4u); y[i + 5u] = finish(hi.y, r + 5u); y[i + 6u] = finish(hi.z, r + 6u); y[i + 7u] = finish(hi.w, r + 7u);
    return;
  }
  let v = array<f32, 8>(lo.x, lo.y, lo.z, lo.w, hi.x, hi.y, hi.z, hi.w);
  for (var j = 0u; j < p.OC - oc0; j++) { y[i + j] = finish(v[j], r + j); }
}
