// global average / max pooling backward: one invocation per input value. Average: dy[n, c] / (H·W);
// max: dy[n, c] to the first largest value of the channel.
// Reference: src/ops/global-average-pool2d.ts, src/ops/global-max-pool2d.ts backward
struct Params { N: u32, HW: u32, C: u32, xStride: u32, xOffset: u32 }

@group(0) @binding(0) var<storage, read> dy: array<f32>;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> dx: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;
override WG: u32 = 64u;
override IS_MAX: bool = false;
override ACCUMULATE: bool = false;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.N * p.HW * p.C) { return; }
  let c = i % p.C;
  let q = (i / p.C) % p.HW;
  let n = i / (p.C * p.HW);
  let g = dy[n * p.C + c];
  var v = g / f32(p.HW);
  if (IS_MAX) {
    var best = -3.4e38;
    var bestAt = 0u;
    for (var k = 0u; k < p.HW; k++) {
      let xv = x[(n * p.HW + k) * p.xStride + p.xOffset + c];
      if (xv > best) { best = xv; bestAt = k; }
    }
    v = select(0.0, g, bestAt == q);
  }
  dx[i] = select(v, dx[i] + v, ACCUMULATE);
}
