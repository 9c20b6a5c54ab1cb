// softmax backward along any axis, one invocation per line of C values along it (outer × inner lines):
// dz = y ⊙ (dy − Σ dy·y), y the forward output. Element c of line (o, j) is at (o·C + c)·inner + j in
// dy and dz (contiguous); y is read as pixels with a channel stride (yStride, yOffset over its last
// axis of `last` values), so a softmax Activation writing a concat slice works.
// Reference: src/ops/gradients.ts activationBackward('softmax'), src/ops/softmax.ts backward
struct Params { outer: u32, C: u32, inner: u32, last: u32, yStride: u32, yOffset: u32 }

@group(0) @binding(0) var<storage, read> dy: array<f32>;
@group(0) @binding(1) var<storage, read> y: array<f32>;
@group(0) @binding(2) var<storage, read_write> dz: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;
override WG: u32 = 64u;
override ACCUMULATE: bool = false;

fn yAt(e: u32) -> f32 { return y[(e / p.last) * p.yStride + p.yOffset + e % p.last]; }

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let r = gid.x + gid.y * nwg.x * WG;
  if (r >= p.outer * p.inner) { return; }
  let base = (r / p.inner) * p.C * p.inner + r % p.inner;
  var dot = 0.0;
  for (var c = 0u; c < p.C; c++) {
    let e = base + c * p.inner;
    dot += dy[e] * yAt(e);
  }
  for (var c = 0u; c < p.C; c++) {
    let e = base + c * p.inner;
    let g = yAt(e) * (dy[e] - dot);
    dz[e] = select(g, dz[e] + g, ACCUMULATE);
  }
}
