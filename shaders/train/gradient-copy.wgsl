// A gradient routed without arithmetic but a scale: out[n, y + outY, x + outX, c + outC] (+)=
// scale · src[n, y + srcY, x + srcX, c + srcC] over a region N×RH×RW×RC of two NHWC tensors of their
// own sizes. Concatenate's backward (a channel slice), ZeroPadding2D's and Cropping2D's (a window),
// Flatten's and Reshape's (the whole tensor), Rescaling's (scale) and Normalization's (a scale per
// channel c of the region: channelScale[c], with HAS_CHANNEL_SCALE).
struct Params {
  N: u32, RH: u32, RW: u32, RC: u32,
  srcH: u32, srcW: u32, srcC: u32, srcY: u32, srcX: u32, srcOffsetC: u32,
  outH: u32, outW: u32, outC: u32, outY: u32, outX: u32, outOffsetC: u32,
  scale: f32,
}

@group(0) @binding(0) var<storage, read> src: array<f32>;
@group(0) @binding(1) var<storage, read> channelScale: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;
override WG: u32 = 64u;
override ACCUMULATE: bool = false;
override HAS_CHANNEL_SCALE: bool = false;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.N * p.RH * p.RW * p.RC) { return; }
  let c = i % p.RC;
  let xx = (i / p.RC) % p.RW;
  let yy = (i / (p.RC * p.RW)) % p.RH;
  let n = i / (p.RC * p.RW * p.RH);
  let s = ((n * p.srcH + yy + p.srcY) * p.srcW + xx + p.srcX) * p.srcC + c + p.srcOffsetC;
  let o = ((n * p.outH + yy + p.outY) * p.outW + xx + p.outX) * p.outC + c + p.outOffsetC;
  var v = p.scale * src[s];
  if (HAS_CHANNEL_SCALE) { v *= channelScale[c]; }
  out[o] = select(v, out[o] + v, ACCUMULATE);
}
