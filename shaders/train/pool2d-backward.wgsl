// max / average pooling backward: one invocation per input value, summing over the windows that
// contain it. Max: the window's gradient goes to its first largest value (scan order ky, kx; strictly
// greater replaces), recomputed here rather than stored. Average: dy / the window's divisor, as the
// forward pass counts it (real cells, or every cell of the padded input: COUNT_INCLUDE_PAD).
// Reference: src/ops/max-pool2d.ts, src/ops/average-pool2d.ts backward
struct Params {
  N: u32, H: u32, W: u32, C: u32, xStride: u32, xOffset: u32, OH: u32, OW: u32,
  KH: u32, KW: u32, SH: u32, SW: u32, padTop: u32, padLeft: u32, paddedH: u32, paddedW: u32,
}

@group(0) @binding(0) var<storage, read> dy: array<f32>;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> dx: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;
override WG: u32 = 64u;
override IS_MAX: bool = true;
override COUNT_INCLUDE_PAD: bool = false;
override ACCUMULATE: bool = false;

fn at(n: u32, iy: u32, ix: u32, c: u32) -> f32 { return x[((n * p.H + iy) * p.W + ix) * p.xStride + p.xOffset + c]; }

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.N * p.H * p.W * p.C) { return; }
  let c = i % p.C;
  let pixel = i / p.C;
  let ix = pixel % p.W;
  let iy = (pixel / p.W) % p.H;
  let n = pixel / (p.W * p.H);
  // Windows oy with oy·SH − padTop ≤ iy < oy·SH − padTop + KH.
  let oyLast = min((iy + p.padTop) / p.SH, p.OH - 1u);
  let oxLast = min((ix + p.padLeft) / p.SW, p.OW - 1u);
  let oyFirst = u32(max(i32(iy + p.padTop) - i32(p.KH) + i32(p.SH), 0)) / p.SH;
  let oxFirst = u32(max(i32(ix + p.padLeft) - i32(p.KW) + i32(p.SW), 0)) / p.SW;
  var acc = 0.0;
  for (var oy = oyFirst; oy <= oyLast; oy++) {
    for (var ox = oxFirst; ox <= oxLast; ox++) {
      let y0 = i32(oy * p.SH) - i32(p.padTop);
      let x0 = i32(ox * p.SW) - i32(p.padLeft);
      if ((i32(iy) < y0) || (i32(iy) >= y0 + i32(p.KH)) || (i32(ix) < x0) || (i32(ix) >= x0 + i32(p.KW))) { continue; }
      let g = dy[((n * p.OH + oy) * p.OW + ox) * p.C + c];
      if (IS_MAX) {
        var best = -3.4e38;
        var bestY = 0u;
        var bestX = 0u;
        for (var ky = max(y0, 0); ky < min(y0 + i32(p.KH), i32(p.H)); ky++) {
          for (var kx = max(x0, 0); kx < min(x0 + i32(p.KW), i32(p.W)); kx++) {
            let v = at(n, u32(ky), u32(kx), c);
            if (v > best) { best = v; bestY = u32(ky); bestX = u32(kx); }
          }
        }
        if ((bestY == iy) && (bestX == ix)) { acc += g; }
      } else {
        let real = (min(y0 + i32(p.KH), i32(p.H)) - max(y0, 0)) * (min(x0 + i32(p.KW), i32(p.W)) - max(x0, 0));
        let h = min(y0 + i32(p.KH), i32(p.paddedH) - i32(p.padTop)) - y0;
        let w = min(x0 + i32(p.KW), i32(p.paddedW) - i32(p.padLeft)) - x0;
        let count = select(real, max(h, 0) * max(w, 0), COUNT_INCLUDE_PAD);
        acc += g / f32(max(count, 1));
      }
    }
  }
  dx[i] = select(acc, dx[i] + acc, ACCUMULATE);
}
