// The activation viewer's summary map: each pixel's mean over its channels, one float per pixel.
// Element (pixel q, channel c) at offset + q·stride + c. Reference: src/runtime/visualize.gpu.test.ts
struct Params { offset: u32, stride: u32, channels: u32, pixels: u32 }

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<uniform> p: Params;
override WG: u32 = 64u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let q = gid.x + gid.y * nwg.x * WG;
  if (q >= p.pixels) { return; }
  var sum = 0.0;
  let base = p.offset + q * p.stride;
  for (var c = 0u; c < p.channels; c++) { sum += x[base + c]; }
  y[q] = sum / f32(p.channels);
}
