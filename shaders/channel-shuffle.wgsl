// ChannelShuffle: one invocation per output value, a gather along the channels: output channel c reads
// input channel (c % G)·(C / G) + c / G. x and y are pixels with a channel stride (concat slices work).
// With G = 1 it is a strided channel copy: ChannelSlice's forward (xOffset at its first channel).
// Reference: src/ops/channel-shuffle.ts, src/ops/channel-slice.ts
struct Params { pixels: u32, C: u32, G: u32, xStride: u32, xOffset: u32, yStride: u32, yOffset: u32 }

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<uniform> p: Params;
override WG: u32 = 64u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.pixels * p.C) { return; }
  let c = i % p.C;
  let pixel = i / p.C;
  let source = (c % p.G) * (p.C / p.G) + c / p.G;
  y[pixel * p.yStride + p.yOffset + c] = x[pixel * p.xStride + p.xOffset + source];
}
