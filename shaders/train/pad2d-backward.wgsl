// Pad2D backward: one invocation per input value, summing dy over every output cell that copied it —
// the interior cell, and under reflect or edge the border cells whose source row and column it is
// (reflect copies a cell at most twice per axis, edge repeats the border cells). Candidate rows are
// the interior row and the top and bottom border rows (likewise columns), each kept where the
// forward's source() maps it back to this cell. MODE as the forward (0 constant, 1 reflect, 2 edge).
// dy and dx contiguous.
// Reference: src/ops/pad2d.ts backward, shaders/pad2d.wgsl
struct Params { N: u32, H: u32, W: u32, C: u32, OH: u32, OW: u32, top: u32, left: u32 }

@group(0) @binding(0) var<storage, read> dy: array<f32>;
@group(0) @binding(1) var<storage, read_write> dx: array<f32>;
@group(0) @binding(2) var<uniform> p: Params;
override WG: u32 = 64u;
override MODE: u32 = 1u;
override ACCUMULATE: bool = false;

/** The source index along an axis of n for padded index i (−1: the constant), as shaders/pad2d.wgsl. */
fn source(i: u32, before: u32, n: u32) -> i32 {
  let j = i32(i) - i32(before);
  if ((j >= 0) && (j < i32(n))) { return j; }
  if (MODE == 0u) { return -1; }
  if (MODE == 2u) { return select(i32(n) - 1, 0, j < 0); }
  return select(2 * (i32(n) - 1) - j, -j, j < 0);
}

/** Candidate t along an axis of n padded by `before` (total `out`): t = 0 the interior, then the border. */
fn candidate(t: u32, at: u32, before: u32, n: u32) -> u32 {
  if (t == 0u) { return at + before; }
  if (t <= before) { return t - 1u; }
  return before + n + (t - 1u - before);
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.N * p.H * p.W * p.C) { return; }
  let c = i % p.C;
  let ix = (i / p.C) % p.W;
  let iy = (i / (p.C * p.W)) % p.H;
  let n = i / (p.C * p.W * p.H);
  var acc = 0.0;
  for (var ty = 0u; ty < 1u + p.OH - p.H; ty++) {
    let oy = candidate(ty, iy, p.top, p.H);
    if (source(oy, p.top, p.H) != i32(iy)) { continue; }
    for (var tx = 0u; tx < 1u + p.OW - p.W; tx++) {
      let ox = candidate(tx, ix, p.left, p.W);
      if (source(ox, p.left, p.W) != i32(ix)) { continue; }
      acc += dy[((n * p.OH + oy) * p.OW + ox) * p.C + c];
    }
  }
  dx[i] = select(acc, dx[i] + acc, ACCUMULATE);
}
