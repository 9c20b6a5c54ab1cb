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
  let m00 = m[base + 0u * stride];
  let m01 = m[base + 1u * stride];
  let m02 = m[base + 2u * stride];
  let m03 = m[base + 3u * stride];
  let m10 = m[base + 4u * stride];
  let m11 = m[base + 5u * stride];
  let m12 = m[base + 6u * stride];
  let m13 = m[base + 7u * stride];
  let m20 = m[base + 8u * stride];
  let m21 = m[base + 9u * stride];
  let m22 = m[base + 10u * stride];
  let m23 = m[base + 11u * stride];
  let m30 = m[base + 12u * stride];
  let m31 = m[base + 13u * stride];
  let m32 = m[base + 14u * stride];
  let m33 = m[base + 15u * stride];
  let a00 = m00 + m10 + m20; let a10 = m10 - m20 - m30;
  let a01 = m01 + m11 + m21; let a11 = m11 - m21 - m31;
  let a02 = m02 + m12 + m22; let a12 = m12 - m22 - m32;
  let a03 = m03 + m13 + m23; let a13 = m13 - m23 - m33;
  let oc = 4u * oc4;
  store(n, 2u * ty + 0u, 2u * tx, oc, a00 + a01 + a02);
  store(n, 2u * ty + 0u, 2u * tx + 1u, oc, a01 - a02 - a03);
  store(n, 2u * ty + 1u, 2u * tx, oc, a10 + a11 + a12);
  store(n, 2u * ty + 1u, 2u * tx + 1u, oc, a11 - a12 - a13);
}
