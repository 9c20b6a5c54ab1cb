// Per-channel sums over every pixel of the batch: a bias's gradient db[c] = Σ_pixels dy[pixel, c]
// (dy contiguous, C channels). Each invocation sums 4 channels (one vec4 a pixel with VEC: C divides
// by 4) over one chunk of `chunk` pixels, serially (no barriers); with several chunks it writes
// partial sums [chunk][C] that conv2d-split-k-reduce.wgsl adds (src/train/backward/conv.ts).
struct Params { pixels: u32, C: u32, C4: u32, chunk: u32 }

@group(0) @binding(0) var<storage, read> dy: array<f32>;
@group(0) @binding(1) var<storage, read> dy4: array<vec4<f32>>;   // dy again, 4 channels per load
@group(0) @binding(2) var<storage, read_write> sums: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;
override WG: u32 = 64u;
override VEC: bool = false;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  let s = i / p.C4;
  let q0 = s * p.chunk;
  if (q0 >= p.pixels) { return; }
  let c = (i % p.C4) * 4u;
  // Channels past C read the last one and are never stored.
  let cols = min(vec4<u32>(c) + vec4<u32>(0u, 1u, 2u, 3u), vec4<u32>(p.C - 1u));
  var acc = vec4<f32>(0.0);
  for (var q = q0; q < min(q0 + p.chunk, p.pixels); q++) {
    let row = q * p.C;
    if (VEC) { acc += dy4[(row + c) / 4u]; }
    else { acc += vec4<f32>(dy[row + cols.x], dy[row + cols.y], dy[row + cols.z], dy[row + cols.w]); }
  }
  for (var j = 0u; j < min(4u, p.C - c); j++) { sums[s * p.C + c + j] = acc[j]; }
}
