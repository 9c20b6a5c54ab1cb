// uses: pool2d-backward-lib
// max / average pooling backward: one invocation per input value, summing over the windows that
// contain it (each window (oy, ox) whose cell (ky, kx) it is: oy·SH − padTop + ky·DH = iy). MAX: the
// window's gradient goes to its first largest value (scan order ky, kx over the real cells; strictly
// greater replaces), recomputed here rather than stored; dilation DH, DW (MaxPoolWithArgmax2D).
// AVERAGE: dy / the window's divisor, as the forward pass counts it (real cells, or every cell of the
// padded input: COUNT_INCLUDE_PAD). NONE: no gradient (MaxPoolWithArgmax2D's indices are integers),
// dx written as 0 so that it exists.
// Reference: src/ops/max-pool2d.ts, src/ops/average-pool2d.ts, src/ops/max-pool-with-argmax2d.ts backward
struct Params {
  N: u32, H: u32, W: u32, C: u32, xStride: u32, xOffset: u32, OH: u32, OW: u32,
  KH: u32, KW: u32, SH: u32, SW: u32, DH: u32, DW: u32, padTop: u32, padLeft: u32, paddedH: u32, paddedW: u32,
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.N * p.H * p.W * p.C) { return; }
  let c = i % p.C;
  let pixel = i / p.C;
  let ix = pixel % p.W;
  let iy = (pixel / p.W) % p.H;
  let n = pixel / (p.W * p.H);
  var acc = 0.0;
  for (var ky = 0u; ky < p.KH; ky++) {
    let ty = i32(iy + p.padTop) - i32(ky * p.DH);
    if ((MODE > AVERAGE) || (ty < 0) || (u32(ty) % p.SH != 0u)) { continue; }
    let oy = u32(ty) / p.SH;
    if (oy >= p.OH) { continue; }
    for (var kx = 0u; kx < p.KW; kx++) {
      let tx = i32(ix + p.padLeft) - i32(kx * p.DW);
      if ((tx < 0) || (u32(tx) % p.SW != 0u)) { continue; }
      let ox = u32(tx) / p.SW;
      if (ox >= p.OW) { continue; }
      let g = dy[((n * p.OH + oy) * p.OW + ox) * p.C + c];
      let y0 = i32(oy * p.SH) - i32(p.padTop);
      let x0 = i32(ox * p.SW) - i32(p.padLeft);
      if (MODE == MAX) {
        var found = false;
        var best = 0.0;
        var bestY = 0;
        var bestX = 0;
        for (var wy = 0u; wy < p.KH; wy++) {
          let yy = y0 + i32(wy * p.DH);
          if ((yy < 0) || (yy >= i32(p.H))) { continue; }
          for (var wx = 0u; wx < p.KW; wx++) {
            let xx = x0 + i32(wx * p.DW);
            if ((xx < 0) || (xx >= i32(p.W))) { continue; }
            let v = at(n, u32(yy), u32(xx), c);
            if (!found || (v > best)) { found = true; best = v; bestY = yy; bestX = xx; }
          }
        }
        if ((bestY == i32(iy)) && (bestX == i32(ix))) { acc += g; }
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
