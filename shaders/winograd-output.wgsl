// uses: activation, epilogue (prepended by src/compile/kernels.ts, in this order)
// Winograd F(2×2, 3×3), step 3 of 3 (winograd-input.wgsl says the whole): the output transform
// Y = Aᵀ·M·A of one tile's 16 products into its 2×2 output pixels, 4 output channels per invocation
// (`tiles` tiles of the chunk that starts at tile t0),
// with the conv's fused epilogue (bias, activation, residual add, activation after it) on the way out,
// to any channel slice (a concat written in place). Aᵀ = [1 1 1 0; 0 1 −1 −1].
struct Params {
  N: u32, OH: u32, OW: u32, OC: u32, tilesY: u32, tilesX: u32, t0: u32, tiles: u32, Tc: u32, OC4: u32,
  yStride: u32, yOffset: u32, rStride: u32, rOffset: u32,
}

@group(0) @binding(0) var<storage, read> m: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read> bias: array<f32>;
@group(0) @binding(2) var<storage, read> residual: array<f32>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;
@group(0) @binding(4) var<uniform> p: Params;

/** Output channels oc .. oc + 3 (those below OC) of pixel (n, oy, ox), when it is inside the output. */
fn store(n: u32, oy: u32, ox: u32, oc: u32, v: vec4<f32>) {
  if ((oy >= p.OH) | (ox >= p.OW)) { return; }
  let pixel = (n * p.OH + oy) * p.OW + ox;
  let i = pixel * p.yStride + p.yOffset + oc;
  let r = pixel * p.rStride + p.rOffset + oc;
  for (var j = 0u; j < min(4u, p.OC - oc); j++) { y[i + j] = epilogue(v[j], oc + j, r + j); }
}

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * 64u;
  if (i >= p.tiles * p.OC4) { return; }
  let oc4 = i % p.OC4;
  let t = p.t0 + i / p.OC4;
  let tx = t % p.tilesX;
  let ty = (t / p.tilesX) % p.tilesY;
  let n = t / (p.tilesX * p.tilesY);
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
  let oc = 4u * oc4;
  let ys = array<vec4<f32>, 4>(a00 + a01 + a02, a01 - a02 - a03, a10 + a11 + a12, a11 - a12 - a13);
  // One store in a loop, not 4 inlined copies of it and the epilogue: pipeline creation time grows with
  // code size on SwiftShader (the copies took 67 ms to create rather than 34).
  for (var k = 0u; k < 4u; k++) { store(n, 2u * ty + k / 2u, 2u * tx + k % 2u, oc, ys[k]); }
}
