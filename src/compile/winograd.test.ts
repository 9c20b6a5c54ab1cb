// Winograd's algebra and policy (winograd.ts): the shaders' transforms with packWinograd's G make an
// exact 3×3 correlation; which tile a conv's output size takes; which convs of ResNet-50 memory lets
// take which tile. The kernels themselves: winograd.gpu.test.ts.
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../graph/analyze.ts';
import { zooModel } from '../models/zoo.ts';
import { materializeWeights } from '../runtime/reference.ts';
import { fasterWinogradTile, WINOGRAD_G, winogradPlan, type WinogradTile } from './winograd.ts';

// Bᵀ and Aᵀ as the shaders compute them (winograd-input.wgsl, winograd4-input.wgsl and their outputs).
const BT: Record<WinogradTile, number[][]> = {
  2: [[1, 0, -1, 0], [0, 1, 1, 0], [0, -1, 1, 0], [0, 1, 0, -1]],
  4: [[4, 0, -5, 0, 1, 0], [0, -4, -4, 1, 1, 0], [0, 4, -4, -1, 1, 0], [0, -2, -1, 2, 1, 0], [0, 2, -1, -2, 1, 0], [0, 4, 0, -5, 0, 1]],
};
const AT: Record<WinogradTile, number[][]> = {
  2: [[1, 1, 1, 0], [0, 1, -1, -1]],
  4: [[1, 1, 1, 1, 1, 0], [0, 1, -1, 2, -2, 0], [0, 1, 1, 4, 4, 0], [0, 1, -1, 8, -8, 1]],
};

const matmul = (a: readonly (readonly number[])[], b: readonly (readonly number[])[]) => a.map((row) => b[0].map((_, j) => row.reduce((s, v, k) => s + v * b[k][j], 0)));
const transpose = (a: readonly (readonly number[])[]) => a[0].map((_, j) => a.map((row) => row[j]));

describe('Winograd F(m×m, 3×3)', () => {
  it.each([2, 4] as const)('m = %i: Aᵀ·[(G·g·Gᵀ) ⊙ (Bᵀ·d·B)]·A is the 3×3 correlation of the (m + 2)² tile', (m) => {
    const n = m + 2;
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1;
    const d = Array.from({ length: n }, () => Array.from({ length: n }, random));
    const g = Array.from({ length: 3 }, () => Array.from({ length: 3 }, random));
    const U = matmul(matmul(WINOGRAD_G[m], g), transpose(WINOGRAD_G[m]));
    const V = matmul(matmul(BT[m], d), transpose(BT[m]));
    const Y = matmul(matmul(AT[m], U.map((row, i) => row.map((u, j) => u * V[i][j]))), transpose(AT[m]));
    for (let i = 0; i < m; i++)
      for (let j = 0; j < m; j++) {
        let want = 0;
        for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) want += d[i + a][j + b] * g[a][b];
        expect(Y[i][j]).toBeCloseTo(want, 12);
      }
  });

  it('takes 4×4 tiles where they leave fewer padded products than 2×2 ones', () => {
    const tiles = ([N, OH, OW]: number[]) => fasterWinogradTile(N, OH, OW);
    // 56×56 and 28×28: 36·208 < 16·784, 36·64 < 16·208; 11×11: 36·16 < 16·48; 10×10: 36·16 > 16·32;
    // 7×7 and 8×8: 36·16 > 16·16.
    expect([[1, 56, 56], [1, 28, 28], [1, 14, 14], [1, 11, 11], [1, 35, 35], [1, 10, 10], [1, 7, 7], [1, 8, 8], [1, 1, 5]].map(tiles))
      .toEqual([4, 4, 4, 4, 4, 2, 2, 2, 2]);
    expect(tiles([4, 7, 7])).toBe(4); // a batch of 7×7 images fills the 16 rows: 36·16 < 16·64
  });

  it("ResNet-50: F(4×4) where it is free or the budget's best buy, F(2×2) where only it fits, none where neither does", () => {
    const report = analyzeGraph(zooModel('ResNet50'));
    const plan = winogradPlan(report, materializeWeights(report, 0), 1);
    const byStage = new Map<number, string>();
    for (const r of report.nodes) {
      const a = r.attrs as { kernel_size?: number[]; strides?: number[] };
      if (r.op !== 'Conv2D' || a.kernel_size?.join() !== '3,3' || a.strides?.join() !== '1,1') continue;
      byStage.set(r.shape![0], (byStage.get(r.shape![0]) ?? '') + (plan.get(r.id) ?? '-'));
    }
    // Stage 2 (27·64 ≤ 2·56·56 floats per filter) takes F(4×4) free; stage 3 keeps F(2×2) free and two
    // of its four upgrade from the budget (15% of the weights) that stage 4's F(2×2) leaves; stage 5's
    // weights fit in neither.
    expect(Object.fromEntries(byStage)).toEqual({ 56: '444', 28: '4422', 14: '222222', 7: '---' });
  });
});
