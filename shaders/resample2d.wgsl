// uses: train-state, resample2d-lib
// The image augmentation ops' sampling, one invocation per output value: RandomFlip, RandomTranslation
// and RandomCrop in a training step (each sample's maps drawn from the step's state), and RandomCrop's
// resize of its center window at inference (RANDOM 0: state is not read). y[n, oy, ox, c] = Σ over the
// row and column taps of wy·wx·x[n, iy, ix, c], the fill value where a tap folds outside. x is read as
// pixels with a channel stride (a concat slice), y written as one (it may be one).
// Reference: src/ops/image-sampling.ts resample
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> state: array<u32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;
override WG: u32 = 64u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.N * p.OH * p.OW * p.C) { return; }
  let c = i % p.C;
  let pixel = i / p.C;
  let ox = pixel % p.OW;
  let oy = (pixel / p.OW) % p.OH;
  let n = pixel / (p.OW * p.OH);
  var key = 0u;
  if (RANDOM != 0u) { key = stepKey(state[STATE_SEED], state[STATE_BATCH_INDEX], p.salt); }
  let m = mapsOf(key, n);
  let ty = tapsOf(oy, m.x, m.y);
  let tx = tapsOf(ox, m.z, m.w);
  var rows = array<i32, 2>(fold(ty.i0, p.loY, p.lenY), fold(ty.i1, p.loY, p.lenY));
  var cols = array<i32, 2>(fold(tx.i0, p.loX, p.lenX), fold(tx.i1, p.loX, p.lenX));
  var wy = array<f32, 2>(ty.w0, ty.w1);
  var wx = array<f32, 2>(tx.w0, tx.w1);
  var v = 0.0;
  for (var a = 0u; a < 2u; a++) {
    for (var b = 0u; b < 2u; b++) {
      let w = wy[a] * wx[b];
      if (w == 0.0) { continue; }
      var s = p.fillValue;
      if (rows[a] >= 0 && cols[b] >= 0) { s = x[((n * p.H + u32(rows[a])) * p.W + u32(cols[b])) * p.xStride + p.xOffset + c]; }
      v += w * s;
    }
  }
  y[pixel * p.yStride + p.yOffset + c] = v;
}
