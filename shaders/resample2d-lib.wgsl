// What the image augmentation kernels share (resample2d.wgsl, train/resample2d-backward.wgsl): their
// params, and each sample's source-coordinate maps, taps and fill — the WGSL twin of
// src/ops/image-sampling.ts (sampleMaps, taps, foldIndex), so the GPU makes the reference's choices.
// Output o of an axis reads coordinate scale·o + offset; RANDOM picks what a sample draws (uses the
// train-state prelude's sampleUniform and sampleIndex): 0 nothing (the fixed map), 1 a flip (FLIP_Y,
// FLIP_X: scale −1, offset size − 1 when the draw is ≤ ½), 2 a shift of (low + u·(high − low))·size, 3 a
// window offset in 0 … count − 1. Taps: nearest (rounded half away from zero) or BILINEAR (floor and
// floor + 1), folded into the window [lo, lo + len) by FILL (0 reflect, 1 wrap, 2 constant, 3 nearest).
struct Params {
  N: u32, H: u32, W: u32, C: u32, xStride: u32, xOffset: u32, OH: u32, OW: u32, yStride: u32, yOffset: u32,
  salt: u32, scaleY: f32, offsetY: f32, scaleX: f32, offsetX: f32,
  loY: u32, lenY: u32, loX: u32, lenX: u32,
  lowY: f32, highY: f32, lowX: f32, highX: f32, countY: u32, countX: u32, fillValue: f32,
}

override RANDOM: u32 = 0u;
override FLIP_Y: bool = false;
override FLIP_X: bool = false;
override BILINEAR: bool = true;
override FILL: u32 = 0u;

/** Sample n's maps (scaleY, offsetY, scaleX, offsetX) under the node's key for this step. */
fn mapsOf(key: u32, n: u32) -> vec4f {
  var m = vec4f(p.scaleY, p.offsetY, p.scaleX, p.offsetX);
  if (RANDOM == 1u && sampleUniform(key, n, 0u) <= 0.5) {
    if (FLIP_Y) { m.x = -1.0; m.y = f32(p.H - 1u); }
    if (FLIP_X) { m.z = -1.0; m.w = f32(p.W - 1u); }
  } else if (RANDOM == 2u) {
    m.y = -(p.lowY + sampleUniform(key, n, 0u) * (p.highY - p.lowY)) * f32(p.H);
    m.w = -(p.lowX + sampleUniform(key, n, 1u) * (p.highX - p.lowX)) * f32(p.W);
  } else if (RANDOM == 3u) {
    m.y = f32(sampleIndex(key, n, 0u, p.countY));
    m.w = f32(sampleIndex(key, n, 1u, p.countX));
  }
  return m;
}

/** Index i folded into [lo, lo + len) by FILL; −1 where the fill value is read. */
fn fold(i: i32, lo: u32, len: u32) -> i32 {
  let n = i32(len);
  let j = i - i32(lo);
  if (j >= 0 && j < n) { return i; }
  if (FILL == 2u) { return -1; }
  if (FILL == 3u) { return i32(lo) + select(n - 1, 0, j < 0); }
  if (FILL == 1u) { return i32(lo) + ((j % n) + n) % n; }
  let m = ((j % (2 * n)) + 2 * n) % (2 * n);
  return i32(lo) + select(2 * n - 1 - m, m, m < n);
}

/** Output o's two taps (index before folding, weight): (i0, w0, i1, w1); nearest gives w1 = 0. */
struct Taps { i0: i32, i1: i32, w0: f32, w1: f32 }

fn tapsOf(o: u32, scale: f32, offset: f32) -> Taps {
  let c = scale * f32(o) + offset;
  if (!BILINEAR) {
    let r = i32(sign(c) * floor(abs(c) + 0.5));
    return Taps(r, r, 1.0, 0.0);
  }
  let f0 = floor(c);
  let f = c - f0;
  return Taps(i32(f0), i32(f0) + 1, 1.0 - f, f);
}
