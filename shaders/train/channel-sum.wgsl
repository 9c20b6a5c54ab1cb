// Per-channel sums over every pixel of the batch, one invocation per channel (serial, no barriers): a bias's gradient
// db[c] = Σ_pixels dy[pixel, c] (dy contiguous, C channels).
struct Params { pixels: u32, C: u32 }

@group(0) @binding(0) var<storage, read> dy: array<f32>;
@group(0) @binding(1) var<storage, read_write> sums: array<f32>;
@group(0) @binding(2) var<uniform> p: Params;
override WG: u32 = 64u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let c = gid.x;
  if (c >= p.C) { return; }
  var acc = 0.0;
  for (var q = 0u; q < p.pixels; q++) { acc += dy[q * p.C + c]; }
  sums[c] = acc;
}
