// The interface and the fused store shared by Winograd's output transforms (winograd-output.wgsl,
// F(2×2, 3×3); winograd4-output.wgsl, F(4×4, 3×3)): each invocation turns one tile's products into its
// m×m output pixels, 4 output channels of them (`tiles` tiles of the chunk that starts at tile t0),
// with the conv's fused epilogue (bias, activation, residual add, activation after it) on the way out,
// to any channel slice (a concat written in place).
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

/** Invocation i's tile: (image, tile row, tile column); its output channels are 4·(i % OC4) on. */
fn outputTile(i: u32) -> vec3<u32> {
  let t = p.t0 + i / p.OC4;
  return vec3<u32>(t / (p.tilesX * p.tilesY), (t / p.tilesX) % p.tilesY, t % p.tilesX);
}
