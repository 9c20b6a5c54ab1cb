// uses: activation (prepended by src/compile/kernels.ts, in this order)
// Elementwise over a strided 4-D view: y = POST_ACT(OP(a, b)) · scale. Every operand is addressed as
// offset + Σ index·stride, so one kernel does the Keras merges with broadcasting (stride 0 on a
// size-1 dim), copies into a concat slice on any axis, ZeroPadding2D / Cropping2D interiors and
// strided → contiguous copies. ACCUMULATE reads `a` from y itself (the 3rd, 4th… input of a merge).
// Reference: src/ops/merge.ts, src/ops/divide.ts, src/ops/concatenate.ts, src/ops/zero-padding2d.ts
struct Params {
  D0: u32, D1: u32, D2: u32, D3: u32,
  aS0: u32, aS1: u32, aS2: u32, aS3: u32, aOffset: u32,
  bS0: u32, bS1: u32, bS2: u32, bS3: u32, bOffset: u32,
  yS0: u32, yS1: u32, yS2: u32, yS3: u32, yOffset: u32,
  scale: f32,
}

@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;
override WG: u32 = 64u;
override OP: u32 = OP_COPY;     // OP_* consts generated from ELEMENTWISE_OP (src/compile/elementwise-ops.ts)
override ACCUMULATE: bool = false;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.D0 * p.D1 * p.D2 * p.D3) { return; }
  let i3 = i % p.D3;
  let i2 = (i / p.D3) % p.D2;
  let i1 = (i / (p.D3 * p.D2)) % p.D1;
  let i0 = i / (p.D3 * p.D2 * p.D1);
  let yi = p.yOffset + i0 * p.yS0 + i1 * p.yS1 + i2 * p.yS2 + i3 * p.yS3;
  var va: f32;
  if (ACCUMULATE) { va = y[yi]; } else { va = a[p.aOffset + i0 * p.aS0 + i1 * p.aS1 + i2 * p.aS2 + i3 * p.aS3]; }
  var v = va;
  if (OP != OP_COPY) {
    let vb = b[p.bOffset + i0 * p.bS0 + i1 * p.bS1 + i2 * p.bS2 + i3 * p.bS3];
    switch OP {
      case OP_ADD: { v = va + vb; }
      case OP_SUBTRACT: { v = va - vb; }
      case OP_MULTIPLY: { v = va * vb; }
      case OP_MAXIMUM: { v = max(va, vb); }
      case OP_MINIMUM: { v = min(va, vb); }
      case OP_DIVIDE: { v = va / vb; }
      default: { v = va; }
    }
  }
  y[yi] = postAct(v * p.scale);
}
