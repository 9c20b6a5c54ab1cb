// The training step's state, written before each step's submit (src/train/gpu-trainer.ts): which
// word holds what, and the hash Dropout's mask and the augmentation ops' transforms are drawn from
// (src/train/dropout-mask.ts, bit for bit).
const STATE_STEP: u32 = 0u;        // optimizer iterations so far + 1 (Adam's t)
const STATE_SEED: u32 = 1u;
const STATE_LEARNING_RATE: u32 = 2u; // f32 bits
const STATE_BATCH_INDEX: u32 = 3u;   // training steps so far, from 0: keys Dropout's masks (src/train/dropout-mask.ts)

fn mix32(v: u32) -> u32 {
  var x = v;
  x ^= x >> 16u;
  x *= 0x7feb352du;
  x ^= x >> 15u;
  x *= 0x846ca68bu;
  x ^= x >> 16u;
  return x;
}

/** The key of one node's draws this step: dropoutKey(seed, step, salt) of src/train/dropout-mask.ts. */
fn stepKey(seed: u32, batchIndex: u32, salt: u32) -> u32 { return mix32(mix32(mix32(seed) ^ salt) ^ batchIndex); }

const DRAWS_PER_SAMPLE: u32 = 4u;

/** sampleBits: draw `draw` of sample n. */
fn sampleBits(key: u32, n: u32, draw: u32) -> u32 { return mix32(key ^ (n * DRAWS_PER_SAMPLE + draw)); }

/** sampleUniform: the draw in [0, 1) with 24 bits. */
fn sampleUniform(key: u32, n: u32, draw: u32) -> f32 { return f32(sampleBits(key, n, draw) >> 8u) * (1.0 / 16777216.0); }

/** sampleIndex: the draw as 0 … count − 1 (count ≤ 65536), from its top 16 bits. */
fn sampleIndex(key: u32, n: u32, draw: u32, count: u32) -> u32 { return ((sampleBits(key, n, draw) >> 16u) * count) >> 16u; }
