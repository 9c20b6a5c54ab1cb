// conv2d backward, input gradient (naive: one invocation per input value). With iy = oy·SH + ky·DH − padTop,
//   dx[n, iy, ix, c] = Σ_(ky, kx) Σ_(o in c's group) dy[n, oy, ox, o] · w[ky, kx, c mod CG, o]
// over the output positions whose window reads (iy, ix). Keras kernel layout [KH, KW, C/groups, OC];
// DepthwiseConv2D is the case groups = C (its kernel [KH, KW, C, DM] is the same array), Dense the 1×1.
// ACCUMULATE adds to dx: the input feeds other nodes too and their gradients sum.
// Reference: src/ops/conv2d.ts backward
struct Params {
  N: u32, H: u32, W: u32, C: u32, OH: u32, OW: u32, OC: u32,
  KH: u32, KW: u32, SH: u32, SW: u32, DH: u32, DW: u32, padTop: u32, padLeft: u32, groups: u32,
}

@group(0) @binding(0) var<storage, read> dy: array<f32>;
@group(0) @binding(1) var<storage, read> w: array<f32>;
@group(0) @binding(2) var<storage, read_write> dx: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;
override WG: u32 = 64u;
override ACCUMULATE: bool = false;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.N * p.H * p.W * p.C) { return; }
  let c = i % p.C;
  let pixel = i / p.C;
  let ix = pixel % p.W;
  let iy = (pixel / p.W) % p.H;
  let n = pixel / (p.W * p.H);
  let CG = p.C / p.groups;
  let OCG = p.OC / p.groups;
  let g = c / CG;
  let ci = c % CG;
  var acc = 0.0;
  for (var ky = 0u; ky < p.KH; ky++) {
    let ty = i32(iy + p.padTop) - i32(ky * p.DH);
    if ((ty < 0) || (u32(ty) % p.SH != 0u)) { continue; }
    let oy = u32(ty) / p.SH;
    if (oy >= p.OH) { continue; }
    for (var kx = 0u; kx < p.KW; kx++) {
      let tx = i32(ix + p.padLeft) - i32(kx * p.DW);
      if ((tx < 0) || (u32(tx) % p.SW != 0u)) { continue; }
      let ox = u32(tx) / p.SW;
      if (ox >= p.OW) { continue; }
      let dyBase = ((n * p.OH + oy) * p.OW + ox) * p.OC + g * OCG;
      let wBase = ((ky * p.KW + kx) * CG + ci) * p.OC + g * OCG;
      for (var o = 0u; o < OCG; o++) { acc += dy[dyBase + o] * w[wBase + o]; }
    }
  }
  dx[i] = select(acc, dx[i] + acc, ACCUMULATE);
}
