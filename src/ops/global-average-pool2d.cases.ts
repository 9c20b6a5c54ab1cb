// GlobalAveragePool2D shapes for the GPU sweep: square and 1×2179 images, keepdims (1×1×C), batch 2,
// the 1×1 image, many channels (several workgroups of (n, c) pairs).
import type { OpCase } from '../testing/cases.ts';

export const op = 'GlobalAveragePool2D';

export const cases: OpCase[] = [
  { name: '7×7×32 → 32', inputs: [[7, 7, 32]] },
  { name: 'keepdims: 7×7×32 → 1×1×32', inputs: [[7, 7, 32]], attrs: { keepdims: true } },
  { name: '1×2179×3 (a long reduction)', inputs: [[1, 2179, 3]] },
  { name: 'batch 2, 5×9×315 (many (n, c) pairs), keepdims', inputs: [[5, 9, 315]], batch: 2, attrs: { keepdims: true } },
  { name: 'the 1×1 image: a copy', inputs: [[1, 1, 5]] },
];
