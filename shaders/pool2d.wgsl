// max / average pooling: one invocation per ROWS outputs down a column (of one channel, or of 4 with
// VEC4): each input row a window takes is loaded and reduced over the window's columns once, then
// given to every output whose window holds it (a 3×3 stride-1 pool loads 18 values for 4 outputs, not
// 36; loads are what a pool costs). Explicit, asymmetric or 'same' padding
// (resolved into padTop/padLeft and the padded extent), ceil mode (a larger OH/OW), and both average
// divisors: real cells only (Keras) or every cell inside the padded input (ONNX count_include_pad).
// VEC4 (C, strides and offsets divisible by 4): 4 channels per invocation with vec4 loads and stores, a
// quarter of the loads. x and y are bound as vec4 arrays either way; without VEC4 one component is
// read or written (WebGPU forbids two writable bindings of one buffer, so y has one view).
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

const ROWS = 4u;

/** Output (n, oy, ox) of channels c..: its window's real cells counted for the divisor, then stored. */
fn finish(n: u32, oy: u32, ox: u32, c: u32, best: vec4<f32>, sum: vec4<f32>) {
  let y0 = i32(oy * p.SH) - i32(p.padTop);
  let x0 = i32(ox * p.SW) - i32(p.padLeft);
  let rows = clamp(i32(p.H) - y0, 0, i32(p.KH)) - max(-y0, 0);
  let cols = clamp(i32(p.W) - x0, 0, i32(p.KW)) - max(-x0, 0);
  let real = u32(max(rows, 0) * max(cols, 0));
  // The window clipped to the padded input.
  let h = min(y0 + i32(p.KH), i32(p.paddedH) - i32(p.padTop)) - y0;
  let w = min(x0 + i32(p.KW), i32(p.paddedW) - i32(p.padLeft)) - x0;
  let inPadded = u32(max(h, 0) * max(w, 0));
  var out = best;
  if (ZERO_PAD & (real < inPadded)) { out = max(out, vec4<f32>(0.0)); }
  if (!IS_MAX) { out = sum / f32(max(select(real, inPadded, COUNT_INCLUDE_PAD), 1u)); }
  let at = ((n * p.OH + oy) * p.OW + ox) * p.yStride + p.yOffset + c;
  if (VEC4) { y[at / 4u] = out; } else { y[at / 4u][at % 4u] = out.x; }
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  let lanes = select(1u, 4u, VEC4);                 // channels per invocation
  let CL = p.C / lanes;
  let blocks = (p.OH + ROWS - 1u) / ROWS;
  if (i >= p.N * blocks * p.OW * CL) { return; }
  let c = (i % CL) * lanes;
  let column = i / CL;
  let ox = column % p.OW;
  let oy0 = ((column / p.OW) % blocks) * ROWS;
  let n = column / (p.OW * blocks);
  // The first output's window starts at input row y0; output t's at y0 + t·SH. Its columns, inside
  // the input, are the same for all of them.
  let y0 = i32(oy0 * p.SH) - i32(p.padTop);
  let x0 = i32(ox * p.SW) - i32(p.padLeft);
  let kx0 = u32(max(-x0, 0));
  let kx1 = u32(clamp(i32(p.W) - x0, 0, i32(p.KW)));
  let rowStride = p.W * p.xStride;
  let corner = i32(n * p.H * rowStride + p.xOffset + c) + x0 * i32(p.xStride);
  let outputs = min(ROWS, p.OH - oy0);
  var best0 = vec4<f32>(-3.4e38); var best1 = best0; var best2 = best0; var best3 = best0;
  var sum0 = vec4<f32>(0.0); var sum1 = sum0; var sum2 = sum0; var sum3 = sum0;
  let span = (outputs - 1u) * p.SH + p.KH;
  for (var j = 0u; j < span; j++) {
    let iy = y0 + i32(j);
    // Rows outside the input, and rows between windows (a stride above the pool's height), add nothing.
    if ((iy < 0) | (iy >= i32(p.H)) | (j % p.SH >= p.KH)) { continue; }
    let row = u32(corner + iy * i32(rowStride));
    var rowBest = vec4<f32>(-3.4e38);
    var rowSum = vec4<f32>(0.0);
    for (var kx = kx0; kx < kx1; kx++) {
      let v = load(row + kx * p.xStride);
      rowBest = max(rowBest, v);
      rowSum += v;
    }
    // Output t's window holds rows t·SH … t·SH + KH − 1.
    if (j < p.KH) { best0 = max(best0, rowBest); sum0 += rowSum; }
    if ((j >= p.SH) & (j - p.SH < p.KH)) { best1 = max(best1, rowBest); sum1 += rowSum; }
    if ((j >= 2u * p.SH) & (j - 2u * p.SH < p.KH)) { best2 = max(best2, rowBest); sum2 += rowSum; }
    if ((j >= 3u * p.SH) & (j - 3u * p.SH < p.KH)) { best3 = max(best3, rowBest); sum3 += rowSum; }
  }
  finish(n, oy0, ox, c, best0, sum0);
  if (outputs > 1u) { finish(n, oy0 + 1u, ox, c, best1, sum1); }
  if (outputs > 2u) { finish(n, oy0 + 2u, ox, c, best2, sum2); }
  if (outputs > 3u) { finish(n, oy0 + 3u, ox, c, best3, sum3); }
}
