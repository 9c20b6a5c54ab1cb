// Activations for fused epilogues, prepended to every kernel that applies one. ACT is the layer's
// own activation (Keras `activation=`); POST_ACT one that follows a residual add or a merge.
// Codes and the parameters of code 1: src/compile/activation-codes.ts.
override ACT: u32 = 0u;
override ACT_SLOPE: f32 = 0.0;
override ACT_THRESHOLD: f32 = 0.0;
override ACT_MAX: f32 = 3.0e38;
override POST_ACT: u32 = 0u;
override POST_SLOPE: f32 = 0.0;
override POST_THRESHOLD: f32 = 0.0;
override POST_MAX: f32 = 3.0e38;

// 1 is Keras' ReLU layer in full (relu, relu6, leaky_relu, thresholded): slope·(x − t) below t, min(x, max) above.
fn activate(x: f32, kind: u32, slope: f32, threshold: f32, maxValue: f32) -> f32 {
  switch kind {
    case 1u: { return select(slope * (x - threshold), min(x, maxValue), x >= threshold); }
    case 2u: { return select(exp(x) - 1.0, x, x >= 0.0); }
    case 3u: { return 1.0 / (1.0 + exp(-x)); }
    case 4u: { return clamp(0.2 * x + 0.5, 0.0, 1.0); }
    case 5u: { return x / (1.0 + exp(-x)); }
    case 6u: { return tanh(x); }
    case 7u: { return select(log(1.0 + exp(x)), x, x > 20.0); }
    case 8u: { return x / (1.0 + abs(x)); }
    default: { return x; }
  }
}

fn act(x: f32) -> f32 { return activate(x, ACT, ACT_SLOPE, ACT_THRESHOLD, ACT_MAX); }
fn postAct(x: f32) -> f32 { return activate(x, POST_ACT, POST_SLOPE, POST_THRESHOLD, POST_MAX); }
