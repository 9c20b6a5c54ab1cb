// uses: activation, epilogue, winograd-output-lib (prepended by src/compile/kernels.ts, in this order)
// Winograd F(2×2, 3×3), step 3 of 3 (winograd-input.wgsl says the whole): the output transform
// Y = Aᵀ·M·A of one tile's 16 products into its 2×2 output pixels, 4 output channels per invocation,
// with the conv's fused epilogue (winograd-output-lib.wgsl). Aᵀ = [1 1 1 0; 0 1 −1 −1].

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * 64u;
  if (i >= p.tiles * p.OC4) { return; }
  let tile = outputTile(i);
  let stride = p.Tc * p.OC4;
  let base = i;
  let q0 = m[base + 0u * stride];
  let q1 = m[base + 1u * stride];
  let q2 = m[base + 2u * stride];
  let q3 = m[base + 3u * stride];
  let q4 = m[base + 4u * stride];
  let q5 = m[base + 5u * stride];
  let q6 = m[base + 6u * stride];
  let q7 = m[base + 7u * stride];
  let q8 = m[base + 8u * stride];
  let q9 = m[base + 9u * stride];
  let q10 = m[base + 10u * stride];
  let q11 = m[base + 11u * stride];
  let q12 = m[base + 12u * stride];
  let q13 = m[base + 13u * stride];
  let q14 = m[base + 14u * stride];
  let q15 = m[base + 15u * stride];
  let a00 = q0 + q4 + q8; let a10 = q4 - q8 - q12;
  let a01 = q1 + q5 + q9; let a11 = q5 - q9 - q13;
  let a02 = q2 + q6 + q10; let a12 = q6 - q10 - q14;
  let a03 = q3 + q7 + q11; let a13 = q7 - q11 - q15;
  let oc = 4u * (i % p.OC4);
  let ys = array<vec4<f32>, 4>(a00 + a01 + a02, a01 - a02 - a03, a10 + a11 + a12, a11 - a12 - a13);
  // One store in a loop, not 4 inlined copies of it and the epilogue: pipeline creation time grows with
  // code size on SwiftShader (the copies took 67 ms to create rather than 34).
  for (var k = 0u; k < 4u; k++) { store(tile.x, 2u * tile.y + k / 2u, 2u * tile.z + k % 2u, oc, ys[k]); }
}
