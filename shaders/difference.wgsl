// Compare two activations: y = a − b elementwise, both NHWC views of the same pixels × channels with
// their own offsets and channel strides; y contiguous. Reference: src/runtime/visualize.gpu.test.ts
struct Params { aOffset: u32, aStride: u32, bOffset: u32, bStride: u32, channels: u32, pixels: u32 }

@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;
override WG: u32 = 64u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.channels * p.pixels) { return; }
  let q = i / p.channels;
  let c = i % p.channels;
  y[i] = a[p.aOffset + q * p.aStride + c] - b[p.bOffset + q * p.bStride + c];
}
