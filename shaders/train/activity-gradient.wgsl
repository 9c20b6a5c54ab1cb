// An activity regularizer's gradient added to a layer's output gradient: Keras adds the penalty
// (l1·Σ|y| + l2·Σy²) / batch to the loss, so dy += (l1·sign(y) + 2·l2·y) / batch. y is read as
// pixels with a channel stride (yStride, yOffset over its last axis of C values: a concat slice works).
// Reference: src/train/reference-trainer.ts (activity penalties)
struct Params { count: u32, C: u32, yStride: u32, yOffset: u32, l1: f32, l2: f32, batch: f32 }

@group(0) @binding(0) var<storage, read> y: array<f32>;
@group(0) @binding(1) var<storage, read_write> dy: array<f32>;
@group(0) @binding(2) var<uniform> p: Params;
override WG: u32 = 64u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.count) { return; }
  let v = y[(i / p.C) * p.yStride + p.yOffset + i % p.C];
  dy[i] += (p.l1 * sign(v) + 2.0 * p.l2 * v) / p.batch;
}
