// BatchNormalization in training, backward, first dispatch: one invocation per channel sums
// sums[c] = Σ dy (β's gradient) and sums[C + c] = Σ dy·x̂ (γ's), x̂ = (x − mean)/sqrt(var + ε).
// Reference: src/ops/batch-normalization.ts (training mode) backward
struct Params { pixels: u32, C: u32, xStride: u32, xOffset: u32 }

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
  let mean = stats[c];
  let invStd = stats[p.C + c];
  var s = vec2<f32>(0.0);
  for (var q = 0u; q < p.pixels; q++) {
    let g = dy[q * p.C + c];
    s += vec2<f32>(g, g * (x[q * p.xStride + p.xOffset + c] - mean) * invStd);
  }
  sums[c] = s.x;
  sums[p.C + c] = s.y;
}
