// BatchNormalization in training, backward, second dispatch: the input's gradient through the batch
// statistics, dx = scale · (dy − Σdy/M − x̂ · Σ(dy·x̂)/M), scale = γ/sqrt(var + ε), M the pixels of the batch.
// Inference mode (a frozen layer) is the case mean = 0, 1/σ = 0 and no sums: dx = scale·dy.
// Reference: src/ops/batch-normalization.ts (training mode) backward
struct Params { pixels: u32, C: u32, xStride: u32, xOffset: u32 }

@group(0) @binding(0) var<storage, read> dy: array<f32>;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> stats: array<f32>;
@group(0) @binding(3) var<storage, read> scale: array<f32>;
@group(0) @binding(4) var<storage, read> sums: array<f32>;
@group(0) @binding(5) var<storage, read_write> dx: array<f32>;
@group(0) @binding(6) var<uniform> p: Params;
override WG: u32 = 64u;
override ACCUMULATE: bool = false;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.pixels * p.C) { return; }
  let c = i % p.C;
  let q = i / p.C;
  let M = f32(p.pixels);
  let xhat = (x[q * p.xStride + p.xOffset + c] - stats[c]) * stats[p.C + c];
  let g = scale[c] * (dy[i] - sums[c] / M - xhat * sums[p.C + c] / M);
  dx[i] = select(g, dx[i] + g, ACCUMULATE);
}
