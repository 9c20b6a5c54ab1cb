enable subgroups;
diagnostic(off, subgroup_uniformity);
// uses: quad-tile (prepended by src/compile/kernels.ts)
// Winograd, step 2 of 3 (winograd-input.wgsl says the whole): for each of the 16 positions of
// F(2×2, 3×3) or the 36 of F(4×4, 3×3), M = V·U, tiles × C by C × OC, with conv2d-direct-quad16's
// register tile (quad-tile.wgsl) and quad-shared loads (16 tiles × 8 filters per invocation, each lane
// loads 4 tiles' channels and gets the other 12 by quadSwap). A dense product, so none of the direct
// conv's padding, taps or epilogue: M is stored whole vec4s at a time (the direct conv's 128 scalar
// stores cost a fifth of a 1×1 conv). Weights: packWinograd (a packDirect 1×1 stream per position).
// Needs `subgroups`; no fallback is needed, as Winograd is lowered only where conv2d-direct-quad16 runs.
struct Params { T: u32, C4: u32, OC4: u32, ocBlocks: u32, wImage: u32, positions: u32 }

@group(0) @binding(0) var<storage, read> v: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read> w: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read_write> m: array<vec4<f32>>;
@group(0) @binding(3) var<uniform> p: Params;
override WG: u32 = 32u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.positions * (p.T / 16u) * p.ocBlocks) { return; }  // T (tiles per position) divides by 16
  let block = i % p.ocBlocks;
  let lane = block % 4u;
  let m0 = (i / p.ocBlocks) * 16u;                         // 16 tiles of one position: pos·T + tile
  let pos = m0 / p.T;
  let i0 = (m0 + 4u * lane) * p.C4;                          // this lane loads tiles m0 + 4·lane .. + 3
  var tile = QuadTile();
  var wi = pos * p.wImage + block * p.C4 * 8u;
  for (var ci = 0u; ci < p.C4; ci++) {
    let lw = mat4x4<f32>(w[wi], w[wi + 2u], w[wi + 4u], w[wi + 6u]);
    let hw = mat4x4<f32>(w[wi + 1u], w[wi + 3u], w[wi + 5u], w[wi + 7u]);
    wi += 8u;
    tile = quadTileStep(tile, lw, hw, v[i0 + ci], v[i0 + p.C4 + ci], v[i0 + 2u * p.C4 + ci], v[i0 + 3u * p.C4 + ci]);
  }
  let acc = quadTileAccumulators(tile);
  let oc4 = 2u * block;
  if (oc4 >= p.OC4) { return; }                              // a padding block of the last quad
  for (var k = 0u; k < 16u; k++) {
    let partner = lane ^ (k / 4u);                           // S, X, Y, D = lane ^ 0, 1, 2, 3
    let row = (m0 + 4u * partner + k % 4u) * p.OC4 + oc4;
    m[row] = acc[2u * k];
    if (oc4 + 1u < p.OC4) { m[row + 1u] = acc[2u * k + 1u]; }
  }
}
