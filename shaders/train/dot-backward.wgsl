// Dot (batch_dot) backward for one input S (self), one invocation per element of dS: with S as
// [N, P, K] (P its other axis, 1 for a vector), the other input O as [N, Q, K] and the output gradient
// g[n, r, q] (strided, so the same kernel serves either input),
//   dS[n, r, k] = Σ_q g[n, r, q] · O[n, q, k]
// and with NORMALIZE (out = S·O / (|S|·|O|), each squared norm floored at 1e-12; a floored norm is a
// constant), out the forward's output (laid out as g),
//   dS[n, r, k] = Σ_q g[n, r, q] · O[n, q, k] / (|S_r|·|O_q|) − S[n, r, k] / |S_r|² · Σ_q g[n, r, q] · out[n, r, q]
// from the rows' squared norms, made first by NORMS dispatches (one invocation per row of S:
// ds[sNorms + n·P + r] = Σ_k S[n, r, k]², one dispatch per input into one scratch) so that each
// element costs O(Q), not O(Q·K). S and O are read by strides from offsets (any axis contracted,
// concat slices work); dS is written by its own (contiguous) strides.
// Reference: src/ops/dot.ts backward
struct Params {
  N: u32, P: u32, Q: u32, K: u32,
  sSN: u32, sSP: u32, sSK: u32, sOffset: u32,
  oSN: u32, oSQ: u32, oSK: u32, oOffset: u32,
  gSN: u32, gSP: u32, gSQ: u32,
  dSN: u32, dSP: u32, dSK: u32,
  sNorms: u32, oNorms: u32,
}

@group(0) @binding(0) var<storage, read> g: array<f32>;
@group(0) @binding(1) var<storage, read> s: array<f32>;
@group(0) @binding(2) var<storage, read> o: array<f32>;
@group(0) @binding(3) var<storage, read> out: array<f32>;
@group(0) @binding(4) var<storage, read> norms: array<f32>;
@group(0) @binding(5) var<storage, read_write> ds: array<f32>;
@group(0) @binding(6) var<uniform> p: Params;
override WG: u32 = 64u;
override NORMS: bool = false;
override NORMALIZE: bool = false;
override ACCUMULATE: bool = false;
const FLOOR: f32 = 1e-12;

fn sAt(n: u32, r: u32, k: u32) -> f32 { return s[p.sOffset + n * p.sSN + r * p.sSP + k * p.sSK]; }
fn oAt(n: u32, q: u32, k: u32) -> f32 { return o[p.oOffset + n * p.oSN + q * p.oSQ + k * p.oSK]; }

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (NORMS) {
    if (i >= p.N * p.P) { return; }
    var ss = 0.0;
    for (var k = 0u; k < p.K; k++) { let v = sAt(i / p.P, i % p.P, k); ss = fma(v, v, ss); }
    ds[p.sNorms + i] = ss;
    return;
  }
  if (i >= p.N * p.P * p.K) { return; }
  let k = i % p.K;
  let r = (i / p.K) % p.P;
  let n = i / (p.K * p.P);
  var acc = 0.0;
  var weighted = 0.0;
  var ss = 0.0;
  if (NORMALIZE) { ss = norms[p.sNorms + n * p.P + r]; }
  for (var q = 0u; q < p.Q; q++) {
    let at = n * p.gSN + r * p.gSP + q * p.gSQ;
    let grad = g[at];
    if (NORMALIZE) {
      acc += grad * oAt(n, q, k) / sqrt(max(norms[p.oNorms + n * p.Q + q], FLOOR));
      weighted = fma(grad, out[at], weighted);
    } else {
      acc = fma(grad, oAt(n, q, k), acc);
    }
  }
  if (NORMALIZE) {
    acc = acc / sqrt(max(ss, FLOOR)) - select(0.0, sAt(n, r, k) / ss * weighted, ss > FLOOR);
  }
  let at = n * p.dSN + r * p.dSP + k * p.dSK;
  ds[at] = select(acc, ds[at] + acc, ACCUMULATE);
}
