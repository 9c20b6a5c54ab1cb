// Activation for the GPU sweep: every Keras activation on [−1, 1), on inputs widened to ±30 (the
// saturated and clipped parts) and to ±200 (where exp overflows f32 and a tanh computed as sinh/cosh is
// NaN), softmax over 1, 315 and 2179 channels, rank 1 and 3, batch 2.
import { ACTIVATIONS } from './activations.ts';
import type { OpCase } from '../testing/cases.ts';

export const op = 'Activation';

const names = Object.keys(ACTIVATIONS);

export const cases: OpCase[] = [
  ...names.map((activation): OpCase => ({ name: `${activation} on 7×9×5`, inputs: [[7, 9, 5]], attrs: { activation } })),
  ...names.map((activation): OpCase => ({ name: `${activation} on ±30 (batch 2)`, inputs: [[5, 3, 7]], batch: 2, inputScale: 30, attrs: { activation } })),
  ...names.map((activation): OpCase => ({ name: `${activation} on ±200`, inputs: [[3, 4, 6]], inputScale: 200, attrs: { activation } })),
  { name: 'softmax over 315 channels', inputs: [[3, 315]], inputScale: 10, attrs: { activation: 'softmax' } },
  { name: 'softmax over 2179 features (rank 1), batch 2', inputs: [[2179]], batch: 2, inputScale: 10, attrs: { activation: 'softmax' } },
  { name: 'softmax over 1 channel: all ones', inputs: [[1, 2179, 1]], attrs: { activation: 'softmax' } },
  { name: 'sigmoid on 1×2179×1', inputs: [[1, 2179, 1]], inputScale: 8, attrs: { activation: 'sigmoid' } },
  // gelu's erf: dense over ±10 (its negative tail falls to −7.6e-23 at −10), and across the ±13 where the
  // kernel switches to x and 0.
  { name: 'gelu on ±10, 17×31×4', inputs: [[17, 31, 4]], inputScale: 10, attrs: { activation: 'gelu' } },
  { name: 'gelu on ±14, 1×999×1', inputs: [[1, 999, 1]], inputScale: 14, attrs: { activation: 'gelu' } },
];
