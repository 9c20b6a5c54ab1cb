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
    default: { return x; }
  }
}

fn act(x: f32) -> f32 { return activate(x, ACT, ACT_SLOPE, ACT_THRESHOLD, ACT_MAX); }
fn postAct(x: f32) -> f32 { return activate(x, POST_ACT, POST_SLOPE, POST_THRESHOLD, POST_MAX); }
fn preAct(x: f32) -> f32 { return activate(x, PRE_ACT, PRE_SLOPE, PRE_THRESHOLD, PRE_MAX); }
