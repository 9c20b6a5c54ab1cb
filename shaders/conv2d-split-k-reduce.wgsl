// uses: activation, epilogue (prepended by src/compile/kernels.ts, in this order)
// Second pass of a split-K conv2d-gemm: adds the `splits` partial sums [split][M][OC] of each output
// and applies the conv's fused epilogue (bias, activation, residual add, activation after it) on the
// way out, to any channel slice (a concat written in place). One output per invocation.
struct Params {
  M: u32, OC: u32, splits: u32, yStride: u32, yOffset: u32, rStride: u32, rOffset: u32,
}

@group(0) @binding(0) var<storage, read> partial: array<f32>;
@group(0) @binding(1) var<storage, read> bias: array<f32>;
@group(0) @binding(2) var<storage, read> residual: array<f32>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;
@group(0) @binding(4) var<uniform> p: Params;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * 64u;
  let outputs = p.M * p.OC;
  if (i >= outputs) { return; }
  var sum = 0.0;
  for (var s = 0u; s < p.splits; s++) { sum += partial[s * outputs + i]; }
  let m = i / p.OC;
  let oc = i % p.OC;
  y[m * p.yStride + p.yOffset + oc] = epilogue(sum, oc, m * p.rStride + p.rOffset + oc);
}
