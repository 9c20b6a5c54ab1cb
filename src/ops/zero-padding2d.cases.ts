// ZeroPadding2D for the GPU sweep: symmetric, [h, w], asymmetric [[top, bottom], [left, right]] with
// zeros on one side only, a long strip, batch 2 (the border of every item must be zero).
import type { OpCase } from '../testing/cases.ts';

export const op = 'ZeroPadding2D';

export const cases: OpCase[] = [
  { name: 'default 1 on 7×9×3', inputs: [[7, 9, 3]] },
  { name: '[h, w] = [2, 0]', inputs: [[5, 6, 4]], attrs: { padding: [2, 0] } },
  { name: 'asymmetric [[0, 2], [3, 1]], batch 2', inputs: [[5, 6, 4]], batch: 2, attrs: { padding: [[0, 2], [3, 1]] } },
  { name: '[[3, 0], [0, 0]]: top only', inputs: [[4, 4, 2]], attrs: { padding: [[3, 0], [0, 0]] } },
  { name: '1×2179×1 padded [[1, 1], [0, 2]]', inputs: [[1, 2179, 1]], attrs: { padding: [[1, 1], [0, 2]] } },
];
