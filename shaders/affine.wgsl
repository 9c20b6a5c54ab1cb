// uses: activation (prepended by src/compile/kernels.ts, in this order)
// Per-channel affine map then activation: y = ACT(x · scale[c] + shift[c]). Runs BatchNormalization
// that could not be folded into a conv, Normalization, Rescaling and the activation layers.
// VEC4 (C, strides and offsets divisible by 4): one invocation maps 4 channels with vec4 loads,
// a quarter of the loads — what matters where loads are the cost. x4 is x bound again; y is
// written only through y4 (WebGPU forbids two writable bindings of one buffer).
// Reference: src/ops/batch-normalization.ts, src/ops/rescaling.ts, src/ops/activation.ts
struct Params { pixels: u32, C: u32, xStride: u32, xOffset: u32, yStride: u32, yOffset: u32 }

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> scale: array<f32>;
@group(0) @binding(2) var<storage, read> shift: array<f32>;
@group(0) @binding(3) var<storage, read_write> y4: array<vec4<f32>>;
@group(0) @binding(4) var<storage, read> x4: array<vec4<f32>>;
@group(0) @binding(5) var<storage, read> scale4: array<vec4<f32>>;
@group(0) @binding(6) var<storage, read> shift4: array<vec4<f32>>;
@group(0) @binding(7) var<uniform> p: Params;
override WG: u32 = 64u;
override VEC4: bool = false;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (VEC4) {
    let C4 = p.C / 4u;
    if (i >= p.pixels * C4) { return; }
    let c4 = i % C4;
    let pixel = i / C4;
    let v = x4[(pixel * p.xStride + p.xOffset) / 4u + c4] * scale4[c4] + shift4[c4];
    y4[(pixel * p.yStride + p.yOffset) / 4u + c4] = vec4<f32>(act(v.x), act(v.y), act(v.z), act(v.w));
    return;
  }
  if (i >= p.pixels * p.C) { return; }
  let c = i % p.C;
  let pixel = i / p.C;
  let v = x[pixel * p.xStride + p.xOffset + c] * scale[c] + shift[c];
  let at = pixel * p.yStride + p.yOffset + c;
  y4[at / 4u][at % 4u] = act(v);
}
