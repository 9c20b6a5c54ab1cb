// A strided conv's output gradient spread onto the stride-1 grid, zeros between:
//   dyU[n, oy·SH, ox·SW, c] = dy[n, oy, ox, c],  dyU = 0 elsewhere (UH = (OH − 1)·SH + 1, UW likewise).
// The input gradient of the strided conv is then the stride-1 transposed conv of dyU, which runs on the
// fast forward conv kernels (src/train/backward/conv.ts) instead of conv2d-backward-input.wgsl's
// per-value loops: SH·SW times the multiply-adds, most of them by zero, still several times faster.
// Every element of dyU is written (no clear needed); 4 channels an invocation when C divides by 4.
struct Params { N: u32, OH: u32, OW: u32, C4: u32, SH: u32, SW: u32, UH: u32, UW: u32 }

@group(0) @binding(0) var<storage, read> dy: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read_write> dyU: array<vec4<f32>>;
@group(0) @binding(2) var<uniform> p: Params;
override WG: u32 = 64u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.N * p.UH * p.UW * p.C4) { return; }
  let c = i % p.C4;
  let ux = (i / p.C4) % p.UW;
  let uy = (i / (p.C4 * p.UW)) % p.UH;
  let n = i / (p.C4 * p.UW * p.UH);
  var value = vec4<f32>(0.0);
  if (uy % p.SH == 0u && ux % p.SW == 0u) {
    value = dy[((n * p.OH + uy / p.SH) * p.OW + ux / p.SW) * p.C4 + c];
  }
  dyU[i] = value;
}
