// uses: layer-norm-lib (prepended by src/compile/kernels.ts)
// LayerNormalization over the last (channel) axis: one invocation per row, its mean and biased
// variance (rowStatistics), then y = gamma·(x − mean)·inv + beta.
// Reference: src/ops/layer-normalization.ts
struct Params { rows: u32, C: u32, xStride: u32, xOffset: u32, yStride: u32, yOffset: u32, epsilon: f32 }

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> gamma: array<f32>;
@group(0) @binding(2) var<storage, read> beta: array<f32>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;
@group(0) @binding(4) var<uniform> p: Params;
override WG: u32 = 64u;
override HAS_GAMMA: bool = true;
override HAS_BETA: bool = true;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let row = gid.x + gid.y * nwg.x * WG;
  if (row >= p.rows) { return; }
  let xb = row * p.xStride + p.xOffset;
  let yb = row * p.yStride + p.yOffset;
  let stats = rowStatistics(xb, p.C, p.epsilon);
  let mean = stats.x;
  let inv = stats.y;
  for (var c = 0u; c < p.C; c++) {
    var v = (x[xb + c] - mean) * inv;
    if (HAS_GAMMA) { v *= gamma[c]; }
    if (HAS_BETA) { v += beta[c]; }
    y[yb + c] = v;
  }
}
