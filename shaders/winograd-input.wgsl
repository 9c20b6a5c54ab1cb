// uses: winograd-input-lib (prepended by src/compile/kernels.ts)
// Winograd F(2×2, 3×3), step 1 of 3: the input transform V = Bᵀ·d·B of every 4×4 input tile (stride 2,
// one tile per 2×2 block of output pixels) and 4 channels per invocation, written as
// V[position 0..15][tile][channel] (winograd-input-lib.wgsl). Chunks of tiles bound the scratch
// memory: V and M of a whole layer would be 4× its input and output. Step 2 is 16 independent Tc×C by
// C×OC products (winograd-gemm.wgsl; one weight matrix U = G·g·Gᵀ per position, made at compile time
// by packWinograd); step 3 is winograd-output.wgsl. 2.25× fewer multiply-adds than the direct 3×3
// conv; F(4×4, 3×3) (winograd4-input.wgsl) saves 4×, and is chosen where its bigger tiles are not
// mostly padding (src/compile/winograd.ts). Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1].
// Reference: src/ops/conv2d.ts.

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * 64u;
  if (i >= p.Tc * p.C4) { return; }
  let c4 = i % p.C4;
  let o = tileOrigin(i, 2u);
  // A loop, not 16 inlined copies of at(): pipeline creation time grows with code size (SwiftShader:
  // 96 ms to create rather than ~35).
  var d: array<vec4<f32>, 16>;
  for (var k = 0; k < 16; k++) { d[k] = at(o, k / 4, k % 4, c4); }
  // Bᵀ·d: rows combined, one column at a time; then ·B: columns combined, written out.
  let t00 = d[0] - d[8]; let t10 = d[4] + d[8]; let t20 = d[8] - d[4]; let t30 = d[4] - d[12];
  let t01 = d[1] - d[9]; let t11 = d[5] + d[9]; let t21 = d[9] - d[5]; let t31 = d[5] - d[13];
  let t02 = d[2] - d[10]; let t12 = d[6] + d[10]; let t22 = d[10] - d[6]; let t32 = d[6] - d[14];
  let t03 = d[3] - d[11]; let t13 = d[7] + d[11]; let t23 = d[11] - d[7]; let t33 = d[7] - d[15];
  let stride = p.Tc * p.C4;
  let base = i;
  v[base + 0u * stride] = t00 - t02;
  v[base + 1u * stride] = t01 + t02;
  v[base + 2u * stride] = t02 - t01;
  v[base + 3u * stride] = t01 - t03;
  v[base + 4u * stride] = t10 - t12;
  v[base + 5u * stride] = t11 + t12;
  v[base + 6u * stride] = t12 - t11;
  v[base + 7u * stride] = t11 - t13;
  v[base + 8u * stride] = t20 - t22;
  v[base + 9u * stride] = t21 + t22;
  v[base + 10u * stride] = t22 - t21;
  v[base + 11u * stride] = t21 - t23;
  v[base + 12u * stride] = t30 - t32;
  v[base + 13u * stride] = t31 + t32;
  v[base + 14u * stride] = t32 - t31;
  v[base + 15u * stride] = t31 - t33;
}
