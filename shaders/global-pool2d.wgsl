// global average / max pooling: one invocation per (n, c), a loop over H·W.
// Reference: src/ops/global-average-pool2d.ts, src/ops/global-max-pool2d.ts
struct Params { N: u32, HW: u32, C: u32, xStride: u32, xOffset: u32, yStride: u32, yOffset: u32 }

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<uniform> p: Params;
override WG: u32 = 64u;
override IS_MAX: bool = false;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.N * p.C) { return; }
  let c = i % p.C;
  let n = i / p.C;
  var best = -3.4e38;
  var sum = 0.0;
  for (var s = 0u; s < p.HW; s++) {
    let v = x[(n * p.HW + s) * p.xStride + p.xOffset + c];
    best = max(best, v);
    sum += v;
  }
  y[n * p.yStride + p.yOffset + c] = select(sum / f32(p.HW), best, IS_MAX);
}
