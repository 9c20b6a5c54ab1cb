// RandomCrop: at inference the centered window with the crop's aspect ratio, resized (exact when its size
// is the crop's); in a training step (the backward sweeps) random windows where the input is larger.
import type { OpCase } from '../testing/cases.ts';

export const op = 'RandomCrop';

export const cases: OpCase[] = [
  { name: '6×8×3 → 4×5: the 6×7 center window resized; random windows while training, batch 3', inputs: [[6, 8, 3]], batch: 3, attrs: { height: 4, width: 5 } },
  { name: '7×9×2 → 4×6 (the same aspect ratio as a 6×9 window), batch 4', inputs: [[7, 9, 2]], batch: 4, attrs: { height: 4, width: 6 } },
  { name: '5×5×2 → 5×5: the identity', inputs: [[5, 5, 2]], batch: 2, attrs: { height: 5, width: 5 } },
  { name: '4×5×3 → 6×3: upsampled rows, also while training', inputs: [[4, 5, 3]], batch: 2, attrs: { height: 6, width: 3 } },
];
