// The conv kernels' input prologue: a per-channel affine and its activation applied to each input
// value as it is loaded, PRE_ACT(x·scale + shift) — DenseNet's BatchNormalization + ReLU before each
// 1×1 conv, ResNetV2's pre-activation, Xception's ReLU before a separable conv (scale 1, shift 0) run
// inside the conv, so the transformed tensor is never written nor read back (src/compile/fusion.ts
// foldInputAffines). Kernels apply it to values inside the image only: the padding stays zero, as it
// is around the affine's own output.
// inAffine: per group of 4 channels q, [2q] the 4 scales and [2q + 1] the 4 shifts (zeros past C).
override HAS_PROLOGUE: bool = false;

@group(0) @binding(7) var<storage, read> inAffine: array<vec4<f32>>;

/** Channels ci .. ci + 3 (ci a multiple of 4) as loaded, through the prologue. */
fn prologue4(v: vec4<f32>, ci: u32) -> vec4<f32> {
  if (!HAS_PROLOGUE) { return v; }
  let q = ci / 4u;
  let a = v * inAffine[2u * q] + inAffine[2u * q + 1u];
  return vec4<f32>(preAct(a.x), preAct(a.y), preAct(a.z), preAct(a.w));
}

/** Channel c as loaded, through the prologue. */
fn prologue1(v: f32, c: u32) -> f32 {
  if (!HAS_PROLOGUE) { return v; }
  let q = c / 4u;
  return preAct(v * inAffine[2u * q][c % 4u] + inAffine[2u * q + 1u][c % 4u]);
}
