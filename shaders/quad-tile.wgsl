// The register tile shared by conv2d-direct-quad16.wgsl and winograd-gemm.wgsl: 16 rows (output pixels
// or Winograd tiles) × 8 filters per invocation, 32 vec4 accumulators. The 4 invocations of a quad take
// 4 consecutive 8-filter blocks of the same 16 rows; each loads 4 rows' channels and receives the
// other 12 through quadSwapX/Y/Diagonal. Accumulators are kept by quad partner: S = self, X = lane ^ 1,
// Y = lane ^ 2, D = lane ^ 3; 0–3 = that lane's 4 rows; l/h = filters 0–3 / 4–7 of the block.
// Named fields, not an array: an array indexed in a loop is kept in memory on some compilers
// (SwiftShader among them); a struct of named vec4s passed by value stays in registers once inlined.
// Needs `enable subgroups` in the kernel that uses it.
struct QuadTile {
  lS0: vec4<f32>, hS0: vec4<f32>, lS1: vec4<f32>, hS1: vec4<f32>, lS2: vec4<f32>, hS2: vec4<f32>, lS3: vec4<f32>, hS3: vec4<f32>,
  lX0: vec4<f32>, hX0: vec4<f32>, lX1: vec4<f32>, hX1: vec4<f32>, lX2: vec4<f32>, hX2: vec4<f32>, lX3: vec4<f32>, hX3: vec4<f32>,
  lY0: vec4<f32>, hY0: vec4<f32>, lY1: vec4<f32>, hY1: vec4<f32>, lY2: vec4<f32>, hY2: vec4<f32>, lY3: vec4<f32>, hY3: vec4<f32>,
  lD0: vec4<f32>, hD0: vec4<f32>, lD1: vec4<f32>, hD1: vec4<f32>, lD2: vec4<f32>, hD2: vec4<f32>, lD3: vec4<f32>, hD3: vec4<f32>,
}

/** One step of 4 input channels: lw, hw are the block's filters 0–3 and 4–7 (columns = channels),
 *  s0–s3 this lane's 4 rows' channels. 512 multiply-adds for 8 weight and 4 input loads. */
fn quadTileStep(t: QuadTile, lw: mat4x4<f32>, hw: mat4x4<f32>, s0: vec4<f32>, s1: vec4<f32>, s2: vec4<f32>, s3: vec4<f32>) -> QuadTile {
  var a = t;
  a.lS0 += lw * s0; a.hS0 += hw * s0; a.lS1 += lw * s1; a.hS1 += hw * s1;
  a.lS2 += lw * s2; a.hS2 += hw * s2; a.lS3 += lw * s3; a.hS3 += hw * s3;
  let x0 = quadSwapX(s0); let x1 = quadSwapX(s1); let x2 = quadSwapX(s2); let x3 = quadSwapX(s3);
  a.lX0 += lw * x0; a.hX0 += hw * x0; a.lX1 += lw * x1; a.hX1 += hw * x1;
  a.lX2 += lw * x2; a.hX2 += hw * x2; a.lX3 += lw * x3; a.hX3 += hw * x3;
  let y0 = quadSwapY(s0); let y1 = quadSwapY(s1); let y2 = quadSwapY(s2); let y3 = quadSwapY(s3);
  a.lY0 += lw * y0; a.hY0 += hw * y0; a.lY1 += lw * y1; a.hY1 += hw * y1;
  a.lY2 += lw * y2; a.hY2 += hw * y2; a.lY3 += lw * y3; a.hY3 += hw * y3;
  let d0 = quadSwapDiagonal(s0); let d1 = quadSwapDiagonal(s1); let d2 = quadSwapDiagonal(s2); let d3 = quadSwapDiagonal(s3);
  a.lD0 += lw * d0; a.hD0 += hw * d0; a.lD1 += lw * d1; a.hD1 += hw * d1;
  a.lD2 += lw * d2; a.hD2 += hw * d2; a.lD3 += lw * d3; a.hD3 += hw * d3;
  return a;
}

/** The accumulators in store order: entry 2k (filters 0–3) and 2k + 1 (4–7) belong to row
 *  4·(lane ^ (k / 4)) + k % 4 of the 16. */
fn quadTileAccumulators(a: QuadTile) -> array<vec4<f32>, 32> {
  return array<vec4<f32>, 32>(a.lS0, a.hS0, a.lS1, a.hS1, a.lS2, a.hS2, a.lS3, a.hS3, a.lX0, a.hX0, a.lX1, a.hX1, a.lX2, a.hX2, a.lX3, a.hX3,
                              a.lY0, a.hY0, a.lY1, a.hY1, a.lY2, a.hY2, a.lY3, a.hY3, a.lD0, a.hD0, a.lD1, a.hD1, a.lD2, a.hD2, a.lD3, a.hD3);
}
