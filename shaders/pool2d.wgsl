// max / average pooling: one invocation per output value. Explicit, asymmetric or 'same' padding
// (resolved into padTop/padLeft and the padded extent), ceil mode (a larger OH/OW), and both average
// divisors: real cells only (Keras) or every cell inside the padded input (ONNX count_include_pad).
// VEC4 (C, strides and offsets divisible by 4): 4 channels per invocation with vec4 loads, a quarter
// of the loads; y is written only through y4 (WebGPU forbids two writable bindings of one buffer).
// Reference: src/ops/max-pool2d.ts, src/ops/average-pool2d.ts
struct Params {
  N: u32, H: u32, W: u32, C: u32, xStride: u32, xOffset: u32,
  OH: u32, OW: u32, yStride: u32, yOffset: u32,
  KH: u32, KW: u32, SH: u32, SW: u32, padTop: u32, padLeft: u32, paddedH: u32, paddedW: u32,
}

@group(0) @binding(0) var<storage, read> x: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read_write> y: array<vec4<f32>>;
@group(0) @binding(2) var<uniform> p: Params;
override WG: u32 = 64u;
override IS_MAX: bool = true;
override COUNT_INCLUDE_PAD: bool = false;
override VEC4: bool = false;
// A ZeroPadding2D folded in (src/compile/lower.ts): padded cells are zeros, so a max over a window
// that reaches them is at least 0 (an average counts them: COUNT_INCLUDE_PAD).
override ZERO_PAD: bool = false;

/** Channels c..c+3 of flat index i (one channel, in .x, when not VEC4). */
fn load(i: u32) -> vec4<f32> {
  if (VEC4) { return x[i / 4u]; }
  return vec4<f32>(x[i / 4u][i % 4u]);
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  let lanes = select(1u, 4u, VEC4);                 // channels per invocation
  let CL = p.C / lanes;
  if (i >= p.N * p.OH * p.OW * CL) { return; }
  let c = (i % CL) * lanes;
  let pixel = i / CL;
  let ox = pixel % p.OW;
  let oy = (pixel / p.OW) % p.OH;
  let n = pixel / (p.OW * p.OH);
  let y0 = i32(oy * p.SH) - i32(p.padTop);
  let x0 = i32(ox * p.SW) - i32(p.padLeft);
  var best = vec4<f32>(-3.4e38);
  var sum = vec4<f32>(0.0);
  var real = 0u;
  for (var ky = 0u; ky < p.KH; ky++) {
    let iy = y0 + i32(ky);
    if ((iy < 0) | (iy >= i32(p.H))) { continue; }
    for (var kx = 0u; kx < p.KW; kx++) {
      let ix = x0 + i32(kx);
      if ((ix < 0) | (ix >= i32(p.W))) { continue; }
      let v = load(((n * p.H + u32(iy)) * p.W + u32(ix)) * p.xStride + p.xOffset + c);
      best = max(best, v);
      sum += v;
      real++;
    }
  }
  // The window clipped to the padded input.
  let h = min(y0 + i32(p.KH), i32(p.paddedH) - i32(p.padTop)) - y0;
  let w = min(x0 + i32(p.KW), i32(p.paddedW) - i32(p.padLeft)) - x0;
  let inPadded = u32(max(h, 0) * max(w, 0));
  var out = best;
  if (ZERO_PAD & (real < inPadded)) { out = max(out, vec4<f32>(0.0)); }
  if (!IS_MAX) { out = sum / f32(max(select(real, inPadded, COUNT_INCLUDE_PAD), 1u)); }
  let at = pixel * p.yStride + p.yOffset + c;
  if (VEC4) { y[at / 4u] = out; } else { y[at / 4u][at % 4u] = out.x; }
}
