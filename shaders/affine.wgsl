// Per-channel affine map then activation: y = ACT(x · scale[c] + shift[c]). Runs BatchNormalization
// that could not be folded into a conv, Normalization, Rescaling and the activation layers.
// Reference: src/ops/batch-normalization.ts, src/ops/rescaling.ts, src/ops/activation.ts
struct Params { pixels: u32, C: u32, xStride: u32, xOffset: u32, yStride: u32, yOffset: u32 }

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> scale: array<f32>;
@group(0) @binding(2) var<storage, read> shift: array<f32>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;
@group(0) @binding(4) var<uniform> p: Params;
override WG: u32 = 64u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.pixels * p.C) { return; }
  let c = i % p.C;
  let pixel = i / p.C;
  let v = x[pixel * p.xStride + p.xOffset + c] * scale[c] + shift[c];
  y[pixel * p.yStride + p.yOffset + c] = act(v);
}
