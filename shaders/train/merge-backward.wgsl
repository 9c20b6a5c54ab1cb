// The gradient a merge sends to one of its inputs `a`, where it is not a plain scale (gradient-copy):
//   MUL: dy · b (b the other operand of a two-input Multiply)
//   WINNER: dy where a equals the output y and no earlier input did (Maximum, Minimum: the first winner)
//   DIV_NUMERATOR: dy / b;  DIV_DENOMINATOR: −dy · y / a (y = numerator / a)
// `claimed` counts earlier winners per element for WINNER (a scratch buffer, cleared before the first input).
// Reference: src/ops/merge.ts mergeBackward, src/ops/divide.ts backward
struct Params { count: u32 }

@group(0) @binding(0) var<storage, read> dy: array<f32>;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> claimed: array<f32>;
@group(0) @binding(4) var<storage, read_write> dx: array<f32>;
@group(0) @binding(5) var<uniform> p: Params;
override WG: u32 = 64u;
override MODE: u32 = 0u;
override ACCUMULATE: bool = false;
const MUL: u32 = 0u;
const WINNER: u32 = 1u;
const DIV_NUMERATOR: u32 = 2u;
const DIV_DENOMINATOR: u32 = 3u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.count) { return; }
  var g = 0.0;
  switch MODE {
    case MUL: { g = dy[i] * b[i]; }
    case WINNER: {
      // b is the merge's output y
      if ((a[i] == b[i]) && (claimed[i] == 0.0)) { g = dy[i]; claimed[i] = 1.0; }
    }
    case DIV_NUMERATOR: { g = dy[i] / b[i]; }
    default: { g = -dy[i] * b[i] / a[i]; }
  }
  dx[i] = select(g, dx[i] + g, ACCUMULATE);
}
