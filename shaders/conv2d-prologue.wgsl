// The conv kernels' input prologue: a per-channel affine and its activation applied to each input
// value as it is loaded, PRE_ACT(x·scale + shift) — DenseNet's BatchNormalization + ReLU before each
// 1×1 conv, ResNetV2's pre-activation, Xception's ReLU before a separable conv (scale 1, shift 0) run
// inside the conv, so the transformed tensor is never written nor read back (src/compile/fusion.ts
// foldInputAffines). Kernels apply it to values inside the image only: the padding stays zero, as it
// is around the affine's own output.
// Or a pool (POOL > 0, fusion.ts foldInputPools): a stride-1 MaxPool2D or AveragePool2D whose output
// has its input's size, read by a 1×1 stride-1 conv (Inception's pool projection), so that the value
// at an input pixel is the pool's window around it. Every kernel's Params has N, H, W, xStride, xOffset.
// inAffine: per group of 4 channels q, [2q] the 4 scales and [2q + 1] the 4 shifts (zeros past C).
override HAS_PROLOGUE: bool = false;
// 0: none; 1: max; 2: average of the window's cells inside the input; 3: average over the whole window
// (count_include_pad: at stride 1 with the output the input's size no window reaches past the pads).
override POOL: u32 = 0u;
override POOL_KH: u32 = 1u;
override POOL_KW: u32 = 1u;
override POOL_PAD_TOP: u32 = 0u;
override POOL_PAD_LEFT: u32 = 0u;

@group(0) @binding(7) var<storage, read> inAffine: array<vec4<f32>>;

/** Channels ci .. ci + 3 (ci a multiple of 4) as loaded, through the prologue. */
fn prologue4(v: vec4<f32>, ci: u32) -> vec4<f32> {
  if (!HAS_PROLOGUE) { return v; }
  let q = ci / 4u;
  let a = v * inAffine[2u * q] + inAffine[2u * q + 1u];
  return vec4<f32>(preAct(a.x), preAct(a.y), preAct(a.z), preAct(a.w));
}

/** Channel c as loaded, through the prologue. */
fn prologue1(v: f32, c: u32) -> f32 {
  if (!HAS_PROLOGUE) { return v; }
  let q = c / 4u;
  return preAct(v * inAffine[2u * q][c % 4u] + inAffine[2u * q + 1u][c % 4u]);
}

/**
 * The pool's window around input pixel (iy, ix), clipped to the input: rows r0 … r1 - 1 and columns
 * c0 … c1 - 1 of the POOL_KH×POOL_KW window, 8 bits each (r0 | r1 << 8 | c0 << 16 | c1 << 24).
 */
fn poolWindow(iy: i32, ix: i32) -> i32 {
  let r0 = clamp(i32(POOL_PAD_TOP) - iy, 0, i32(POOL_KH));
  let r1 = clamp(i32(p.H) + i32(POOL_PAD_TOP) - iy, 0, i32(POOL_KH));
  let c0 = clamp(i32(POOL_PAD_LEFT) - ix, 0, i32(POOL_KW));
  let c1 = clamp(i32(p.W) + i32(POOL_PAD_LEFT) - ix, 0, i32(POOL_KW));
  return r0 | (r1 << 8u) | (c0 << 16u) | (c1 << 24u);
}

/**
 * The pool of the value at x[i] (a channel of an input pixel) over `window` (poolWindow) around that
 * pixel, and with `wide` of the next 3 too: callers mask what lies past the pixel's last channel.
 */
fn poolOver(i: u32, window: i32, wide: bool) -> vec4<f32> {
  let r0 = window & 255; let r1 = (window >> 8u) & 255;
  let c0 = (window >> 16u) & 255; let c1 = (window >> 24u) & 255;
  // The max starts from the pixel's own values (always inside its window), the sum from zero.
  var acc = vec4<f32>(0.0);
  if (POOL == 1u) { acc = xAt(i, wide); }
  for (var r = r0; r < r1; r++) {
    let row = i32(i) + (r - i32(POOL_PAD_TOP)) * i32(p.W * p.xStride);
    for (var c = c0; c < c1; c++) {
      let j = u32(row + (c - i32(POOL_PAD_LEFT)) * i32(p.xStride));
      let v = xAt(j, wide);
      if (POOL == 1u) { acc = max(acc, v); } else { acc += v; }
    }
  }
  if (POOL == 2u) { return acc / f32((r1 - r0) * (c1 - c0)); }
  if (POOL == 3u) { return acc / f32(POOL_KH * POOL_KW); }
  return acc;
}

/** x[i] and with `wide` the next 3 (else zeros): the window loads of poolOver. */
fn xAt(i: u32, wide: bool) -> vec4<f32> {
  if (wide) { return vec4<f32>(x[i], x[i + 1u], x[i + 2u], x[i + 3u]); }
  return vec4<f32>(x[i], 0.0, 0.0, 0.0);
}

/** poolOver of 4 channels around the pixel x[i] is in, found from i (for a kernel with no pixel coordinates at hand). */
fn pooled4(i: u32) -> vec4<f32> {
  let pixel = (i - p.xOffset) / p.xStride;
  return poolOver(i, poolWindow(i32((pixel / p.W) % p.H), i32(pixel % p.W)), true);
}

/** x[i] … x[i + 3] as loaded (channels ci … ci + 3 of a pixel): pooled, or through the prologue. */
fn input4(i: u32, ci: u32) -> vec4<f32> {
  if (POOL != 0u) { return pooled4(i); }
  return prologue4(vec4<f32>(x[i], x[i + 1u], x[i + 2u], x[i + 3u]), ci);
}

/** x[i] as loaded (channel c of input pixel (iy, ix)): pooled, or through the prologue. */
fn input1(i: u32, c: u32, iy: i32, ix: i32) -> f32 {
  if (POOL != 0u) { return poolOver(i, poolWindow(iy, ix), false).x; }
  return prologue1(x[i], c);
}
