// max / average pooling backward: each input value sums over the windows that contain it. Max: the
// window's gradient goes to its first largest value (scan order ky, kx; strictly greater replaces),
// recomputed here rather than stored. Average: dy / the window's divisor, as the forward pass counts
// it (real cells, or every cell of the padded input: COUNT_INCLUDE_PAD).
// Each invocation computes 4 consecutive values of dx and stores them as one vec4 (dx is contiguous,
// from its buffer's start; past the last value the stores keep what is there). VEC (C, x's channel
// stride and offset divide by 4): the 4 values are channels c .. c+3 of one pixel, and every window
// is scanned once for them with vec4 loads; otherwise each of the 4 is computed on its own.
// WINDOWS (VEC, and windows that do not overlap: strides ≥ pool size, 2×2/2 as most CNNs pool): each
// invocation is one window's 4 channels instead — one scan, then every cell of it written (a cell no
// window covers is zeroed before, by the step's clear).
// Reference: src/ops/max-pool2d.ts, src/ops/average-pool2d.ts backward
struct Params {
  N: u32, H: u32, W: u32, C: u32, xStride: u32, xOffset: u32, OH: u32, OW: u32,
  KH: u32, KW: u32, SH: u32, SW: u32, padTop: u32, padLeft: u32, paddedH: u32, paddedW: u32,
}

@group(0) @binding(0) var<storage, read> dy: array<f32>;
@group(0) @binding(1) var<storage, read> dy4: array<vec4<f32>>;   // dy again, 4 channels per load
@group(0) @binding(2) var<storage, read> x: array<f32>;
@group(0) @binding(3) var<storage, read> x4: array<vec4<f32>>;    // x again, 4 channels per load
@group(0) @binding(4) var<storage, read_write> dx: array<vec4<f32>>;
@group(0) @binding(5) var<uniform> p: Params;
override WG: u32 = 64u;
override IS_MAX: bool = true;
override COUNT_INCLUDE_PAD: bool = false;
override ACCUMULATE: bool = false;
override VEC: bool = false;
override WINDOWS: bool = false;

fn at(n: u32, iy: i32, ix: i32, c: u32) -> f32 { return x[((n * p.H + u32(iy)) * p.W + u32(ix)) * p.xStride + p.xOffset + c]; }
fn at4(n: u32, iy: i32, ix: i32, c: u32) -> vec4<f32> { return x4[(((n * p.H + u32(iy)) * p.W + u32(ix)) * p.xStride + p.xOffset + c) / 4u]; }

/** The windows (oy, ox) with oy·SH − padTop ≤ iy < oy·SH − padTop + KH: first and last row, first and last column. */
fn windowsOf(iy: u32, ix: u32) -> vec4<u32> {
  let oyLast = min((iy + p.padTop) / p.SH, p.OH - 1u);
  let oxLast = min((ix + p.padLeft) / p.SW, p.OW - 1u);
  let oyFirst = u32(max(i32(iy + p.padTop) - i32(p.KH) + i32(p.SH), 0)) / p.SH;
  let oxFirst = u32(max(i32(ix + p.padLeft) - i32(p.KW) + i32(p.SW), 0)) / p.SW;
  return vec4<u32>(oyFirst, oyLast, oxFirst, oxLast);
}

/** Window (y0, x0)'s average divisor. */
fn divisor(y0: i32, x0: i32) -> f32 {
  let real = (min(y0 + i32(p.KH), i32(p.H)) - max(y0, 0)) * (min(x0 + i32(p.KW), i32(p.W)) - max(x0, 0));
  let h = min(y0 + i32(p.KH), i32(p.paddedH) - i32(p.padTop)) - y0;
  let w = min(x0 + i32(p.KW), i32(p.paddedW) - i32(p.padLeft)) - x0;
  return f32(max(select(real, max(h, 0) * max(w, 0), COUNT_INCLUDE_PAD), 1));
}

/** dx at flat index i (the spec: one value). */
fn gradient(i: u32) -> f32 {
  if (i >= p.N * p.H * p.W * p.C) { return 0.0; }
  let c = i % p.C;
  let pixel = i / p.C;
  let ix = pixel % p.W;
  let iy = (pixel / p.W) % p.H;
  let n = pixel / (p.W * p.H);
  let win = windowsOf(iy, ix);
  var acc = 0.0;
  for (var oy = win.x; oy <= win.y; oy++) {
    for (var ox = win.z; ox <= win.w; ox++) {
      let y0 = i32(oy * p.SH) - i32(p.padTop);
      let x0 = i32(ox * p.SW) - i32(p.padLeft);
      let g = dy[((n * p.OH + oy) * p.OW + ox) * p.C + c];
      if (IS_MAX) {
        var best = -3.4e38;
        var bestY = 0;
        var bestX = 0;
        for (var ky = max(y0, 0); ky < min(y0 + i32(p.KH), i32(p.H)); ky++) {
          for (var kx = max(x0, 0); kx < min(x0 + i32(p.KW), i32(p.W)); kx++) {
            let v = at(n, ky, kx, c);
            if (v > best) { best = v; bestY = ky; bestX = kx; }
          }
        }
        if ((bestY == i32(iy)) && (bestX == i32(ix))) { acc += g; }
      } else {
        acc += g / divisor(y0, x0);
      }
    }
  }
  return acc;
}

