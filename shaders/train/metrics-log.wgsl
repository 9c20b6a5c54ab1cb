// uses: train-state
// The step's metrics, reduced on the GPU into a ring of per-step records (`records`) that the trainer reads back
// only when it shows them (src/train/gpu-trainer.ts readLog): record (batch index % capacity) gets
// (data loss, 'accuracy', regularization) — the means over the batch's rows of loss.wgsl's per-row
// loss and hit, and the sum of the penalties (penalty.wgsl). One workgroup: a batch is small.
struct Params { rows: u32, penalties: u32, capacity: u32 }

@group(0) @binding(0) var<storage, read> metrics: array<f32>;
@group(0) @binding(1) var<storage, read> state: array<u32>;
@group(0) @binding(2) var<storage, read_write> records: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;
const WG: u32 = 64u;
var<workgroup> lossSums: array<f32, WG>;
var<workgroup> hitSums: array<f32, WG>;

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) t: u32) {
  var loss = 0.0;
  var hits = 0.0;
  for (var r = t; r < p.rows; r += WG) {
    loss += metrics[2u * r];
    hits += metrics[2u * r + 1u];
  }
  lossSums[t] = loss;
  hitSums[t] = hits;
  workgroupBarrier();
  for (var half = WG / 2u; half > 0u; half /= 2u) {
    if (t < half) {
      lossSums[t] += lossSums[t + half];
      hitSums[t] += hitSums[t + half];
    }
    workgroupBarrier();
  }
  if (t == 0u) {
    var regularization = 0.0;
    for (var k = 0u; k < p.penalties; k++) { regularization += metrics[2u * p.rows + k]; }
    let at = 3u * (state[STATE_BATCH_INDEX] % p.capacity);
    records[at] = lossSums[0] / f32(p.rows);
    records[at + 1u] = hitSums[0] / f32(p.rows);
    records[at + 2u] = regularization;
  }
}
