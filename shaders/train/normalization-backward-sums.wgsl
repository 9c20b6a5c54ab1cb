// BatchNormalization in training and LayerNormalization, backward: one invocation per channel sums
// sums[c] = Σ dy (β's gradient) and sums[C + c] = Σ dy·x̂ (γ's), x̂ = (x − mean)·(1/σ) over every pixel.
// BatchNormalization's statistics are the channel's (stats[c], stats[C + c], batch-norm-statistics.wgsl);
// with ROW_STATISTICS, LayerNormalization's are each pixel's own (stats[2q], stats[2q + 1],
// layer-norm-backward-rows.wgsl).
// Reference: src/ops/batch-normalization.ts (training mode) and src/ops/layer-normalization.ts backward
struct Params { pixels: u32, C: u32, xStride: u32, xOffset: u32 }

@group(0) @binding(0) var<storage, read> dy: array<f32>;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> stats: array<f32>;
@group(0) @binding(3) var<storage, read_write> sums: array<f32>;
@group(0) @binding(4) var<uniform> p: Params;
override WG: u32 = 64u;
override ROW_STATISTICS: bool = false;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let c = gid.x;
  if (c >= p.C) { return; }
  var s = vec2<f32>(0.0);
  for (var q = 0u; q < p.pixels; q++) {
    let at = select(vec2<u32>(c, p.C + c), vec2<u32>(2u * q, 2u * q + 1u), ROW_STATISTICS);
    let g = dy[q * p.C + c];
    s += vec2<f32>(g, g * (x[q * p.xStride + p.xOffset + c] - stats[at.x]) * stats[at.y]);
  }
  sums[c] = s.x;
  sums[p.C + c] = s.y;
}