/** dx at channels c .. c+3 of the pixel of flat index i (VEC): each window scanned once for all 4. */
fn gradient4(i: u32) -> vec4<f32> {
  let c = i % p.C;
  let pixel = i / p.C;
  let ix = pixel % p.W;
  let iy = (pixel / p.W) % p.H;
  let n = pixel / (p.W * p.H);
  let win = windowsOf(iy, ix);
  var acc = vec4<f32>(0.0);
  for (var oy = win.x; oy <= win.y; oy++) {
    for (var ox = win.z; ox <= win.w; ox++) {
      let y0 = i32(oy * p.SH) - i32(p.padTop);
      let x0 = i32(ox * p.SW) - i32(p.padLeft);
      let g = dy4[(((n * p.OH + oy) * p.OW + ox) * p.C + c) / 4u];
      if (IS_MAX) {
        // The scalar scan, per channel.
        var best = vec4<f32>(-3.4e38);
        var bestY = vec4<i32>(0);
        var bestX = vec4<i32>(0);
        for (var ky = max(y0, 0); ky < min(y0 + i32(p.KH), i32(p.H)); ky++) {
          for (var kx = max(x0, 0); kx < min(x0 + i32(p.KW), i32(p.W)); kx++) {
            let v = at4(n, ky, kx, c);
            let greater = v > best;
            best = select(best, v, greater);
            bestY = select(bestY, vec4<i32>(ky), greater);
            bestX = select(bestX, vec4<i32>(kx), greater);
          }
        }
        let wins = (bestY == vec4<i32>(i32(iy))) & (bestX == vec4<i32>(i32(ix)));
        acc += select(vec4<f32>(0.0), g, wins);
      } else {
        acc += g / divisor(y0, x0);
      }
    }
  }
  return acc;
}

/** WINDOWS: window `win`'s channels c .. c+3 into each of its cells (dx contiguous, C channels). */
fn scatter4(win: u32, c: u32) {
  let ox = win % p.OW;
  let oy = (win / p.OW) % p.OH;
  let n = win / (p.OW * p.OH);
  let y0 = i32(oy * p.SH) - i32(p.padTop);
  let x0 = i32(ox * p.SW) - i32(p.padLeft);
  let g = dy4[(win * p.C + c) / 4u];
  // The same first-max scan as gradient4's, once.
  var best = vec4<f32>(-3.4e38);
  var bestY = vec4<i32>(0);
  var bestX = vec4<i32>(0);
  if (IS_MAX) {
    for (var ky = max(y0, 0); ky < min(y0 + i32(p.KH), i32(p.H)); ky++) {
      for (var kx = max(x0, 0); kx < min(x0 + i32(p.KW), i32(p.W)); kx++) {
        let v = at4(n, ky, kx, c);
        let greater = v > best;
        best = select(best, v, greater);
        bestY = select(bestY, vec4<i32>(ky), greater);
        bestX = select(bestX, vec4<i32>(kx), greater);
      }
    }
  }
  let share = g / select(divisor(y0, x0), 1.0, IS_MAX);
  for (var ky = max(y0, 0); ky < min(y0 + i32(p.KH), i32(p.H)); ky++) {
    for (var kx = max(x0, 0); kx < min(x0 + i32(p.KW), i32(p.W)); kx++) {
      let at = (((n * p.H + u32(ky)) * p.W + u32(kx)) * p.C + c) / 4u;
      var v = share;
      if (IS_MAX) { v = select(vec4<f32>(0.0), g, (bestY == vec4<i32>(ky)) & (bestX == vec4<i32>(kx))); }
      if (ACCUMULATE) { v += dx[at]; }
      dx[at] = v;
    }
  }
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let j = gid.x + gid.y * nwg.x * WG;
  if (WINDOWS) {
    let C4 = p.C / 4u;
    if (j < p.N * p.OH * p.OW * C4) { scatter4(j / C4, (j % C4) * 4u); }
    return;
  }
  let count = p.N * p.H * p.W * p.C;
  if (4u * j >= count) { return; }
  var g: vec4<f32>;
  if (VEC) { g = gradient4(4u * j); }
  else { g = vec4<f32>(gradient(4u * j), gradient(4u * j + 1u), gradient(4u * j + 2u), gradient(4u * j + 3u)); }
  if (ACCUMULATE) { g += dx[j]; }
  else if (4u * j + 4u > count) {
    // The last vec4 reaches past the tensor: keep what is there.
    let e = vec4<u32>(4u * j) + vec4<u32>(0u, 1u, 2u, 3u);
    g = select(dx[j], g, e < vec4<u32>(count));
  }
  dx[j] = g;
}
