// Concatenate for the GPU sweep: every axis of H×W×C (1, 2, 3 and negative), rank 1 and 2, unequal
// sizes, one input, batch 2; with Rescaling producers (inputScale) the channel slices are written in place.
import type { OpCase } from '../testing/cases.ts';

export const op = 'Concatenate';

export const cases: OpCase[] = [
  { name: 'channels (axis −1), 3 inputs of 5, 1 and 7 channels', inputs: [[6, 7, 5], [6, 7, 1], [6, 7, 7]] },
  { name: 'channels as axis 3, batch 2', inputs: [[5, 4, 3], [5, 4, 6]], batch: 2, attrs: { axis: 3 } },
  { name: 'H (axis 1)', inputs: [[3, 7, 4], [5, 7, 4], [1, 7, 4]], attrs: { axis: 1 } },
  { name: 'W (axis 2), batch 2', inputs: [[6, 2, 3], [6, 9, 3]], batch: 2, attrs: { axis: 2 } },
  { name: 'W as axis −2', inputs: [[4, 5, 3], [4, 1, 3]], attrs: { axis: -2 } },
  { name: 'H as axis −3', inputs: [[2, 5, 3], [3, 5, 3]], attrs: { axis: -3 } },
  { name: 'rank 1: 315 + 2179 features, batch 2', inputs: [[315], [2179]], batch: 2 },
  { name: 'rank 2 on axis 1 (rows)', inputs: [[3, 5], [4, 5]], attrs: { axis: 1 } },
  { name: 'rank 2 on axis −1', inputs: [[3, 5], [3, 2]] },
  { name: 'a single input: a copy', inputs: [[4, 4, 3]] },
  { name: 'channel slices written in place by their producers (DenseNet-like)', inputs: [[5, 6, 4], [5, 6, 3], [5, 6, 5]], batch: 2, inputScale: 2 },
  { name: 'H concat of produced tensors (copies)', inputs: [[2, 6, 4], [3, 6, 4]], inputScale: 2, attrs: { axis: 1 } },
];
