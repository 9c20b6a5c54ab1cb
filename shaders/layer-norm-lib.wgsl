// A LayerNormalization row's statistics, shared by its forward (layer-norm.wgsl) and backward
// (train/layer-norm-backward-rows.wgsl): both bind the input as `x`. Two passes over the row (no
// cancellation in E[x²] − E[x]²): (mean, 1/√(biased variance + ε)).
fn rowStatistics(xb: u32, C: u32, epsilon: f32) -> vec2<f32> {
  var mean = 0.0;
  for (var c = 0u; c < C; c++) { mean += x[xb + c]; }
  mean /= f32(C);
  var variance = 0.0;
  for (var c = 0u; c < C; c++) { let d = x[xb + c] - mean; variance += d * d; }
  return vec2<f32>(mean, inverseSqrt(variance / f32(C) + epsilon));
}
