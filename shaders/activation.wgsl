// Activations for fused epilogues, prepended to every kernel that applies one. ACT is the layer's
// own activation (Keras `activation=`); POST_ACT one that follows a residual add or a merge; PRE_ACT
// the one of an affine folded into a conv's input loads (conv2d-prologue.wgsl).
// The ACT_* kinds are consts generated from ACTIVATION_KIND in src/compile/activation-codes.ts.
override ACT: u32 = 0u;
override ACT_SLOPE: f32 = 0.0;
override ACT_THRESHOLD: f32 = 0.0;
override ACT_MAX: f32 = 3.0e38;
override POST_ACT: u32 = 0u;
override POST_SLOPE: f32 = 0.0;
override POST_THRESHOLD: f32 = 0.0;
override POST_MAX: f32 = 3.0e38;
override PRE_ACT: u32 = 0u;
override PRE_SLOPE: f32 = 0.0;
override PRE_THRESHOLD: f32 = 0.0;
override PRE_MAX: f32 = 3.0e38;

// e^(−v) for an exact v in [0, 88]: Cody–Waite's v = n·ln 2 + r, |r| ≤ ½ln 2, then 2^(−n)·e^(−r). exp itself
// (exp2(x·log2 e) on GPUs) would lose |x|·2⁻²⁴ of relative accuracy to rounding its argument.
fn expNegExact(v: f32) -> f32 {
  let n = round(v * 1.44269504);
  let r = (v - n * 0.693359375) + n * 2.12194440e-4;
  return ldexp(exp(-r), -i32(n));
}

// e^(−a²/2) for a in [0, 13], to a few ulp: a = h + l with h a multiple of 1/256 (12 bits: h² is exact),
// a²/2 = h²/2 + (a − h)(a + h)/2, so the large part of the exponent is never rounded.
fn gaussianTail(a: f32) -> f32 {
  let h = floor(a * 256.0) / 256.0;
  return expNegExact(0.5 * h * h) * exp(-0.5 * (a - h) * (a + h));
}

// s·Φ(−a) for a in [0, 13], Φ the standard normal distribution function, relatively accurate out to
// Φ(−13) ≈ 6e-39: ½·erfc(a/√2) from Numerical Recipes' erfcc (a Chebyshev fit, relative error < 1.2e-7),
// its e^(−z²) factor gaussianTail(a); s is multiplied in before that small factor, so s·Φ(−a) stays a
// normal f32 as long as it can (GPUs flush denormals to 0).
fn scaledNormalTail(a: f32, s: f32) -> f32 {
  let t = 1.0 / (1.0 + 0.70710678 * 0.5 * a);
  let p = -1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 +
    t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  return (s * 0.5 * t * exp(p)) * gaussianTail(a);
}

// Φ(x): 0 below −13, 1 above 13.
fn normalCdf(x: f32) -> f32 {
  let tail = select(scaledNormalTail(min(abs(x), 13.0), 1.0), 0.0, abs(x) >= 13.0);
  return select(1.0 - tail, tail, x < 0.0);
}

// Keras' gelu (approximate=False): x·Φ(x), as x − x·Φ(−x) above 0; x itself from 13 up, 0 below −13 (also
// for −∞).
fn gelu(x: f32) -> f32 {
  let s = scaledNormalTail(min(abs(x), 13.0), x);
  return select(select(x - s, s, x < 0.0), select(0.0, x, x > 0.0), abs(x) >= 13.0);
}

// ACT_RELU is Keras' ReLU layer in full (relu, relu6, leaky_relu, thresholded): slope·(x − t) below t, min(x, max) above.
fn activate(x: f32, kind: u32, slope: f32, threshold: f32, maxValue: f32) -> f32 {
  switch kind {
    case ACT_RELU: { return select(slope * (x - threshold), min(x, maxValue), x >= threshold); }
    case ACT_ELU: { return select(exp(x) - 1.0, x, x >= 0.0); }
    case ACT_SIGMOID: { return 1.0 / (1.0 + exp(-x)); }
    case ACT_HARD_SIGMOID: { return clamp(0.2 * x + 0.5, 0.0, 1.0); }
    case ACT_SWISH: { return x / (1.0 + exp(-x)); }
    // WGSL's tanh may be sinh/cosh, NaN past |x| ≈ 44 (SwiftShader's is); in f32 it is ±1 from |x| > 9.02.
    case ACT_TANH: { return tanh(clamp(x, -10.0, 10.0)); }
    case ACT_SOFTPLUS: { return select(log(1.0 + exp(x)), x, x > 20.0); }
    case ACT_SOFTSIGN: { return x / (1.0 + abs(x)); }
    case ACT_GELU: { return gelu(x); }
    default: { return x; }
  }
}

fn act(x: f32) -> f32 { return activate(x, ACT, ACT_SLOPE, ACT_THRESHOLD, ACT_MAX); }
fn postAct(x: f32) -> f32 { return activate(x, POST_ACT, POST_SLOPE, POST_THRESHOLD, POST_MAX); }
fn preAct(x: f32) -> f32 { return activate(x, PRE_ACT, PRE_SLOPE, PRE_THRESHOLD, PRE_MAX); }
