// Pad2D: one invocation per output value; the source row and column by MODE (0 constant, 1 reflect
// without the border, 2 edge). x is read as pixels with a channel stride (a concat slice works).
// Reference: src/ops/pad2d.ts
struct Params {
  N: u32, H: u32, W: u32, C: u32, xStride: u32, xOffset: u32,
  OH: u32, OW: u32, top: u32, left: u32, yOffset: u32, value: f32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<uniform> p: Params;
override WG: u32 = 64u;
override MODE: u32 = 1u;

/** The source index along an axis of n for padded index i (−1: the constant). */
fn source(i: u32, before: u32, n: u32) -> i32 {
  let j = i32(i) - i32(before);
  if ((j >= 0) && (j < i32(n))) { return j; }
  if (MODE == 0u) { return -1; }
  if (MODE == 2u) { return select(i32(n) - 1, 0, j < 0); }
  return select(2 * (i32(n) - 1) - j, -j, j < 0);
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.N * p.OH * p.OW * p.C) { return; }
  let c = i % p.C;
  let ox = (i / p.C) % p.OW;
  let oy = (i / (p.C * p.OW)) % p.OH;
  let n = i / (p.C * p.OW * p.OH);
  let iy = source(oy, p.top, p.H);
  let ix = source(ox, p.left, p.W);
  var v = p.value;
  if ((iy >= 0) && (ix >= 0)) { v = x[((n * p.H + u32(iy)) * p.W + u32(ix)) * p.xStride + p.xOffset + c]; }
  y[p.yOffset + i] = v;
}
