// Winograd F(2×2, 3×3), step 1 of 3: the input transform V = Bᵀ·d·B of every 4×4 input tile (stride 2,
// one tile per 2×2 block of output pixels) and 4 channels per invocation, written as
// V[position 0..15][tile][channel] for one chunk of Tc tiles from tile t0 (Tc a multiple of 16; channels
// padded to C4·4; zeros past the last tile and channel). Chunks bound the scratch memory: V and M of a
// whole layer would be 4× its input and output. Step 2 is 16
// independent Tc×C by C×OC products (winograd-gemm.wgsl; one weight matrix U = G·g·Gᵀ per position,
// made at compile time by packWinograd); step 3 is winograd-output.wgsl. 2.25× fewer
// multiply-adds than the direct 3×3 conv, which is what pays on SwiftShader, where arithmetic and
// loads both cost. Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1]. Reference: src/ops/conv2d.ts.
struct Params {
  N: u32, H: u32, W: u32, C: u32, xStride: u32, xOffset: u32,
  tilesY: u32, tilesX: u32, T: u32, t0: u32, Tc: u32, C4: u32, padTop: u32, padLeft: u32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> x4: array<vec4<f32>>;   // x again, 4 channels per load
@group(0) @binding(2) var<storage, read_write> v: array<vec4<f32>>;
@group(0) @binding(3) var<uniform> p: Params;
// Channels come 4 to a load when C, the channel stride and the offset all divide by 4.
override VEC_X: bool = false;

/** Channels 4·c4 .. 4·c4 + 3 of input row o.x + r, column o.y + c of image o.z; zeros outside. */
fn at(o: vec3<i32>, r: i32, c: i32, c4: u32) -> vec4<f32> {
  let iy = o.x + r;
  let ix = o.y + c;
  let inside = (iy >= 0) & (iy < i32(p.H)) & (ix >= 0) & (ix < i32(p.W));
  let i = u32(max(((o.z * i32(p.H) + iy) * i32(p.W) + ix) * i32(p.xStride) + i32(p.xOffset), 0)) + 4u * c4;
  if (VEC_X) { return select(vec4<f32>(0.0), x4[i / 4u], inside); }
  let ch = vec4<u32>(4u * c4) + vec4<u32>(0u, 1u, 2u, 3u);
  return select(vec4<f32>(0.0), vec4<f32>(x[i], x[i + 1u], x[i + 2u], x[i + 3u]), vec4<bool>(inside) & (ch < vec4<u32>(p.C)));
}

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * 64u;
  if (i >= p.Tc * p.C4) { return; }
  let c4 = i % p.C4;
  let t = p.t0 + i / p.C4;
  let tx = t % p.tilesX;
  let ty = (t / p.tilesX) % p.tilesY;
  let n = t / (p.tilesX * p.tilesY);
  // A tile past the last (t ≥ T) gets a row no load reaches: its V is zero.
  let row = select(-0x40000000, i32(2u * ty) - i32(p.padTop), t < p.T);
  let o = vec3<i32>(row, i32(2u * tx) - i32(p.padLeft), i32(n));
  let d00 = at(o, 0, 0, c4);
  let d01 = at(o, 0, 1, c4);
  let d02 = at(o, 0, 2, c4);
  let d03 = at(o, 0, 3, c4);
  let d10 = at(o, 1, 0, c4);
  let d11 = at(o, 1, 1, c4);
  let d12 = at(o, 1, 2, c4);
  let d13 = at(o, 1, 3, c4);
  let d20 = at(o, 2, 0, c4);
  let d21 = at(o, 2, 1, c4);
  let d22 = at(o, 2, 2, c4);
  let d23 = at(o, 2, 3, c4);
  let d30 = at(o, 3, 0, c4);
  let d31 = at(o, 3, 1, c4);
  let d32 = at(o, 3, 2, c4);
  let d33 = at(o, 3, 3, c4);
  // Bᵀ·d: rows combined, one column at a time; then ·B: columns combined, written out.
  let t00 = d00 - d20; let t10 = d10 + d20; let t20 = d20 - d10; let t30 = d10 - d30;
  let t01 = d01 - d21; let t11 = d11 + d21; let t21 = d21 - d11; let t31 = d11 - d31;
  let t02 = d02 - d22; let t12 = d12 + d22; let t22 = d22 - d12; let t32 = d12 - d32;
  let t03 = d03 - d23; let t13 = d13 + d23; let t23 = d23 - d13; let t33 = d13 - d33;
  let stride = p.Tc * p.C4;
  let base = i;
  v[base + 0u * stride] = t00 - t02; v[base + 1u * stride] = t01 + t02;
  v[base + 2u * stride] = t02 - t01; v[base + 3u * stride] = t01 - t03;
  v[base + 4u * stride] = t10 - t12; v[base + 5u * stride] = t11 + t12;
  v[base + 6u * stride] = t12 - t11; v[base + 7u * stride] = t11 - t13;
  v[base + 8u * stride] = t20 - t22; v[base + 9u * stride] = t21 + t22;
  v[base + 10u * stride] = t22 - t21; v[base + 11u * stride] = t21 - t23;
  v[base + 12u * stride] = t30 - t32; v[base + 13u * stride] = t31 + t32;
  v[base + 14u * stride] = t32 - t31; v[base + 15u * stride] = t31 - t33;
}
