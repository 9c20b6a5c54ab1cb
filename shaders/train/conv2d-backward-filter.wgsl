// conv2d backward, weight gradient: one invocation per kernel value, summing over the batch's positions
//   dw[ky, kx, ci, o] = Σ_(n, oy, ox) dy[n, oy, ox, o] · x[n, oy·SH + ky·DH − padTop, ox·SW + kx·DW − padLeft, g·CG + ci]
// Serial sums, no workgroup barriers: SwiftShader runs barriers as fiber switches, ~10× slower here.
// x is a channel view (stride, offset).
// Reference: src/ops/conv2d.ts backward
struct Params {
  N: u32, H: u32, W: u32, C: u32, xStride: u32, xOffset: u32, OH: u32, OW: u32, OC: u32,
  KH: u32, KW: u32, SH: u32, SW: u32, DH: u32, DW: u32, padTop: u32, padLeft: u32, groups: u32,
}

@group(0) @binding(0) var<storage, read> dy: array<f32>;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> dw: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;
override WG: u32 = 64u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let k = gid.x + gid.y * nwg.x * WG;
  let CG = p.C / p.groups;
  let OCG = p.OC / p.groups;
  if (k >= p.KH * p.KW * CG * p.OC) { return; }
  let o = k % p.OC;
  let ci = (k / p.OC) % CG;
  let kx = (k / (p.OC * CG)) % p.KW;
  let ky = k / (p.OC * CG * p.KW);
  let c = (o / OCG) * CG + ci;
  var acc = 0.0;
  for (var n = 0u; n < p.N; n++) {
    for (var oy = 0u; oy < p.OH; oy++) {
      let iy = i32(oy * p.SH + ky * p.DH) - i32(p.padTop);
      if ((iy < 0) || (iy >= i32(p.H))) { continue; }
      for (var ox = 0u; ox < p.OW; ox++) {
        let ix = i32(ox * p.SW + kx * p.DW) - i32(p.padLeft);
        if ((ix < 0) || (ix >= i32(p.W))) { continue; }
        acc += dy[((n * p.OH + oy) * p.OW + ox) * p.OC + o] * x[((n * p.H + u32(iy)) * p.W + u32(ix)) * p.xStride + p.xOffset + c];
      }
    }
  }
  dw[k] = acc;
}
