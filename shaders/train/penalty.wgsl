// A regularized weight's penalty, Σ l1·|w| + l2·w², by one workgroup, into metrics[at]: the part of
// the training loss Keras adds from `model.losses`, taken before the optimizer moves the weight; or an
// activity regularizer's on a layer's output, read as pixels with a channel stride (wStride, wOffset
// over its last axis of C values: a concat slice works; a weight is one row, C = count).
// Reference: src/weights/regularizers.ts
struct Params { count: u32, C: u32, wStride: u32, wOffset: u32, at: u32, l1: f32, l2: f32 }

@group(0) @binding(0) var<storage, read> w: array<f32>;
@group(0) @binding(1) var<storage, read_write> metrics: array<f32>;
@group(0) @binding(2) var<uniform> p: Params;
const WG: u32 = 64u;
var<workgroup> partial: array<f32, WG>;

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) lid: u32) {
  var s = 0.0;
  for (var i = lid; i < p.count; i += WG) { let v = w[(i / p.C) * p.wStride + p.wOffset + i % p.C]; s += p.l1 * abs(v) + p.l2 * v * v; }
  partial[lid] = s;
  workgroupBarrier();
  for (var k = WG / 2u; k > 0u; k /= 2u) {
    if (lid < k) { partial[lid] += partial[lid + k]; }
    workgroupBarrier();
  }
  if (lid == 0u) { metrics[p.at] = partial[0]; }
}
