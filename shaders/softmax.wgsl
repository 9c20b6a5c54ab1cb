// softmax over the last (channel) axis: one invocation per row, max-subtracted for stability.
// Reference: applyActivation in src/ops/activations.ts
struct Params { rows: u32, C: u32, xStride: u32, xOffset: u32, yStride: u32, yOffset: u32 }

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<uniform> p: Params;
override WG: u32 = 64u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let row = gid.x + gid.y * nwg.x * WG;
  if (row >= p.rows) { return; }
  let xb = row * p.xStride + p.xOffset;
  let yb = row * p.yStride + p.yOffset;
  var m = -3.4e38;
  for (var c = 0u; c < p.C; c++) { m = max(m, x[xb + c]); }
  var sum = 0.0;
  for (var c = 0u; c < p.C; c++) { sum += exp(x[xb + c] - m); }
  for (var c = 0u; c < p.C; c++) { y[yb + c] = exp(x[xb + c] - m) / sum; }
}
