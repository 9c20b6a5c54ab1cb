// LayerNormalization, backward, second dispatch: one invocation per channel sums over every row
// sums[c] = Σ dy (β's gradient) and sums[C + c] = Σ dy·x̂ (γ's), x̂ = (x − mean)·inv with the row's
// statistics from the first dispatch (layer-norm-backward-rows.wgsl).
// Reference: src/ops/layer-normalization.ts backward
struct Params { rows: u32, C: u32, xStride: u32, xOffset: u32 }

@group(0) @binding(0) var<storage, read> dy: array<f32>;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> stats: array<f32>;
@group(0) @binding(3) var<storage, read_write> sums: array<f32>;
@group(0) @binding(4) var<uniform> p: Params;
override WG: u32 = 64u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let c = gid.x;
  if (c >= p.C) { return; }
  var s = vec2<f32>(0.0);
  for (var q = 0u; q < p.rows; q++) {
    let g = dy[q * p.C + c];
    s += vec2<f32>(g, g * (x[q * p.xStride + p.xOffset + c] - stats[2u * q]) * stats[2u * q + 1u]);
  }
  sums[c] = s.x;
  sums[p.C + c] = s.y;
}
