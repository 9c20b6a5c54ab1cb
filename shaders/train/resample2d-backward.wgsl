// uses: train-state, resample2d-lib
// The image augmentation ops' input gradient, one invocation per input value, gathering instead of
// scattering (no float atomics): dx[n, iy, ix, c] = Σ over outputs (oy, ox) of wy·wx·dy[n, oy, ox, c], where
// wy sums the weights of oy's row taps that fold to iy (likewise wx) — the forward's maps, taps and fill
// (resample2d-lib.wgsl), from the same state, so the gradient follows the transform the forward drew.
// The rows without a tap on iy are skipped before their columns are visited. dy and dx contiguous.
// Reference: src/ops/image-sampling.ts resampleBackward
@group(0) @binding(0) var<storage, read> dy: array<f32>;
@group(0) @binding(1) var<storage, read> state: array<u32>;
@group(0) @binding(2) var<storage, read_write> dx: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;
override WG: u32 = 64u;
override ACCUMULATE: bool = false;

/** The weight output o's taps give input index i. */
fn weightOn(t: Taps, i: i32, lo: u32, len: u32) -> f32 {
  return select(0.0, t.w0, fold(t.i0, lo, len) == i) + select(0.0, t.w1, fold(t.i1, lo, len) == i);
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.N * p.H * p.W * p.C) { return; }
  let c = i % p.C;
  let ix = i32((i / p.C) % p.W);
  let iy = i32((i / (p.C * p.W)) % p.H);
  let n = i / (p.C * p.W * p.H);
  var key = 0u;
  if (RANDOM != 0u) { key = stepKey(state[STATE_SEED], state[STATE_BATCH_INDEX], p.salt); }
  let m = mapsOf(key, n);
  var acc = 0.0;
  for (var oy = 0u; oy < p.OH; oy++) {
    let wy = weightOn(tapsOf(oy, m.x, m.y), iy, p.loY, p.lenY);
    if (wy == 0.0) { continue; }
    for (var ox = 0u; ox < p.OW; ox++) {
      let wx = weightOn(tapsOf(ox, m.z, m.w), ix, p.loX, p.lenX);
      if (wx == 0.0) { continue; }
      acc += wy * wx * dy[((n * p.OH + oy) * p.OW + ox) * p.C + c];
    }
  }
  dx[i] = select(acc, dx[i] + acc, ACCUMULATE);
}
