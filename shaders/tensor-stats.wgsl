// Per-channel statistics of an NHWC view for the activation viewer: min, max, shifted sum and sum of
// squares, zeros, NaNs, ±Infs, then a histogram. Element (pixel q, channel c) at offset + q·stride + c.
// `partials`: invocation (segment s, channel c) reduces one contiguous run of segLen pixels (neighbouring
// invocations read neighbouring channels); `combine`: one invocation per channel merges its segments;
// `histogram`: invocation (s, c) counts its pixels into bins over ranges[c] (per channel or all into one).
// Sums are of x − shift (the channel's first finite value) so a std far below the mean keeps its digits.
// Reference: src/runtime/visualize.gpu.test.ts (plain JS over the same tensor).
struct Params { offset: u32, stride: u32, channels: u32, pixels: u32, segments: u32, segLen: u32, bins: u32, perChannel: u32 }

struct Partial { lo: f32, hi: f32, sum: f32, sumsq: f32, zeros: u32, nans: u32, infs: u32, shift: f32 }

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> partial: array<Partial>;
@group(0) @binding(2) var<storage, read_write> stats: array<Partial>;
@group(0) @binding(3) var<storage, read> ranges: array<vec2f>;
@group(0) @binding(4) var<storage, read_write> hist: array<atomic<u32>>;
@group(0) @binding(5) var<uniform> p: Params;
override WG: u32 = 64u;

const BIG = 3.4028234e38; // the largest f32 (a literal past it does not parse)

// NaN and ±Inf by their bits: `v != v` may be optimised away.
fn isFinite(v: f32) -> bool { return (bitcast<u32>(v) & 0x7f800000u) != 0x7f800000u; }
fn isNan(v: f32) -> bool { return !isFinite(v) & ((bitcast<u32>(v) & 0x007fffffu) != 0u); }

fn invocation(gid: vec3u, nwg: vec3u) -> u32 { return gid.x + gid.y * nwg.x * WG; }

@compute @workgroup_size(WG)
fn partials(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = invocation(gid, nwg);
  if (i >= p.segments * p.channels) { return; }
  let c = i % p.channels;
  let s = i / p.channels;
  let first = x[p.offset + c];
  var r = Partial(BIG, -BIG, 0.0, 0.0, 0u, 0u, 0u, select(0.0, first, isFinite(first)));
  let end = min((s + 1u) * p.segLen, p.pixels);
  for (var q = s * p.segLen; q < end; q++) {
    let v = x[p.offset + q * p.stride + c];
    if (!isFinite(v)) {
      r.nans += select(0u, 1u, isNan(v));
      r.infs += select(1u, 0u, isNan(v));
      continue;
    }
    r.lo = min(r.lo, v);
    r.hi = max(r.hi, v);
    let d = v - r.shift;
    r.sum += d;
    r.sumsq += d * d;
    r.zeros += select(0u, 1u, v == 0.0);
  }
  partial[i] = r;
}

@compute @workgroup_size(WG)
fn combine(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let c = invocation(gid, nwg);
  if (c >= p.channels) { return; }
  var r = partial[c];
  for (var s = 1u; s < p.segments; s++) {
    let q = partial[s * p.channels + c];
    r.lo = min(r.lo, q.lo);
    r.hi = max(r.hi, q.hi);
    r.sum += q.sum;
    r.sumsq += q.sumsq;
    r.zeros += q.zeros;
    r.nans += q.nans;
    r.infs += q.infs;
  }
  stats[c] = r;
}

@compute @workgroup_size(WG)
fn histogram(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = invocation(gid, nwg);
  if (i >= p.segments * p.channels) { return; }
  let c = i % p.channels;
  let s = i / p.channels;
  let range = ranges[c];
  let scale = select(0.0, f32(p.bins) / (range.y - range.x), range.y > range.x);
  let base = select(0u, c * p.bins, p.perChannel == 1u);
  let end = min((s + 1u) * p.segLen, p.pixels);
  for (var q = s * p.segLen; q < end; q++) {
    let v = x[p.offset + q * p.stride + c];
    if (!isFinite(v)) { continue; }
    // Values outside the range land in the end bins.
    let bin = u32(clamp(floor((v - range.x) * scale), 0.0, f32(p.bins - 1u)));
    atomicAdd(&hist[base + bin], 1u);
  }
}
