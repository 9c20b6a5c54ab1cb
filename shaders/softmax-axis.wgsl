// softmax along an axis that is not the last: the tensor as outer × C × inner (contiguous), one
// invocation per (outer, inner) line, max-subtracted for stability. The last axis is softmax.wgsl.
// Reference: src/ops/softmax.ts
struct Params { outer: u32, C: u32, inner: u32, xOffset: u32, yOffset: u32 }

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<uniform> p: Params;
override WG: u32 = 64u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let line = gid.x + gid.y * nwg.x * WG;
  if (line >= p.outer * p.inner) { return; }
  let o = line / p.inner;
  let base = o * p.C * p.inner + line % p.inner;
  var m = -3.4e38;
  for (var c = 0u; c < p.C; c++) { m = max(m, x[p.xOffset + base + c * p.inner]); }
  var sum = 0.0;
  for (var c = 0u; c < p.C; c++) { sum += exp(x[p.xOffset + base + c * p.inner] - m); }
  for (var c = 0u; c < p.C; c++) { y[p.yOffset + base + c * p.inner] = exp(x[p.xOffset + base + c * p.inner] - m) / sum; }
}
