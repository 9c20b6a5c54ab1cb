// uses: activation, epilogue, conv2d-prologue, conv2d-direct-lib (prepended by src/compile/kernels.ts, in this order)
// conv2d (grouped, register-tiled): ResNeXt's grouped convolution. Each invocation computes
// 8 output pixels × 4 output channels of one group, stepping 4 of the group's input channels at a
// time as one mat4×vec4 product per pixel — where conv2d-naive loads two values per multiply-add.
// Needs channels and filters per group divisible by 4 (ResNeXt: 4 to 32); others use conv2d-naive.
// Weights repacked at compile time (src/compile/pack.ts) to [OC/4][KH][KW][C/groups][4].
// Helpers: conv2d-direct-lib.wgsl. Reference: src/ops/conv2d.ts; readable spec: conv2d-naive.wgsl.
override WG: u32 = 64u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  let M = p.N * p.OH * p.OW;
  if (i >= ((M + 7u) / 8u) * p.ocBlocks) { return; }
  let block = i % p.ocBlocks;                      // 4 output channels
  let m0 = (i / p.ocBlocks) * 8u;
  let oc0 = block * 4u;
  let c0 = (oc0 / p.OCG) * p.CG;                   // the group's first input channel
  var a0 = vec4<f32>(0.0); var a1 = vec4<f32>(0.0); var a2 = vec4<f32>(0.0); var a3 = vec4<f32>(0.0);
  var a4 = vec4<f32>(0.0); var a5 = vec4<f32>(0.0); var a6 = vec4<f32>(0.0); var a7 = vec4<f32>(0.0);
  for (var ky = 0u; ky < p.KH; ky++) {
    for (var kx = 0u; kx < p.KW; kx++) {
      let b0 = inputBase(m0, ky, kx);      let b1 = inputBase(m0 + 1u, ky, kx);
      let b2 = inputBase(m0 + 2u, ky, kx); let b3 = inputBase(m0 + 3u, ky, kx);
      let b4 = inputBase(m0 + 4u, ky, kx); let b5 = inputBase(m0 + 5u, ky, kx);
      let b6 = inputBase(m0 + 6u, ky, kx); let b7 = inputBase(m0 + 7u, ky, kx);
      var wi = ((block * p.KH + ky) * p.KW + kx) * p.CG;  // vec4 index of input channel 0
      for (var ci = 0u; ci < p.CG; ci += 4u) {
        // Columns = the group's input channels ci..ci+3; rows = the block's 4 output channels.
        let wm = mat4x4<f32>(w[wi], w[wi + 1u], w[wi + 2u], w[wi + 3u]);
        wi += 4u;
        a0 += wm * load4(b0, c0 + ci); a1 += wm * load4(b1, c0 + ci);
        a2 += wm * load4(b2, c0 + ci); a3 += wm * load4(b3, c0 + ci);
        a4 += wm * load4(b4, c0 + ci); a5 += wm * load4(b5, c0 + ci);
        a6 += wm * load4(b6, c0 + ci); a7 += wm * load4(b7, c0 + ci);
      }
    }
  }
  store4(m0, oc0, a0); store4(m0 + 1u, oc0, a1); store4(m0 + 2u, oc0, a2); store4(m0 + 3u, oc0, a3);
  store4(m0 + 4u, oc0, a4); store4(m0 + 5u, oc0, a5); store4(m0 + 6u, oc0, a6); store4(m0 + 7u, oc0, a7);
}
