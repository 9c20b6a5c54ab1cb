// The interface and helpers shared by the direct conv kernels (conv2d-direct.wgsl,
// conv2d-direct-quad.wgsl, conv2d-grouped.wgsl): the same params, bindings, input gathering and
// fused store. CG, OCG: channels and filters per group (C and OC when groups = 1).
struct Params {
  N: u32, H: u32, W: u32, C: u32, xStride: u32, xOffset: u32,
  OH: u32, OW: u32, OC: u32, yStride: u32, yOffset: u32, rStride: u32, rOffset: u32,
  KH: u32, KW: u32, SH: u32, SW: u32, DH: u32, DW: u32, padTop: u32, padLeft: u32,
  C4: u32, ocBlocks: u32, CG: u32, OCG: u32,
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
  if (VEC_X) { return x4[i / 4u]; }
  let v = vec4<f32>(x[i], x[i + 1u], x[i + 2u], x[i + 3u]);
  return select(vec4<f32>(0.0), v, vec4<u32>(ci, ci + 1u, ci + 2u, ci + 3u) < vec4<u32>(p.C));
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
