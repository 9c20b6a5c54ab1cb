// The training step's state, written before each step's submit (src/train/gpu-trainer.ts): which
// word holds what, and the hash Dropout draws its mask from (src/train/dropout-mask.ts mix32).
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
