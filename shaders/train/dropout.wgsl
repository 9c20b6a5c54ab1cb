// uses: train-state
// Dropout in training, forward and backward alike: out = keep(i) ? src · 1/(1 − rate) : 0, the mask a
// hash of (seed, step, node, i) — the same bits as src/train/dropout-mask.ts, so the backward pass and
// the CPU reference see the mask the forward pass drew, and nothing random is stored.
struct Params { count: u32, salt: u32, rate: f32 }

@group(0) @binding(0) var<storage, read> src: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read> state: array<u32>;
@group(0) @binding(2) var<storage, read_write> out: array<vec4<f32>>;
@group(0) @binding(3) var<uniform> p: Params;
override WG: u32 = 64u;
override ACCUMULATE: bool = false;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let j = gid.x + gid.y * nwg.x * WG;
  if (4u * j >= p.count) { return; }
  let key = mix32(mix32(mix32(state[STATE_SEED]) ^ p.salt) ^ state[STATE_BATCH_INDEX]);
  let i = vec4<u32>(4u * j) + vec4<u32>(0u, 1u, 2u, 3u);
  let draw = vec4<u32>(mix32(key ^ i.x), mix32(key ^ i.y), mix32(key ^ i.z), mix32(key ^ i.w)) >> vec4<u32>(8u);
  let keep = vec4<f32>(draw) * (1.0 / 16777216.0) >= vec4<f32>(p.rate);
  var v = select(vec4<f32>(0.0), src[j] / (1.0 - p.rate), keep);
  if (ACCUMULATE) { v += out[j]; }
  if (4u * j + 4u > p.count) { v = select(out[j], v, i < vec4<u32>(p.count)); }
  out[j] = v;
}
