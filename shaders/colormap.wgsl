// Activation maps to pictures: channels first..first+count of an NHWC view become count tiles of
// outH×outW RGBA8 pixels (nearest sample when smaller than H×W), each value normalised by its channel's
// range (lo, hi) and looked up in a 256-entry colour table. NaN gets its own colour; ±Inf the table's ends.
// Element (pixel q, channel c) at offset + q·stride + c; output tile t, pixel (oy, ox) at (t·outH + oy)·outW + ox.
// Reference: src/runtime/visualize.gpu.test.ts
struct Params { offset: u32, stride: u32, height: u32, width: u32, first: u32, count: u32, outW: u32, outH: u32, nanColor: u32 }

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> ranges: array<vec2f>;
@group(0) @binding(2) var<storage, read> lut: array<u32>;
@group(0) @binding(3) var<storage, read_write> y: array<u32>;
@group(0) @binding(4) var<uniform> p: Params;
override WG: u32 = 64u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  let tile = p.outW * p.outH;
  if (i >= p.count * tile) { return; }
  let t = i / tile;
  let oy = (i % tile) / p.outW;
  let ox = i % p.outW;
  // The source pixel under the centre of the output pixel.
  let sy = min((2u * oy + 1u) * p.height / (2u * p.outH), p.height - 1u);
  let sx = min((2u * ox + 1u) * p.width / (2u * p.outW), p.width - 1u);
  let c = p.first + t;
  let v = x[p.offset + (sy * p.width + sx) * p.stride + c];
  let bits = bitcast<u32>(v);
  if ((bits & 0x7f800000u) == 0x7f800000u) {
    y[i] = select(lut[select(255u, 0u, v < 0.0)], p.nanColor, (bits & 0x007fffffu) != 0u);
    return;
  }
  let range = ranges[c];
  // A constant channel (hi = lo, a dead ReLU) takes the bottom colour.
  let u = select(0.0, clamp((v - range.x) / (range.y - range.x), 0.0, 1.0), range.y > range.x);
  y[i] = lut[u32(u * 255.0 + 0.5)];
}
