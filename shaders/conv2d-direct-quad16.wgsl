enable subgroups;
diagnostic(off, subgroup_uniformity);
// uses: activation, epilogue, conv2d-direct-lib (prepended by src/compile/kernels.ts, in this order)
// conv2d (direct, quad-shared loads, 16 pixels): each invocation computes 16 output pixels × 8 output
// channels (128 accumulators, the most that pays on SwiftShader); the 4 invocations of a quad take 4
// consecutive output-channel blocks of the same 16 pixels, each loads 4 of them and receives the
// other 12 through quadSwapX/Y/Diagonal. Per step of 4 input channels: 8 weight + 4 input loads for
// 512 multiply-adds (conv2d-direct-quad: 10 for 256). Each pixel's window origin is computed once,
// outside the tap loops; padding is a select, not a branch; the bias is loaded once per invocation.
// ROW (small C, e.g. an RGB stem): a window row is one tap of KW·C channels (conv2d-direct-lib).
// Accumulators are kept by quad partner (self, X, Y, diagonal); the store maps them back.
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
  // S = self, X = lane ^ 1, Y = lane ^ 2, D = lane ^ 3; 0–3 = that lane's 4 pixels; l/h = channels 0–3 / 4–7.
  var lS0 = vec4<f32>(0.0); var hS0 = vec4<f32>(0.0); var lS1 = vec4<f32>(0.0); var hS1 = vec4<f32>(0.0);
  var lS2 = vec4<f32>(0.0); var hS2 = vec4<f32>(0.0); var lS3 = vec4<f32>(0.0); var hS3 = vec4<f32>(0.0);
  var lX0 = vec4<f32>(0.0); var hX0 = vec4<f32>(0.0); var lX1 = vec4<f32>(0.0); var hX1 = vec4<f32>(0.0);
  var lX2 = vec4<f32>(0.0); var hX2 = vec4<f32>(0.0); var lX3 = vec4<f32>(0.0); var hX3 = vec4<f32>(0.0);
  var lY0 = vec4<f32>(0.0); var hY0 = vec4<f32>(0.0); var lY1 = vec4<f32>(0.0); var hY1 = vec4<f32>(0.0);
  var lY2 = vec4<f32>(0.0); var hY2 = vec4<f32>(0.0); var lY3 = vec4<f32>(0.0); var hY3 = vec4<f32>(0.0);
  var lD0 = vec4<f32>(0.0); var hD0 = vec4<f32>(0.0); var lD1 = vec4<f32>(0.0); var hD1 = vec4<f32>(0.0);
  var lD2 = vec4<f32>(0.0); var hD2 = vec4<f32>(0.0); var lD3 = vec4<f32>(0.0); var hD3 = vec4<f32>(0.0);
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
        let s0 = tapLoad(t0, ci); let s1 = tapLoad(t1, ci); let s2 = tapLoad(t2, ci); let s3 = tapLoad(t3, ci);
        lS0 += lw * s0; hS0 += hw * s0; lS1 += lw * s1; hS1 += hw * s1;
        lS2 += lw * s2; hS2 += hw * s2; lS3 += lw * s3; hS3 += hw * s3;
        let x0 = quadSwapX(s0); let x1 = quadSwapX(s1); let x2 = quadSwapX(s2); let x3 = quadSwapX(s3);
        lX0 += lw * x0; hX0 += hw * x0; lX1 += lw * x1; hX1 += hw * x1;
        lX2 += lw * x2; hX2 += hw * x2; lX3 += lw * x3; hX3 += hw * x3;
        let y0 = quadSwapY(s0); let y1 = quadSwapY(s1); let y2 = quadSwapY(s2); let y3 = quadSwapY(s3);
        lY0 += lw * y0; hY0 += hw * y0; lY1 += lw * y1; hY1 += hw * y1;
        lY2 += lw * y2; hY2 += hw * y2; lY3 += lw * y3; hY3 += hw * y3;
        let d0 = quadSwapDiagonal(s0); let d1 = quadSwapDiagonal(s1); let d2 = quadSwapDiagonal(s2); let d3 = quadSwapDiagonal(s3);
        lD0 += lw * d0; hD0 += hw * d0; lD1 += lw * d1; hD1 += hw * d1;
        lD2 += lw * d2; hD2 += hw * d2; lD3 += lw * d3; hD3 += hw * d3;
      }
    }
  }
  let oc0 = block * 8u;
  let bl = bias4(oc0); let bh = bias4(oc0 + 4u);
  // One store8 in a loop rather than 16 inlined copies: pipeline creation time grows with code size.
  let acc = array<vec4<f32>, 32>(lS0, hS0, lS1, hS1, lS2, hS2, lS3, hS3, lX0, hX0, lX1, hX1, lX2, hX2, lX3, hX3,
                                 lY0, hY0, lY1, hY1, lY2, hY2, lY3, hY3, lD0, hD0, lD1, hD1, lD2, hD2, lD3, hD3);
  for (var k = 0u; k < 16u; k++) {
    let partner = lane ^ (k / 4u);                         // S, X, Y, D = lane ^ 0, 1, 2, 3
    store8(m0 + 4u * partner + k % 4u, oc0, acc[2u * k] + bl, acc[2u * k + 1u] + bh);
  }
}
