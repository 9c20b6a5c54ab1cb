enable subgroups;
diagnostic(off, subgroup_uniformity);
// uses: activation, epilogue, conv2d-prologue, conv2d-direct-lib, quad-tile (prepended by src/compile/kernels.ts, in this order)
// conv2d (direct, quad-shared loads, 16 pixels): each invocation computes 16 output pixels × 8 output
// channels (128 accumulators, the most that pays on SwiftShader); the 4 invocations of a quad take 4
// consecutive output-channel blocks of the same 16 pixels, each loads 4 of them and receives the
// other 12 through quadSwapX/Y/Diagonal. Per step of 4 input channels: 8 weight + 4 input loads for
// 512 multiply-adds (conv2d-direct-quad: 10 for 256). Each pixel's window origin is computed once,
// outside the tap loops; padding is a select, not a branch; the bias is loaded once per invocation.
// ROW (small C, e.g. an RGB stem): a window row is one tap of KW·C channels (conv2d-direct-lib).
// The register tile and its step: quad-tile.wgsl (shared with winograd-gemm.wgsl).
// Any OC: ocBlocks is rounded up to whole quads, the extra filters' weights are zero and never
// stored. One kernel for every groups = 1 conv, linear and the ReLU family taken from the params:
// pipelines stay few (each costs 100s of ms to create on SwiftShader). Needs `subgroups` and 4
// consecutive invocations per quad (conv2d-direct is the fallback). Weights: packDirect.
// Helpers: conv2d-direct-lib.wgsl. Reference: src/ops/conv2d.ts; readable spec: conv2d-naive.wgsl.
override WG: u32 = 32u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= ((p.N * p.OH * p.OW + 15u) / 16u) * p.ocBlocks) { return; }  // whole quads: ocBlocks divides by 4
  let block = i % p.ocBlocks;
  let lane = block % 4u;
  let m0 = (i / p.ocBlocks) * 16u;
  let mine = m0 + 4u * lane;                              // this lane loads pixels mine .. mine + 3
  let o0 = pixelOrigin(mine); let o1 = pixelOrigin(mine + 1u);
  let o2 = pixelOrigin(mine + 2u); let o3 = pixelOrigin(mine + 3u);
  var tile = QuadTile();
  let taps = select(p.KW, 1u, ROW);                     // taps per window row
  var wi = block * p.KH * taps * p.C4 * 8u;               // weights are one stream per block: taps, then channels
  for (var ky = 0u; ky < p.KH; ky++) {
    for (var kx = 0u; kx < taps; kx++) {
      let t0 = tapIndex(o0, ky, kx); let t1 = tapIndex(o1, ky, kx);
      let t2 = tapIndex(o2, ky, kx); let t3 = tapIndex(o3, ky, kx);
      for (var ci = 0u; ci < p.C4 * 4u; ci += 4u) {
        let lw = mat4x4<f32>(w[wi], w[wi + 2u], w[wi + 4u], w[wi + 6u]);
        let hw = mat4x4<f32>(w[wi + 1u], w[wi + 3u], w[wi + 5u], w[wi + 7u]);
        wi += 8u;
        tile = quadTileStep(tile, lw, hw, tapLoad(t0, ci), tapLoad(t1, ci), tapLoad(t2, ci), tapLoad(t3, ci));
      }
    }
  }
  let oc0 = block * 8u;
  let bl = bias4(oc0); let bh = bias4(oc0 + 4u);
  // One store8 in a loop rather than 16 inlined copies: pipeline creation time grows with code size.
  let acc = quadTileAccumulators(tile);
  for (var k = 0u; k < 16u; k++) {
    let partner = lane ^ (k / 4u);                         // S, X, Y, D = lane ^ 0, 1, 2, 3
    store8(m0 + 4u * partner + k % 4u, oc0, acc[2u * k] + bl, acc[2u * k + 1u] + bh);
  }
}
