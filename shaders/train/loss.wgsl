// The data loss of one batch and its gradient, one invocation per sample, as Keras 3 defines them
// (keras/src/losses, backend nn): the mean over the batch, so dOut carries 1/B. Each sample writes
// metrics[2r] = its loss and metrics[2r + 1] = its 'accuracy' as Keras 3 resolves it from the shapes:
// one output channel → binary (output > 0.5 equals the label, whatever the loss), else the argmax
// (first on ties) equals the label's class.
//   CATEGORICAL / SPARSE: probabilities normalised to sum 1, clipped to [ε, 1 − ε], −Σ t·log p;
//     from logits: −Σ t·log_softmax(z), gradient softmax(z)·Σt − t.
//   BINARY: clipped to [ε, 1 − ε], −mean(t·log p + (1 − t)·log(1 − p)); from logits the stable
//     max(z, 0) − z·t + log(1 + e^−|z|), gradient sigmoid(z) − t.
//   MSE: mean((y − t)²) over the last axis.
// Reference: src/train/losses.ts
struct Params { rows: u32, K: u32, epsilon: f32 }

@group(0) @binding(0) var<storage, read> y: array<f32>;
@group(0) @binding(1) var<storage, read> labels: array<f32>;
@group(0) @binding(2) var<storage, read_write> metrics: array<f32>;
@group(0) @binding(3) var<storage, read_write> dOut: array<f32>;
@group(0) @binding(4) var<uniform> p: Params;
override WG: u32 = 64u;
override LOSS: u32 = 0u;
override FROM_LOGITS: bool = false;
const CATEGORICAL: u32 = 0u;
const SPARSE: u32 = 1u;
const BINARY: u32 = 2u;
const MSE: u32 = 3u;

fn labelOf(r: u32, k: u32) -> f32 {
  if (LOSS == SPARSE) { return select(0.0, 1.0, u32(labels[r]) == k); }
  return labels[r * p.K + k];
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let r = gid.x + gid.y * nwg.x * WG;
  if (r >= p.rows) { return; }
  let base = r * p.K;
  let B = f32(p.rows);
  let K = f32(p.K);
  var loss = 0.0;
  var right = 0.0;
  if (p.K == 1u) {
    right = select(0.0, 1.0, (y[base] > 0.5) == (labelOf(r, 0u) > 0.5));
  } else {
    var best = 0u;
    var bestT = 0u;
    for (var k = 1u; k < p.K; k++) {
      if (y[base + k] > y[base + best]) { best = k; }
      if (labelOf(r, k) > labelOf(r, bestT)) { bestT = k; }
    }
    right = select(0.0, 1.0, best == bestT);
  }
  if ((LOSS == CATEGORICAL) || (LOSS == SPARSE)) {
    var ySum = 0.0;
    var tSum = 0.0;
    var zMax = -3.4e38;
    for (var k = 0u; k < p.K; k++) {
      ySum += y[base + k];
      tSum += labelOf(r, k);
      zMax = max(zMax, y[base + k]);
    }
    if (FROM_LOGITS) {
      var e = 0.0;
      for (var k = 0u; k < p.K; k++) { e += exp(y[base + k] - zMax); }
      let logSum = zMax + log(e);
      for (var k = 0u; k < p.K; k++) {
        let t = labelOf(r, k);
        loss -= t * (y[base + k] - logSum);
        dOut[base + k] = (exp(y[base + k] - logSum) * tSum - t) / B;
      }
    } else {
      // d/dp of −Σ t log clip(p/Σp): through the clip where p/Σp is inside it, then the normalisation.
      var dot = 0.0;
      for (var k = 0u; k < p.K; k++) {
        let q = y[base + k] / ySum;
        let c = clamp(q, p.epsilon, 1.0 - p.epsilon);
        let t = labelOf(r, k);
        loss -= t * log(c);
        let dq = select(0.0, -t / c, (q >= p.epsilon) && (q <= 1.0 - p.epsilon));
        dot += dq * q;
        dOut[base + k] = dq;
      }
      for (var k = 0u; k < p.K; k++) { dOut[base + k] = (dOut[base + k] - dot) / (ySum * B); }
    }
  } else if (LOSS == BINARY) {
    for (var k = 0u; k < p.K; k++) {
      let z = y[base + k];
      let t = labels[base + k];
      if (FROM_LOGITS) {
        loss += max(z, 0.0) - z * t + log(1.0 + exp(-abs(z)));
        dOut[base + k] = (1.0 / (1.0 + exp(-z)) - t) / (K * B);
      } else {
        let c = clamp(z, p.epsilon, 1.0 - p.epsilon);
        loss -= t * log(c) + (1.0 - t) * log(1.0 - c);
        let inside = (z >= p.epsilon) && (z <= 1.0 - p.epsilon);
        dOut[base + k] = select(0.0, (-t / c + (1.0 - t) / (1.0 - c)) / (K * B), inside);
      }
    }
    loss /= K;
  } else {
    for (var k = 0u; k < p.K; k++) {
      let d = y[base + k] - labels[base + k];
      loss += d * d;
      dOut[base + k] = 2.0 * d / (K * B);
    }
    loss /= K;
  }
  metrics[2u * r] = loss;
  metrics[2u * r + 1u] = right;
}
