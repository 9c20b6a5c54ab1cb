// uses: layer-norm-lib (prepended by src/compile/kernels.ts)
// LayerNormalization, backward, first dispatch: one invocation per row recomputes the row's mean and
// 1/√(variance + ε) from the kept input (stats[2·row], stats[2·row + 1], for the weight sums), and where
// the input takes a gradient, dx = inv·(g − mean(g) − x̂·mean(g·x̂)) with g = γ·dy, x̂ = (x − mean)·inv.
// Reference: src/ops/layer-normalization.ts backward
struct Params { rows: u32, C: u32, xStride: u32, xOffset: u32, epsilon: f32 }

@group(0) @binding(0) var<storage, read> dy: array<f32>;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> gamma: array<f32>;
@group(0) @binding(3) var<storage, read_write> stats: array<f32>;
@group(0) @binding(4) var<storage, read_write> dx: array<f32>;
@group(0) @binding(5) var<uniform> p: Params;
override WG: u32 = 64u;
override HAS_GAMMA: bool = true;
override HAS_DX: bool = true;
override ACCUMULATE: bool = false;

fn gammaAt(c: u32) -> f32 {
  if (HAS_GAMMA) { return gamma[c]; }
  return 1.0;
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let row = gid.x + gid.y * nwg.x * WG;
  if (row >= p.rows) { return; }
  let xb = row * p.xStride + p.xOffset;
  let gb = row * p.C;
  let n = f32(p.C);
  let rowStats = rowStatistics(xb, p.C, p.epsilon);
  let mean = rowStats.x;
  let inv = rowStats.y;
  stats[2u * row] = mean;
  stats[2u * row + 1u] = inv;
  if (!HAS_DX) { return; }
  var sumG = 0.0;
  var sumGXhat = 0.0;
  for (var c = 0u; c < p.C; c++) {
    let g = gammaAt(c) * dy[gb + c];
    sumG += g;
    sumGXhat += g * (x[xb + c] - mean) * inv;
  }
  for (var c = 0u; c < p.C; c++) {
    let xhat = (x[xb + c] - mean) * inv;
    let v = inv * (gammaAt(c) * dy[gb + c] - sumG / n - xhat * sumGXhat / n);
    dx[gb + c] = select(v, dx[gb + c] + v, ACCUMULATE);
  }
}
