// BatchNormalization in training, first dispatch: one invocation per channel (serial sums) takes the
// batch's mean and (biased) variance over every pixel, writes stats[c] = mean, stats[C + c] = 1/sqrt(var + ε),
// and the affine map the forward pass applies (scale[c] = γ/sqrt(var + ε), shift[c] = β − mean·scale[c]);
// then, where the moving statistics learn, moving = moving·momentum + batch·(1 − momentum) (Keras).
// Reference: src/ops/batch-normalization.ts (training mode)
struct Params { pixels: u32, C: u32, xStride: u32, xOffset: u32, epsilon: f32, momentum: f32 }

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> gamma: array<f32>;
@group(0) @binding(2) var<storage, read> beta: array<f32>;
@group(0) @binding(3) var<storage, read_write> movingMean: array<f32>;
@group(0) @binding(4) var<storage, read_write> movingVariance: array<f32>;
@group(0) @binding(5) var<storage, read_write> stats: array<f32>;
@group(0) @binding(6) var<storage, read_write> scale: array<f32>;
@group(0) @binding(7) var<storage, read_write> shift: array<f32>;
@group(0) @binding(8) var<uniform> p: Params;
override HAS_GAMMA: bool = true;
override HAS_BETA: bool = true;
override UPDATE_MOVING: bool = true;
// Bessel's correction in the moving variance (n/(n − 1)), as tf.keras 2 and TF.js; Keras 3 keeps the biased one.
override UNBIASED_MOVING_VARIANCE: bool = false;
override WG: u32 = 64u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let c = gid.x;
  if (c >= p.C) { return; }
  var s = 0.0;
  for (var q = 0u; q < p.pixels; q++) { s += x[q * p.xStride + p.xOffset + c]; }
  let mean = s / f32(p.pixels);
  var d = 0.0;
  for (var q = 0u; q < p.pixels; q++) { let v = x[q * p.xStride + p.xOffset + c] - mean; d += v * v; }
  let variance = d / f32(p.pixels);
  let invStd = 1.0 / sqrt(variance + p.epsilon);
  let g = select(1.0, gamma[c], HAS_GAMMA);
  let b = select(0.0, beta[c], HAS_BETA);
  stats[c] = mean;
  stats[p.C + c] = invStd;
  scale[c] = g * invStd;
  shift[c] = b - mean * g * invStd;
  if (UPDATE_MOVING) {
    let n = f32(p.pixels);
    let v = select(variance, variance * n / max(n - 1.0, 1.0), UNBIASED_MOVING_VARIANCE);
    movingMean[c] = movingMean[c] * p.momentum + mean * (1.0 - p.momentum);
    movingVariance[c] = movingVariance[c] * p.momentum + v * (1.0 - p.momentum);
  }
}
