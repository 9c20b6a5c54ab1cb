// The interface and the tile loads shared by Winograd's input transforms (winograd-input.wgsl,
// F(2×2, 3×3); winograd4-input.wgsl, F(4×4, 3×3)): V[position][tile][channel] for one chunk of Tc tiles
// from tile t0 (Tc a multiple of 16; zeros past the last tile), 4 channels per invocation.
struct Params {
  N: u32, H: u32, W: u32, xStride: u32, xOffset: u32,
  tilesY: u32, tilesX: u32, T: u32, t0: u32, Tc: u32, C4: u32, padTop: u32, padLeft: u32,
}

// The input as whole vec4s: Winograd is lowered only where C, the channel stride and offset divide by 4.
@group(0) @binding(0) var<storage, read> x: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read_write> v: array<vec4<f32>>;
@group(0) @binding(2) var<uniform> p: Params;

/** Channels 4·c4 .. 4·c4 + 3 of input row o.x + r, column o.y + c of image o.z; zeros outside. */
fn at(o: vec3<i32>, r: i32, c: i32, c4: u32) -> vec4<f32> {
  let iy = o.x + r;
  let ix = o.y + c;
  let inside = (iy >= 0) & (iy < i32(p.H)) & (ix >= 0) & (ix < i32(p.W));
  let i = u32(max(((o.z * i32(p.H) + iy) * i32(p.W) + ix) * i32(p.xStride) + i32(p.xOffset), 0)) / 4u + c4;
  return select(vec4<f32>(0.0), x[i], inside);
}

/**
 * Invocation i's channel group and its tile's window origin (first row, first column, image) for
 * output tiles of m×m pixels; a tile past the last (t ≥ T) gets a row no load reaches: its V is zero.
 */
fn tileOrigin(i: u32, m: u32) -> vec3<i32> {
  let t = p.t0 + i / p.C4;
  let tx = t % p.tilesX;
  let ty = (t / p.tilesX) % p.tilesY;
  let n = t / (p.tilesX * p.tilesY);
  let row = select(-0x40000000, i32(m * ty) - i32(p.padTop), t < p.T);
  return vec3<i32>(row, i32(m * tx) - i32(p.padLeft), i32(n));
}
