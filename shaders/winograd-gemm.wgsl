enable subgroups;
diagnostic(off, subgroup_uniformity);
// Winograd F(2×2, 3×3), step 2 of 3 (winograd-input.wgsl says the whole): for each of the 16 positions,
// M = V·U, tiles × C by C × OC, with conv2d-direct-quad16's register tiles and quad-shared loads (16
// tiles × 8 filters per invocation, each lane loads 4 tiles' channels and gets the other 12 by
// quadSwap). A dense product, so none of the direct conv's padding, taps or epilogue: M is stored
// whole vec4s at a time (the direct conv's 128 scalar stores cost a third of a 1×1 conv).
// Weights: packWinograd (16 packDirect 1×1 streams). Needs `subgroups`; no fallback is needed, as
// Winograd is lowered only where conv2d-direct-quad16 runs.
struct Params { T: u32, C4: u32, OC4: u32, ocBlocks: u32, wImage: u32 }

@group(0) @binding(0) var<storage, read> v: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read> w: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read_write> m: array<vec4<f32>>;
@group(0) @binding(3) var<uniform> p: Params;
override WG: u32 = 32u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= 16u * (p.T / 16u) * p.ocBlocks) { return; }  // T (tiles per position) divides by 16
  let block = i % p.ocBlocks;
  let lane = block % 4u;
  let m0 = (i / p.ocBlocks) * 16u;                         // 16 tiles of one position: pos·T + tile
  let pos = m0 / p.T;
  let i0 = (m0 + 4u * lane) * p.C4;                          // this lane loads tiles m0 + 4·lane .. + 3
  var lS0 = vec4<f32>(0.0); var hS0 = vec4<f32>(0.0); var lS1 = vec4<f32>(0.0); var hS1 = vec4<f32>(0.0);
  var lS2 = vec4<f32>(0.0); var hS2 = vec4<f32>(0.0); var lS3 = vec4<f32>(0.0); var hS3 = vec4<f32>(0.0);
  var lX0 = vec4<f32>(0.0); var hX0 = vec4<f32>(0.0); var lX1 = vec4<f32>(0.0); var hX1 = vec4<f32>(0.0);
  var lX2 = vec4<f32>(0.0); var hX2 = vec4<f32>(0.0); var lX3 = vec4<f32>(0.0); var hX3 = vec4<f32>(0.0);
  var lY0 = vec4<f32>(0.0); var hY0 = vec4<f32>(0.0); var lY1 = vec4<f32>(0.0); var hY1 = vec4<f32>(0.0);
  var lY2 = vec4<f32>(0.0); var hY2 = vec4<f32>(0.0); var lY3 = vec4<f32>(0.0); var hY3 = vec4<f32>(0.0);
  var lD0 = vec4<f32>(0.0); var hD0 = vec4<f32>(0.0); var lD1 = vec4<f32>(0.0); var hD1 = vec4<f32>(0.0);
  var lD2 = vec4<f32>(0.0); var hD2 = vec4<f32>(0.0); var lD3 = vec4<f32>(0.0); var hD3 = vec4<f32>(0.0);
  var wi = pos * p.wImage + block * p.C4 * 8u;
  for (var ci = 0u; ci < p.C4; ci++) {
    let lw = mat4x4<f32>(w[wi], w[wi + 2u], w[wi + 4u], w[wi + 6u]);
    let hw = mat4x4<f32>(w[wi + 1u], w[wi + 3u], w[wi + 5u], w[wi + 7u]);
    wi += 8u;
    let s0 = v[i0 + ci]; let s1 = v[i0 + p.C4 + ci]; let s2 = v[i0 + 2u * p.C4 + ci]; let s3 = v[i0 + 3u * p.C4 + ci];
    lS0 += lw * s0; hS0 += hw * s0; lS1 += lw * s1; hS1 += hw * s1;
    lS2 += lw * s2; hS2 += hw * s2; lS3 += lw * s3; hS3 += hw * s3;
    let x0 = quadSwapX(s0); let x1 = quadSwapX(s1); let x2 = quadSwapX(s2); let x3 = quadSwapX(s3);
    lX0 += lw * x0; hX0 += hw * x0; lX1 += lw * x1; hX1 += hw * x1;
    lX2 += lw * x2; hX2 += hw * x2; lX3 += lw * x3; hX3 += hw * x3;
    let y0 = quadSwapY(s0); let y1 = quadSwapY(s1); let y2 = quadSwapY(s2); let y3 = quadSwapY(s3);
    lY0 += lw * y0; hY0 += hw * y0; lY1 += lw * y1; hY1 += hw * y1;
    lY2 += lw * y2; hY2 += hw * y2; lY3 += lw * y3; hY3 += hw * y3;
    let d0 = quadSwapDiagonal(s0); let d1 = quadSwapDiagonal(s1); let d2 = quadSwapDiagonal(s2); let d3 = quadSwapDiagonal(s3);
    lD0 += lw * d0; hD0 += hw * d0; lD1 += lw * d1; hD1 += hw * d1;
    lD2 += lw * d2; hD2 += hw * d2; lD3 += lw * d3; hD3 += hw * d3;
  }
  let acc = array<vec4<f32>, 32>(lS0, hS0, lS1, hS1, lS2, hS2, lS3, hS3, lX0, hX0, lX1, hX1, lX2, hX2, lX3, hX3,
                                 lY0, hY0, lY1, hY1, lY2, hY2, lY3, hY3, lD0, hD0, lD1, hD1, lD2, hD2, lD3, hD3);
  let oc4 = 2u * block;
  if (oc4 >= p.OC4) { return; }                              // a padding block of the last quad
  for (var k = 0u; k < 16u; k++) {
    let partner = lane ^ (k / 4u);                           // S, X, Y, D = lane ^ 0, 1, 2, 3
    let row = (m0 + 4u * partner + k % 4u) * p.OC4 + oc4;
    m[row] = acc[2u * k];
    if (oc4 + 1u < p.OC4) { m[row + 1u] = acc[2u * k + 1u]; }
  }
}
