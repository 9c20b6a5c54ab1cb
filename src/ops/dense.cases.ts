// Dense shapes for the GPU sweep (run with the GEMM and the naive kernel): 315 and 2179 inputs, units
// off the 32-wide tiles, per-pixel Dense on H×W×C, batch 2, every activation.
import { ACTIVATIONS } from './activations.ts';
import { RANDOM_BIAS, type OpCase } from '../testing/cases.ts';

export const op = 'Dense';

/** Weights wide enough that outputs reach ±10: relu6 clips, sigmoids saturate. */
const WIDE_KERNEL = { name: 'random_uniform', minval: -1.5, maxval: 1.5 };

export const cases: OpCase[] = [
  { name: '315 → 33, relu, batch 2', inputs: [[315]], batch: 2, attrs: { units: 33, activation: 'relu', bias_initializer: RANDOM_BIAS } },
  { name: '2179 → 3, batch 2', inputs: [[2179]], batch: 2, attrs: { units: 3, bias_initializer: RANDOM_BIAS } },
  { name: '1 → 1', inputs: [[1]], attrs: { units: 1, bias_initializer: RANDOM_BIAS } },
  { name: '17 → 100 (four unit tiles, the last partial), no bias', inputs: [[17]], batch: 3, attrs: { units: 100, use_bias: false } },
  { name: '315 → 64 (quad-shared direct where the adapter has subgroups), batch 3', inputs: [[315]], batch: 3, attrs: { units: 64, bias_initializer: RANDOM_BIAS } },
  { name: 'per pixel on 5×7×19 → 10', inputs: [[5, 7, 19]], attrs: { units: 10, bias_initializer: RANDOM_BIAS } },
  { name: 'per row on 7×315 → 9', inputs: [[7, 315]], batch: 2, attrs: { units: 9 } },
  ...Object.keys(ACTIVATIONS).map((activation): OpCase => ({
    name: `activation ${activation}`,
    inputs: [[13]],
    batch: 2,
    attrs: { units: 37, activation, kernel_initializer: WIDE_KERNEL, bias_initializer: RANDOM_BIAS },
  })),
];
