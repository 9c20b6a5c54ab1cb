// uses: activation (prepended by src/compile/kernels.ts)
// An elementwise activation's gradient: dz = dy · f'(z), z its input (the pre-activation), kept by the
// forward pass. ACT and its parameters are the forward's override constants (activation.wgsl).
// 4 values an invocation, as vec4s (the tensors are contiguous, from their buffers' starts; past the
// last value the store keeps what is there).
// Reference: src/ops/gradients.ts (DERIVATIVES), src/ops/relu.ts backward
struct Params { count: u32 }

@group(0) @binding(0) var<storage, read> dy: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read> z: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read_write> dz: array<vec4<f32>>;
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
    case ACT_TANH: { let t = tanh(x); return 1.0 - t * t; }
    case ACT_SOFTPLUS: { return select(sigmoidOf(x), 1.0, x > 20.0); }
    case ACT_SOFTSIGN: { let d = 1.0 + abs(x); return 1.0 / (d * d); }
    default: { return 1.0; }
  }
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let j = gid.x + gid.y * nwg.x * WG;
  if (4u * j >= p.count) { return; }
  let v = z[j];
  var g = dy[j] * vec4<f32>(derivative(v.x), derivative(v.y), derivative(v.z), derivative(v.w));
  if (ACCUMULATE) { g += dz[j]; }
  if (4u * j + 4u > p.count) { g = select(dz[j], g, vec4<u32>(4u * j) + vec4<u32>(0u, 1u, 2u, 3u) < vec4<u32>(p.count)); }
  dz[j] = g;
}
