// uses: activation, epilogue, conv2d-prologue, conv2d-direct-lib (prepended by src/compile/kernels.ts, in this order)
// conv2d (direct, register-tiled): each invocation computes 8 output pixels × 8 output channels,
// stepping 4 input channels at a time as two mat4×vec4 products per pixel, so every loaded value
// feeds 8–32 multiply-adds. Written for adapters where loads, not arithmetic, are the cost
// (SwiftShader: a dynamically indexed load costs ~18 multiply-adds and workgroup memory is no
// faster); the pixel loop is unrolled by hand because such compilers do not unroll it.
// Pixels are flattened (m = (n·OH + oy)·OW + ox), so 7×7 layers waste no lanes. groups = 1.
// Weights are repacked at compile time (src/compile/pack.ts) to [OC/8][KH][KW][C↑4][8], zero-padded.
// Helpers: conv2d-direct-lib.wgsl. Reference: src/ops/conv2d.ts; readable spec: conv2d-naive.wgsl.
override WG: u32 = 64u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  let M = p.N * p.OH * p.OW;
  if (i >= ((M + 7u) / 8u) * p.ocBlocks) { return; }
  let block = i % p.ocBlocks;
  let m0 = (i / p.ocBlocks) * 8u;
  // lo = output channels 0–3 of the block, hi = 4–7; one pair per pixel.
  var lo0 = vec4<f32>(0.0); var hi0 = vec4<f32>(0.0);
  var lo1 = vec4<f32>(0.0); var hi1 = vec4<f32>(0.0);
  var lo2 = vec4<f32>(0.0); var hi2 = vec4<f32>(0.0);
  var lo3 = vec4<f32>(0.0); var hi3 = vec4<f32>(0.0);
  var lo4 = vec4<f32>(0.0); var hi4 = vec4<f32>(0.0);
  var lo5 = vec4<f32>(0.0); var hi5 = vec4<f32>(0.0);
  var lo6 = vec4<f32>(0.0); var hi6 = vec4<f32>(0.0);
  var lo7 = vec4<f32>(0.0); var hi7 = vec4<f32>(0.0);
  for (var ky = 0u; ky < p.KH; ky++) {
    for (var kx = 0u; kx < p.KW; kx++) {
      let b0 = inputBase(m0, ky, kx);      let b1 = inputBase(m0 + 1u, ky, kx);
      let b2 = inputBase(m0 + 2u, ky, kx); let b3 = inputBase(m0 + 3u, ky, kx);
      let b4 = inputBase(m0 + 4u, ky, kx); let b5 = inputBase(m0 + 5u, ky, kx);
      let b6 = inputBase(m0 + 6u, ky, kx); let b7 = inputBase(m0 + 7u, ky, kx);
      var wi = ((block * p.KH + ky) * p.KW + kx) * p.C4 * 8u;   // vec4 index of (ci = 0, half 0)
      for (var ci = 0u; ci < p.C4 * 4u; ci += 4u) {
        // Columns = input channels ci..ci+3; rows = the block's output channels.
        let lw = mat4x4<f32>(w[wi], w[wi + 2u], w[wi + 4u], w[wi + 6u]);
        let hw = mat4x4<f32>(w[wi + 1u], w[wi + 3u], w[wi + 5u], w[wi + 7u]);
        wi += 8u;
        let x0 = load4(b0, ci); lo0 += lw * x0; hi0 += hw * x0;
        let x1 = load4(b1, ci); lo1 += lw * x1; hi1 += hw * x1;
        let x2 = load4(b2, ci); lo2 += lw * x2; hi2 += hw * x2;
        let x3 = load4(b3, ci); lo3 += lw * x3; hi3 += hw * x3;
        let x4 = load4(b4, ci); lo4 += lw * x4; hi4 += hw * x4;
        let x5 = load4(b5, ci); lo5 += lw * x5; hi5 += hw * x5;
        let x6 = load4(b6, ci); lo6 += lw * x6; hi6 += hw * x6;
        let x7 = load4(b7, ci); lo7 += lw * x7; hi7 += hw * x7;
      }
    }
  }
  let oc0 = block * 8u;
  store(m0, oc0, lo0, hi0); store(m0 + 1u, oc0, lo1, hi1);
  store(m0 + 2u, oc0, lo2, hi2); store(m0 + 3u, oc0, lo3, hi3);
  store(m0 + 4u, oc0, lo4, hi4); store(m0 + 5u, oc0, lo5, hi5);
  store(m0 + 6u, oc0, lo6, hi6); store(m0 + 7u, oc0, lo7, hi7);
}
