// A conv kernel's weights packed on the GPU, for weights that change there between runs (a trainer's
// optimizer updates the Keras kernel in place, so the fast conv kernels' layouts are made again at the
// start of every step): src/compile/pack.ts's layouts, one invocation per packed row of B values.
//   out[((b·R + r)·Cp + ci)·B + j] = kernel value of (row r, channel ci, filter b·B + j), 0 past the edges
// The stored kernel is Keras' w[KH, KW, C, OC]. A row r is one tap (ky, kx) = (r / KW, r mod KW), or
// with `row` a whole window row ky = r whose channels are the KW·C values kx·C + c (conv2d-direct-lib's
// ROW). With `transpose` the packed conv is the input gradient's: the kernel flipped in both axes with
// C and OC swapped, w'[ky, kx, o, c] = w[KH−1−ky, KW−1−kx, c, o] (dL/dx = dL/dy ⊛ w').
// Layouts (B, Cp, blocks): conv2d-direct's (8, C↑4, OC/8), conv2d-grouped's (4, C/groups, OC/4),
// conv2d-gemm's (OC↑4, C, 1).
// Reference: src/compile/pack.ts packConvWeights
struct Params {
  KH: u32, KW: u32, C: u32, OC: u32,
  R: u32, Cp: u32, B: u32, count: u32, row: u32, transpose: u32,
}

@group(0) @binding(0) var<storage, read> w: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<uniform> p: Params;
override WG: u32 = 64u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  // One invocation per packed row of B filters: its (block, row, channel) worked out once.
  let i = gid.x + gid.y * nwg.x * WG;
  if (i * p.B >= p.count) { return; }
  let ci = i % p.Cp;
  let r = (i / p.Cp) % p.R;
  let b = i / (p.Cp * p.R);
  // The packed conv's input channels and filters: the kernel's, or swapped.
  let cin = select(p.C, p.OC, p.transpose != 0u);
  let cout = select(p.OC, p.C, p.transpose != 0u);
  var ky = r / p.KW;
  var kx = r % p.KW;
  var c = ci;
  if (p.row != 0u) { ky = r; kx = ci / cin; c = ci % cin; }
  let inside = (kx < p.KW) & (c < cin);
  // Filter o's value: w[ky, kx, c, o], or w[KH−1−ky, KW−1−kx, o, c] transposed.
  var at = ((ky * p.KW + kx) * p.C + c) * p.OC;
  var step = 1u;
  if (p.transpose != 0u) {
    at = ((p.KH - 1u - ky) * p.KW + (p.KW - 1u - kx)) * p.C * p.OC + c;
    step = p.OC;
  }
  for (var j = 0u; j < p.B; j++) {
    let o = b * p.B + j;
    var v = 0.0;
    if (inside & (o < cout)) { v = w[at + o * step]; }
    out[i * p.B + j] = v;
  }
}
