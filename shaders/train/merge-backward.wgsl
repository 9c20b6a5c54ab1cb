// The gradient an elementwise merge sends to one of its inputs x_k, broadcasting included: one
// invocation per element of dx (x_k's shape, aligned right to the output's 4 axes), summing over every
// output element it fed — all indices of the axes where x_k has 1 and the output more, the one index
// elsewhere (a serial sum, no workgroup barriers). At an output element o:
//   SCALE: scale · dy[o]                       Add (1), Subtract (±1), Average (1/n)
//   MUL: dy[o] · b(o)                          Multiply: b the other input, or the others' product
//   WINNER: dy[o] where a(o) = y(o) and no earlier input claimed o: Maximum, Minimum (the first
//           input equal to the output wins, as Keras' gradient and the reference's)
//   DIV_NUMERATOR: dy[o] / b(o)                Divide's first input, b the divisor
//   DIV_DENOMINATOR: −dy[o] · (b(o) / a(o)) / a(o)   Divide's second input a, b the numerator
// a, b and y are strided views (stride 0 along the axes they broadcast; concat slices work), addressed
// in the output's index space; dy, claimed and dx are contiguous. `claimed` (WINNER) is a scratch of
// the output's size, zeroed before the first input: output element o belongs to exactly one dx
// element of each input, so its invocation is the only one to touch claimed[o].
// Reference: src/ops/merge.ts mergeBackward, src/ops/divide.ts backward
struct Params {
  D0: u32, D1: u32, D2: u32, D3: u32,
  E0: u32, E1: u32, E2: u32, E3: u32,
  aS0: u32, aS1: u32, aS2: u32, aS3: u32, aOffset: u32,
  bS0: u32, bS1: u32, bS2: u32, bS3: u32, bOffset: u32,
  yS0: u32, yS1: u32, yS2: u32, yS3: u32, yOffset: u32,
  scale: f32,
}

@group(0) @binding(0) var<storage, read> dy: array<f32>;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read> y: array<f32>;
@group(0) @binding(4) var<storage, read_write> claimed: array<f32>;
@group(0) @binding(5) var<storage, read_write> dx: array<f32>;
@group(0) @binding(6) var<uniform> p: Params;
override WG: u32 = 64u;
override MODE: u32 = 0u;
override ACCUMULATE: bool = false;
const SCALE: u32 = 0u;
const MUL: u32 = 1u;
const WINNER: u32 = 2u;
const DIV_NUMERATOR: u32 = 3u;
const DIV_DENOMINATOR: u32 = 4u;

fn aAt(j0: u32, j1: u32, j2: u32, j3: u32) -> f32 { return a[p.aOffset + j0 * p.aS0 + j1 * p.aS1 + j2 * p.aS2 + j3 * p.aS3]; }
fn bAt(j0: u32, j1: u32, j2: u32, j3: u32) -> f32 { return b[p.bOffset + j0 * p.bS0 + j1 * p.bS1 + j2 * p.bS2 + j3 * p.bS3]; }
fn yAt(j0: u32, j1: u32, j2: u32, j3: u32) -> f32 { return y[p.yOffset + j0 * p.yS0 + j1 * p.yS1 + j2 * p.yS2 + j3 * p.yS3]; }

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.E0 * p.E1 * p.E2 * p.E3) { return; }
  let e3 = i % p.E3;
  let e2 = (i / p.E3) % p.E2;
  let e1 = (i / (p.E3 * p.E2)) % p.E1;
  let e0 = i / (p.E3 * p.E2 * p.E1);
  // Along a broadcast axis (dx has 1, the output more) every index; elsewhere dx's own.
  let b0 = p.E0 < p.D0;
  let b1 = p.E1 < p.D1;
  let b2 = p.E2 < p.D2;
  let b3 = p.E3 < p.D3;
  var acc = 0.0;
  for (var j0 = select(e0, 0u, b0); j0 < select(e0 + 1u, p.D0, b0); j0++) {
    for (var j1 = select(e1, 0u, b1); j1 < select(e1 + 1u, p.D1, b1); j1++) {
      for (var j2 = select(e2, 0u, b2); j2 < select(e2 + 1u, p.D2, b2); j2++) {
        for (var j3 = select(e3, 0u, b3); j3 < select(e3 + 1u, p.D3, b3); j3++) {
          let o = ((j0 * p.D1 + j1) * p.D2 + j2) * p.D3 + j3;
          let g = dy[o];
          switch MODE {
            case SCALE: { acc += p.scale * g; }
            case MUL: { acc += g * bAt(j0, j1, j2, j3); }
            case WINNER: {
              if ((claimed[o] == 0.0) && (aAt(j0, j1, j2, j3) == yAt(j0, j1, j2, j3))) {
                acc += g;
                claimed[o] = 1.0;
              }
            }
            case DIV_NUMERATOR: { acc += g / bAt(j0, j1, j2, j3); }
            default: {
              let d = aAt(j0, j1, j2, j3);
              acc -= g * (bAt(j0, j1, j2, j3) / d) / d;
            }
          }
        }
      }
    }
  }
  dx[i] = select(acc, dx[i] + acc, ACCUMULATE);
}
