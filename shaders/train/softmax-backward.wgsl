// softmax backward over the last axis, one invocation per row: dz = y ⊙ (dy − Σ dy·y), y the forward output.
// Reference: src/ops/gradients.ts activationBackward('softmax')
struct Params { rows: u32, C: u32 }

@group(0) @binding(0) var<storage, read> dy: array<f32>;
@group(0) @binding(1) var<storage, read> y: array<f32>;
@group(0) @binding(2) var<storage, read_write> dz: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;
override WG: u32 = 64u;
override ACCUMULATE: bool = false;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let r = gid.x + gid.y * nwg.x * WG;
  if (r >= p.rows) { return; }
  let base = r * p.C;
  var dot = 0.0;
  for (var c = 0u; c < p.C; c++) { dot += dy[base + c] * y[base + c]; }
  for (var c = 0u; c < p.C; c++) {
    let g = y[base + c] * (dy[base + c] - dot);
    dz[base + c] = select(g, dz[base + c] + g, ACCUMULATE);
  }
}
