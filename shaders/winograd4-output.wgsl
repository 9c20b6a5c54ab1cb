// uses: activation, epilogue, winograd-output-lib (prepended by src/compile/kernels.ts, in this order)
// Winograd F(4×4, 3×3), step 3 of 3 (winograd4-input.wgsl says the whole): the output transform
// Y = Aᵀ·M·A of one tile's 36 products into its 4×4 output pixels, 4 output channels per invocation,
// with the conv's fused epilogue (winograd-output-lib.wgsl).
// Aᵀ = [1 1 1 1 1 0; 0 1 −1 2 −2 0; 0 1 1 4 4 0; 0 1 −1 8 −8 1].

struct Six { a: vec4<f32>, b: vec4<f32>, c: vec4<f32>, d: vec4<f32>, e: vec4<f32>, f: vec4<f32> }
struct Four { a: vec4<f32>, b: vec4<f32>, c: vec4<f32>, d: vec4<f32> }

/** Aᵀ·s: six rows (or columns) of products combined into four outputs. */
fn at6(s: Six) -> Four {
  let s12 = s.b + s.c; let d12 = s.b - s.c;
  let s34 = s.d + s.e; let d34 = s.d - s.e;
  return Four(s.a + s12 + s34, d12 + 2.0 * d34, s12 + 4.0 * s34, d12 + 8.0 * d34 + s.f);
}

/** Column `col` of the tile's products: positions col, col + 6, …, col + 30. */
fn column(base: u32, stride: u32, col: u32) -> Six {
  let i = base + col * stride;
  return Six(m[i], m[i + 6u * stride], m[i + 12u * stride], m[i + 18u * stride], m[i + 24u * stride], m[i + 30u * stride]);
}

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * 64u;
  if (i >= p.tiles * p.OC4) { return; }
  let tile = outputTile(i);
  let stride = p.Tc * p.OC4;
  // Aᵀ·M, one column at a time (rows of outputs 0–3 of each column); then each output row ·A. Inlined:
  // as loops over a private array it ran 2× slower.
  let c0 = at6(column(i, stride, 0u)); let c1 = at6(column(i, stride, 1u)); let c2 = at6(column(i, stride, 2u));
  let c3 = at6(column(i, stride, 3u)); let c4 = at6(column(i, stride, 4u)); let c5 = at6(column(i, stride, 5u));
  let r0 = at6(Six(c0.a, c1.a, c2.a, c3.a, c4.a, c5.a));
  let r1 = at6(Six(c0.b, c1.b, c2.b, c3.b, c4.b, c5.b));
  let r2 = at6(Six(c0.c, c1.c, c2.c, c3.c, c4.c, c5.c));
  let r3 = at6(Six(c0.d, c1.d, c2.d, c3.d, c4.d, c5.d));
  let ys = array<vec4<f32>, 16>(r0.a, r0.b, r0.c, r0.d, r1.a, r1.b, r1.c, r1.d, r2.a, r2.b, r2.c, r2.d, r3.a, r3.b, r3.c, r3.d);
  let oc = 4u * (i % p.OC4);
  // One store in a loop, not 16 inlined copies of it and the epilogue: pipeline creation time grows
  // with code size on SwiftShader.
  for (var k = 0u; k < 16u; k++) { store(tile.x, 4u * tile.y + k / 4u, 4u * tile.z + k % 4u, oc, ys[k]); }
}
