// uses: winograd-input-lib (prepended by src/compile/kernels.ts)
// Winograd F(4×4, 3×3), step 1 of 3: the input transform V = Bᵀ·d·B of every 6×6 input tile (stride 4,
// one tile per 4×4 block of output pixels) and 4 channels per invocation, written as
// V[position 0..35][tile][channel] (winograd-input-lib.wgsl). Steps 2 and 3: winograd-gemm.wgsl (36
// products) and winograd4-output.wgsl. 36 products per 16 outputs where F(2×2, 3×3) takes 16 per 4:
// 4× fewer multiply-adds than the direct conv instead of 2.25×, for larger transforms and rounding
// errors (Lavin & Gray's points 0, ±1, ±2: a few 1e-6 of the output's scale; src/compile/winograd.ts).
// Bᵀ = [4 0 −5 0 1 0; 0 −4 −4 1 1 0; 0 4 −4 −1 1 0; 0 −2 −1 2 1 0; 0 2 −1 −2 1 0; 0 4 0 −5 0 1].
// Reference: src/ops/conv2d.ts.

struct Six { a: vec4<f32>, b: vec4<f32>, c: vec4<f32>, d: vec4<f32>, e: vec4<f32>, f: vec4<f32> }

/** Bᵀ·s: six rows (or columns) of a tile combined into six. */
fn bt(s: Six) -> Six {
  let e4c = s.e - 4.0 * s.c; let d4b = s.d - 4.0 * s.b;
  let ec = s.e - s.c; let db2 = 2.0 * (s.d - s.b);
  return Six(4.0 * s.a - 5.0 * s.c + s.e, e4c + d4b, e4c - d4b, ec + db2, ec - db2, 4.0 * s.b - 5.0 * s.d + s.f);
}

/** Row `row` of the transformed tile into V: positions 6·row .. 6·row + 5. */
fn put(base: u32, stride: u32, row: u32, s: Six) {
  let i = base + 6u * row * stride;
  v[i] = s.a; v[i + stride] = s.b; v[i + 2u * stride] = s.c;
  v[i + 3u * stride] = s.d; v[i + 4u * stride] = s.e; v[i + 5u * stride] = s.f;
}

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * 64u;
  if (i >= p.Tc * p.C4) { return; }
  let c4 = i % p.C4;
  let o = tileOrigin(i, 4u);
  // A loop, not 36 inlined copies of at(): pipeline creation time grows with code size. The
  // transform itself is inlined: as loops over a private array it ran 2× slower.
  var d: array<vec4<f32>, 36>;
  for (var k = 0; k < 36; k++) { d[k] = at(o, k / 6, k % 6, c4); }
  // Bᵀ·d, one column at a time; then each row of that ·B, written out.
  let col0 = bt(Six(d[0], d[6], d[12], d[18], d[24], d[30]));
  let col1 = bt(Six(d[1], d[7], d[13], d[19], d[25], d[31]));
  let col2 = bt(Six(d[2], d[8], d[14], d[20], d[26], d[32]));
  let col3 = bt(Six(d[3], d[9], d[15], d[21], d[27], d[33]));
  let col4 = bt(Six(d[4], d[10], d[16], d[22], d[28], d[34]));
  let col5 = bt(Six(d[5], d[11], d[17], d[23], d[29], d[35]));
  let stride = p.Tc * p.C4;
  put(i, stride, 0u, bt(Six(col0.a, col1.a, col2.a, col3.a, col4.a, col5.a)));
  put(i, stride, 1u, bt(Six(col0.b, col1.b, col2.b, col3.b, col4.b, col5.b)));
  put(i, stride, 2u, bt(Six(col0.c, col1.c, col2.c, col3.c, col4.c, col5.c)));
  put(i, stride, 3u, bt(Six(col0.d, col1.d, col2.d, col3.d, col4.d, col5.d)));
  put(i, stride, 4u, bt(Six(col0.e, col1.e, col2.e, col3.e, col4.e, col5.e)));
  put(i, stride, 5u, bt(Six(col0.f, col1.f, col2.f, col3.f, col4.f, col5.f)));
}
