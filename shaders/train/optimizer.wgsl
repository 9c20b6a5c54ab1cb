// uses: train-state
// One optimizer step for one weight tensor, one invocation per value, as Keras 3 writes it
// (keras/src/optimizers): the regularizer's gradient first (L1: l1·sign(w), L2: 2·l2·w), then
//   SGD: w −= lr·g; with momentum m = μ·m − lr·g, w += m (Nesterov: w += μ·m − lr·g)
//   ADAM: m += (g − m)(1 − β1), v += (g² − v)(1 − β2), w −= lr·sqrt(1 − β2^t)/(1 − β1^t) · m/(sqrt(v) + ε)
//   RMSPROP: v = ρ·v + (1 − ρ)·g² (centered: a = ρ·a + (1 − ρ)·g, v − a²), inc = lr·g/sqrt(v + ε);
//            with momentum m = μ·m + inc, w −= m; else w −= inc
// The learning rate and t come from the step's state (train-state.wgsl).
// Reference: src/train/optimizers.ts
struct Params { count: u32, l1: f32, l2: f32, momentum: f32, beta1: f32, beta2: f32, rho: f32, epsilon: f32 }

@group(0) @binding(0) var<storage, read_write> w: array<f32>;
@group(0) @binding(1) var<storage, read> grad: array<f32>;
@group(0) @binding(2) var<storage, read_write> m: array<f32>;
@group(0) @binding(3) var<storage, read_write> v: array<f32>;
@group(0) @binding(4) var<storage, read_write> a: array<f32>;
@group(0) @binding(5) var<storage, read> state: array<u32>;
@group(0) @binding(6) var<uniform> p: Params;
override WG: u32 = 64u;
override OPTIMIZER: u32 = 0u;
override NESTEROV: bool = false;
override CENTERED: bool = false;
override HAS_MOMENTUM: bool = false;
const SGD: u32 = 0u;
const ADAM: u32 = 1u;
const RMSPROP: u32 = 2u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.count) { return; }
  let lr = bitcast<f32>(state[STATE_LEARNING_RATE]);
  let wi = w[i];
  let g = grad[i] + p.l1 * sign(wi) + 2.0 * p.l2 * wi;
  switch OPTIMIZER {
    case SGD: {
      if (HAS_MOMENTUM) {
        let mi = p.momentum * m[i] - lr * g;
        m[i] = mi;
        w[i] = select(wi + mi, wi + p.momentum * mi - lr * g, NESTEROV);
      } else {
        w[i] = wi - lr * g;
      }
    }
    case ADAM: {
      let t = f32(state[STATE_STEP]);
      let alpha = lr * sqrt(1.0 - pow(p.beta2, t)) / (1.0 - pow(p.beta1, t));
      let mi = m[i] + (g - m[i]) * (1.0 - p.beta1);
      let vi = v[i] + (g * g - v[i]) * (1.0 - p.beta2);
      m[i] = mi;
      v[i] = vi;
      w[i] = wi - alpha * mi / (sqrt(vi) + p.epsilon);
    }
    default: {
      let vi = p.rho * v[i] + (1.0 - p.rho) * g * g;
      v[i] = vi;
      var denominator = vi;
      if (CENTERED) {
        let ai = p.rho * a[i] + (1.0 - p.rho) * g;
        a[i] = ai;
        denominator = vi - ai * ai;
      }
      let inc = lr * g / sqrt(denominator + p.epsilon);
      if (HAS_MOMENTUM) {
        let mi = p.momentum * m[i] + inc;
        m[i] = mi;
        w[i] = wi - mi;
      } else {
        w[i] = wi - inc;
      }
    }
  }
}
