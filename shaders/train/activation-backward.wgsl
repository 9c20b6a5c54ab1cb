// uses: activation (prepended by src/compile/kernels.ts)
// An elementwise activation's gradient: dz = dy · f'(z), z its input (the pre-activation), kept by the
// forward pass, read as pixels with a channel stride (zStride, zOffset over its last axis of C values:
// a concat slice works). ACT and its parameters are the forward's override constants (activation.wgsl).
// Reference: src/ops/gradients.ts (DERIVATIVES), src/ops/relu.ts backward
struct Params { count: u32, C: u32, zStride: u32, zOffset: u32 }

@group(0) @binding(0) var<storage, read> dy: array<f32>;
@group(0) @binding(1) var<storage, read> z: array<f32>;
@group(0) @binding(2) var<storage, read_write> dz: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;
override WG: u32 = 64u;
override ACCUMULATE: bool = false;

fn sigmoidOf(x: f32) -> f32 { return 1.0 / (1.0 + exp(-x)); }

fn derivative(x: f32) -> f32 {
  switch ACT {
    case ACT_RELU: {
      // TensorFlow's convention at the kinks: slope at the threshold itself, 0 at max_value.
      if (x > ACT_THRESHOLD) { return select(0.0, 1.0, x < ACT_MAX); }
      return ACT_SLOPE;
    }
    case ACT_ELU: { return select(exp(x), 1.0, x >= 0.0); }
    case ACT_SIGMOID: { let s = sigmoidOf(x); return s * (1.0 - s); }
    case ACT_HARD_SIGMOID: { return select(0.0, 0.2, (x > -2.5) && (x < 2.5)); }
    case ACT_SWISH: { let s = sigmoidOf(x); return s * (1.0 + x * (1.0 - s)); }
    // Clamped as the forward's (activation.wgsl): WGSL's tanh may be NaN past |x| ≈ 44.
    case ACT_TANH: { let t = tanh(clamp(x, -10.0, 10.0)); return 1.0 - t * t; }
    case ACT_SOFTPLUS: { return select(sigmoidOf(x), 1.0, x > 20.0); }
    case ACT_SOFTSIGN: { let d = 1.0 + abs(x); return 1.0 / (d * d); }
    // Φ(x) + x·φ(x), φ(x) = e^(−x²/2)/√(2π) (activation.wgsl's normalCdf and gaussianTail); 1 and 0 past ±13.
    case ACT_GELU: {
      let a = min(abs(x), 13.0);
      return select(normalCdf(x) + x * 0.39894228 * gaussianTail(a), select(0.0, 1.0, x > 0.0), abs(x) >= 13.0);
    }
    default: { return 1.0; }
  }
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.count) { return; }
  let g = dy[i] * derivative(z[(i / p.C) * p.zStride + p.zOffset + i % p.C]);
  dz[i] = select(g, dz[i] + g, ACCUMULATE);
}
