// uses: activation, epilogue, conv2d-prologue (prepended by src/compile/kernels.ts, in this order)
// conv2d (naive): one invocation per output value — the readable spec of every conv kernel and the
// fallback for any shape, groups included. NHWC; kernel [KH, KW, C/groups, OC] (Keras layout).
// Input, output and residual are channel views (stride, offset) so concat slices cost nothing.
// Reference: src/ops/conv2d.ts
struct Params {
  N: u32, H: u32, W: u32, C: u32, xStride: u32, xOffset: u32,
  OH: u32, OW: u32, OC: u32, yStride: u32, yOffset: u32, rStride: u32, rOffset: u32,
  KH: u32, KW: u32, SH: u32, SW: u32, DH: u32, DW: u32, padTop: u32, padLeft: u32, groups: u32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> w: array<f32>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read> residual: array<f32>;
@group(0) @binding(4) var<storage, read_write> y: array<f32>;
@group(0) @binding(5) var<uniform> p: Params;
override WG: u32 = 64u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;               // 2-D grid past 65 535 workgroups
  if (i >= p.N * p.OH * p.OW * p.OC) { return; }
  let oc = i % p.OC;
  let pixel = i / p.OC;                             // n·OH·OW + oy·OW + ox
  let ox = pixel % p.OW;
  let oy = (pixel / p.OW) % p.OH;
  let n = pixel / (p.OW * p.OH);
  let CG = p.C / p.groups;
  let g = oc / (p.OC / p.groups);
  var acc = 0.0;
  for (var ky = 0u; ky < p.KH; ky++) {
    let iy = i32(oy * p.SH + ky * p.DH) - i32(p.padTop);
    if ((iy < 0) | (iy >= i32(p.H))) { continue; }
    for (var kx = 0u; kx < p.KW; kx++) {
      let ix = i32(ox * p.SW + kx * p.DW) - i32(p.padLeft);
      if ((ix < 0) | (ix >= i32(p.W))) { continue; }
      let xBase = ((n * p.H + u32(iy)) * p.W + u32(ix)) * p.xStride + p.xOffset + g * CG;
      let wBase = (ky * p.KW + kx) * CG * p.OC + oc;
      for (var ci = 0u; ci < CG; ci++) {
        acc += input1(xBase + ci, g * CG + ci, iy, ix) * w[wBase + ci * p.OC];
      }
    }
  }
  y[pixel * p.yStride + p.yOffset + oc] = epilogue(acc, oc, pixel * p.rStride + p.rOffset + oc);
}
