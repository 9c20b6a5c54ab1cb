// MaxPoolWithArgmax2D: one invocation per output value; a dilated window, padded cells skipped, the
// first maximum in row-major window order wins. INDICES writes its flat input index (ORDER 0 nhwc,
// 1 nchw, 2 ncwh) as a float, else the maximum. x is read as pixels with a channel stride.
// Reference: src/ops/max-pool-with-argmax2d.ts
struct Params {
  N: u32, H: u32, W: u32, C: u32, xStride: u32, xOffset: u32, OH: u32, OW: u32, yOffset: u32,
  KH: u32, KW: u32, SH: u32, SW: u32, DH: u32, DW: u32, padTop: u32, padLeft: u32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<uniform> p: Params;
override WG: u32 = 64u;
override INDICES: bool = true;
override ORDER: u32 = 0u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.N * p.OH * p.OW * p.C) { return; }
  let c = i % p.C;
  let ox = (i / p.C) % p.OW;
  let oy = (i / (p.C * p.OW)) % p.OH;
  let n = i / (p.C * p.OW * p.OH);
  var best = 0.0;
  var found = false;
  var at = 0u;
  for (var ky = 0u; ky < p.KH; ky++) {
    let iy = i32(oy * p.SH + ky * p.DH) - i32(p.padTop);
    if ((iy < 0) || (iy >= i32(p.H))) { continue; }
    for (var kx = 0u; kx < p.KW; kx++) {
      let ix = i32(ox * p.SW + kx * p.DW) - i32(p.padLeft);
      if ((ix < 0) || (ix >= i32(p.W))) { continue; }
      let v = x[((n * p.H + u32(iy)) * p.W + u32(ix)) * p.xStride + p.xOffset + c];
      if (!found || (v > best)) {
        best = v;
        found = true;
        switch ORDER {
          case 0u: { at = ((n * p.H + u32(iy)) * p.W + u32(ix)) * p.C + c; }
          case 1u: { at = ((n * p.C + c) * p.H + u32(iy)) * p.W + u32(ix); }
          default: { at = ((n * p.C + c) * p.W + u32(ix)) * p.H + u32(iy); }
        }
      }
    }
  }
  y[p.yOffset + i] = select(best, f32(at), INDICES);
}
