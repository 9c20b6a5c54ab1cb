// uses: pool2d-backward-lib
// max / average pooling backward for windows that do not overlap (strides ≥ pool size, dilation 1,
// no padding before): one invocation per stride block (SH×SW input cells, per channel) writes every
// cell of its block, so no input value searches for the windows that hold it (pool2d-backward.wgsl's
// general way costs a window scan and several integer divisions per input value). The block's
// window is its first KH×KW cells; the rest of the block, and blocks past the last window (rows and
// columns the forward pass dropped), get no gradient. MAX: the window's gradient goes to its first
// largest value (scan order ky, kx over the real cells; strictly greater replaces), as
// pool2d-backward.wgsl. AVERAGE: dy / the window's divisor (real cells, or COUNT_INCLUDE_PAD: the
// cells inside the end-padded input, ceil mode's partial windows).
// Reference: src/ops/max-pool2d.ts, src/ops/average-pool2d.ts backward
struct Params {
  N: u32, H: u32, W: u32, C: u32, xStride: u32, xOffset: u32, OH: u32, OW: u32,
  KH: u32, KW: u32, SH: u32, SW: u32, BH: u32, BW: u32, paddedH: u32, paddedW: u32,
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.N * p.BH * p.BW * p.C) { return; }
  let c = i % p.C;
  let block = i / p.C;
  let bx = block % p.BW;
  let by = (block / p.BW) % p.BH;
  let n = block / (p.BW * p.BH);
  let y0 = by * p.SH;
  let x0 = bx * p.SW;
  let yEnd = min(y0 + p.SH, p.H);
  let xEnd = min(x0 + p.SW, p.W);
  let windowed = (by < p.OH) && (bx < p.OW);
  var g = 0.0;
  if (windowed) { g = dy[((n * p.OH + by) * p.OW + bx) * p.C + c]; }
  // The window's real cells: [y0, wyEnd) × [x0, wxEnd).
  let wyEnd = min(y0 + p.KH, p.H);
  let wxEnd = min(x0 + p.KW, p.W);
  var bestY = p.H;
  var bestX = p.W;
  var share = 0.0;
  if (windowed) {
    if (MODE == MAX) {
      var best = 0.0;
      for (var yy = y0; yy < wyEnd; yy++) {
        for (var xx = x0; xx < wxEnd; xx++) {
          let v = at(n, yy, xx, c);
          if ((bestY == p.H) || (v > best)) { best = v; bestY = yy; bestX = xx; }
        }
      }
    } else {
      let real = (wyEnd - y0) * (wxEnd - x0);
      let padded = (min(y0 + p.KH, p.paddedH) - y0) * (min(x0 + p.KW, p.paddedW) - x0);
      share = g / f32(max(select(real, padded, COUNT_INCLUDE_PAD), 1u));
    }
  }
  for (var yy = y0; yy < yEnd; yy++) {
    for (var xx = x0; xx < xEnd; xx++) {
      var v = 0.0;
      if (MODE == MAX) {
        v = select(0.0, g, (yy == bestY) && (xx == bestX));
      } else {
        v = select(0.0, share, (yy < wyEnd) && (xx < wxEnd));
      }
      let o = ((n * p.H + yy) * p.W + xx) * p.C + c;
      dx[o] = select(v, dx[o] + v, ACCUMULATE);
    }
  }
}
