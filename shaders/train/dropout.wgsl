// uses: train-state
// Dropout in training, forward and backward alike: out = keep(i) ? src · 1/(1 − rate) : 0, the mask a
// hash of (seed, step, node, i) — the same bits as src/train/dropout-mask.ts, so the backward pass and
// the CPU reference see the mask the forward pass drew, and nothing random is stored. src is read as
// pixels with a channel stride (srcStride, srcOffset over its last axis of C values: the forward's
// input may be a slice of a Concatenate's buffer); out is contiguous.
struct Params { count: u32, C: u32, srcStride: u32, srcOffset: u32, salt: u32, rate: f32 }

@group(0) @binding(0) var<storage, read> src: array<f32>;
@group(0) @binding(1) var<storage, read> state: array<u32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;
override WG: u32 = 64u;
override ACCUMULATE: bool = false;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.count) { return; }
  let key = stepKey(state[STATE_SEED], state[STATE_BATCH_INDEX], p.salt);
  let keep = f32(mix32(key ^ i) >> 8u) * (1.0 / 16777216.0) >= p.rate;
  let v = select(0.0, src[(i / p.C) * p.srcStride + p.srcOffset + i % p.C] / (1.0 - p.rate), keep);
  out[i] = select(v, out[i] + v, ACCUMULATE);
}
