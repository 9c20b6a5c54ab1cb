// uses: activation, epilogue, conv2d-prologue (prepended by src/compile/kernels.ts, in this order)
// depthwise conv2d: one invocation per output value; output channel oc = c·DM + m reads input
// channel c only. Kernel [KH, KW, C, DM] (Keras layout). Reference: src/ops/depthwise-conv2d.ts
struct Params {
  N: u32, H: u32, W: u32, C: u32, xStride: u32, xOffset: u32,
  OH: u32, OW: u32, OC: u32, yStride: u32, yOffset: u32, rStride: u32, rOffset: u32,
  KH: u32, KW: u32, SH: u32, SW: u32, DH: u32, DW: u32, padTop: u32, padLeft: u32, DM: u32,
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
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.N * p.OH * p.OW * p.OC) { return; }
  let oc = i % p.OC;
  let pixel = i / p.OC;
  let ox = pixel % p.OW;
  let oy = (pixel / p.OW) % p.OH;
  let n = pixel / (p.OW * p.OH);
  let c = oc / p.DM;
  var acc = 0.0;
  for (var ky = 0u; ky < p.KH; ky++) {
    let iy = i32(oy * p.SH + ky * p.DH) - i32(p.padTop);
    if ((iy < 0) | (iy >= i32(p.H))) { continue; }
    for (var kx = 0u; kx < p.KW; kx++) {
      let ix = i32(ox * p.SW + kx * p.DW) - i32(p.padLeft);
      if ((ix < 0) | (ix >= i32(p.W))) { continue; }
      acc = fma(prologue1(x[((n * p.H + u32(iy)) * p.W + u32(ix)) * p.xStride + p.xOffset + c], c),
                w[(ky * p.KW + kx) * p.OC + oc], acc);
    }
  }
  y[pixel * p.yStride + p.yOffset + oc] = epilogue(acc, oc, pixel * p.rStride + p.rOffset + oc);
}
