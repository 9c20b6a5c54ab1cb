// Keras Dot (batch_dot): out[n, i, j] = Σ_k X[n, i, k] · Y[n, k, j], with X and Y addressed by
// strides so the contracted axis can be any axis of either input. NORMALIZE divides by the L2 norms
// along k first (cosine proximity), each squared norm floored at 1e-12 as Keras' l2_normalize. Reference: src/ops/dot.ts
struct Params {
  N: u32, P: u32, Q: u32, K: u32,
  xSN: u32, xSP: u32, xSK: u32, ySN: u32, ySK: u32, ySQ: u32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> yIn: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;
override WG: u32 = 64u;
override NORMALIZE: bool = false;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.N * p.P * p.Q) { return; }
  let q = i % p.Q;
  let r = (i / p.Q) % p.P;
  let n = i / (p.Q * p.P);
  var acc = 0.0;
  var nx = 0.0;
  var ny = 0.0;
  for (var k = 0u; k < p.K; k++) {
    let a = x[n * p.xSN + r * p.xSP + k * p.xSK];
    let b = yIn[n * p.ySN + k * p.ySK + q * p.ySQ];
    acc = fma(a, b, acc);
    nx = fma(a, a, nx);
    ny = fma(b, b, ny);
  }
  if (NORMALIZE) { acc = acc / (sqrt(max(nx, 1e-12)) * sqrt(max(ny, 1e-12))); }
  out[i] = acc;
}
