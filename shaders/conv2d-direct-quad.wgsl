enable subgroups;
diagnostic(off, subgroup_uniformity);
// uses: activation, epilogue, conv2d-prologue, conv2d-direct-lib (prepended by src/compile/kernels.ts, in this order)
// conv2d (direct, quad-shared loads): conv2d-direct's 8 pixels × 8 output channels per invocation,
// but the 4 invocations of a quad take 4 consecutive output-channel blocks of the same 8 pixels and
// share the input: each loads 2 pixels' channels and receives the other 6 through quadSwapX/Y/
// Diagonal, nearly free where loads are the cost (SwiftShader). Accumulators are kept by quad
// partner (self, X, Y, diagonal), not by absolute pixel, so the loop needs no selects; the store maps
// them back. Needs `subgroups`, OC divisible by 32 (whole quads) and 4 consecutive invocations per
// quad (true on the adapters this variant is picked for; conv2d-direct is the fallback).
// Helpers: conv2d-direct-lib.wgsl. Reference: src/ops/conv2d.ts; readable spec: conv2d-naive.wgsl.
override WG: u32 = 64u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  let M = p.N * p.OH * p.OW;
  if (i >= ((M + 7u) / 8u) * p.ocBlocks) { return; }     // whole quads: ocBlocks divides by 4
  let block = i % p.ocBlocks;
  let lane = block % 4u;
  let m0 = (i / p.ocBlocks) * 8u;
  let mine = m0 + 2u * lane;                              // this lane loads pixels mine, mine + 1
  // s = self, x = partner lane ^ 1, y = lane ^ 2, d = lane ^ 3; a/b = the partner's two pixels.
  var loSa = vec4<f32>(0.0); var hiSa = vec4<f32>(0.0); var loSb = vec4<f32>(0.0); var hiSb = vec4<f32>(0.0);
  var loXa = vec4<f32>(0.0); var hiXa = vec4<f32>(0.0); var loXb = vec4<f32>(0.0); var hiXb = vec4<f32>(0.0);
  var loYa = vec4<f32>(0.0); var hiYa = vec4<f32>(0.0); var loYb = vec4<f32>(0.0); var hiYb = vec4<f32>(0.0);
  var loDa = vec4<f32>(0.0); var hiDa = vec4<f32>(0.0); var loDb = vec4<f32>(0.0); var hiDb = vec4<f32>(0.0);
  for (var ky = 0u; ky < p.KH; ky++) {
    for (var kx = 0u; kx < p.KW; kx++) {
      let ba = inputBase(mine, ky, kx);
      let bb = inputBase(mine + 1u, ky, kx);
      var wi = ((block * p.KH + ky) * p.KW + kx) * p.C4 * 8u;
      for (var ci = 0u; ci < p.C4 * 4u; ci += 4u) {
        let lw = mat4x4<f32>(w[wi], w[wi + 2u], w[wi + 4u], w[wi + 6u]);
        let hw = mat4x4<f32>(w[wi + 1u], w[wi + 3u], w[wi + 5u], w[wi + 7u]);
        wi += 8u;
        let sa = load4(ba, ci);
        let sb = load4(bb, ci);
        loSa += lw * sa; hiSa += hw * sa; loSb += lw * sb; hiSb += hw * sb;
        let xa = quadSwapX(sa); let xb = quadSwapX(sb);
        loXa += lw * xa; hiXa += hw * xa; loXb += lw * xb; hiXb += hw * xb;
        let ya = quadSwapY(sa); let yb = quadSwapY(sb);
        loYa += lw * ya; hiYa += hw * ya; loYb += lw * yb; hiYb += hw * yb;
        let da = quadSwapDiagonal(sa); let db = quadSwapDiagonal(sb);
        loDa += lw * da; hiDa += hw * da; loDb += lw * db; hiDb += hw * db;
      }
    }
  }
  let oc0 = block * 8u;
  store(mine, oc0, loSa, hiSa); store(mine + 1u, oc0, loSb, hiSb);
  let px = m0 + 2u * (lane ^ 1u);
  store(px, oc0, loXa, hiXa); store(px + 1u, oc0, loXb, hiXb);
  let py = m0 + 2u * (lane ^ 2u);
  store(py, oc0, loYa, hiYa); store(py + 1u, oc0, loYb, hiYb);
  let pd = m0 + 2u * (lane ^ 3u);
  store(pd, oc0, loDa, hiDa); store(pd + 1u, oc0, loDb, hiDb);
}
