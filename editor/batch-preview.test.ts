import { describe, expect, it } from 'vitest';
import { analyzeGraph, type ClassDataset, type GraphFile } from '../src/index.ts';
import { augmentationChain, previewBatch } from './batch-preview.ts';

const graph = (augment: boolean): GraphFile => ({
  format: 'deepwire-graph', version: 1,
  nodes: [
    { id: 'x', op: 'Input', attrs: { shape: [2, 3, 1] } },
    ...(augment ? [{ id: 'flip', op: 'RandomFlip', attrs: { mode: 'horizontal' }, inputs: ['x'] }] : []),
    { id: 'f', op: 'Flatten', inputs: [augment ? 'flip' : 'x'] },
    { id: 'd', op: 'Dense', attrs: { units: 2, activation: 'softmax' }, inputs: ['f'] },
  ],
  outputs: ['d'],
});

/** 16 samples of 2×3×1: sample i holds i·10 + column, class i % 2. */
const data: ClassDataset = {
  x: { shape: [16, 2, 3, 1], data: Float32Array.from({ length: 16 * 6 }, (_, k) => Math.floor(k / 6) * 10 + (k % 3)) },
  y: { shape: [16], data: Float32Array.from({ length: 16 }, (_, i) => i % 2) },
  classNames: ['even', 'odd'],
};

describe('previewBatch', () => {
  it('without augmentation: the first shuffled batch of the training part, labelled', () => {
    const report = analyzeGraph(graph(false));
    const p = previewBatch(report, data, { batchSize: 8, seed: 0, validationSplit: 0.25 });
    expect(p.x.shape).toEqual([8, 2, 3, 1]);
    expect(p.applied).toEqual([]);
    const samples = Array.from({ length: 8 }, (_, b) => p.x.data[b * 6] / 10);
    // Shuffled, from the first 12 only (the last quarter validates), each labelled by its class.
    expect(samples.every((s) => s < 12)).toBe(true);
    expect(samples).not.toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(p.labels).toEqual(samples.map((s) => (s % 2 ? 'odd' : 'even')));
  });
  it('with a RandomFlip after the Input: each image as drawn for step 0, some mirrored, some not', () => {
    const report = analyzeGraph(graph(true));
    expect(augmentationChain(report, 'x')).toEqual(['flip']);
    const plain = previewBatch(analyzeGraph(graph(false)), data, { batchSize: 16, seed: 3, validationSplit: 0 });
    const p = previewBatch(report, data, { batchSize: 16, seed: 3, validationSplit: 0 });
    expect(p.applied).toEqual(['random_flip']);
    const rows = (t: typeof p.x, b: number) => Array.from(t.data.subarray(b * 6, b * 6 + 3));
    let flipped = 0;
    for (let b = 0; b < 16; b++) {
      const base = rows(plain.x, b);
      const got = rows(p.x, b);
      if (got.join() === [...base].reverse().join()) flipped++;
      else expect(got).toEqual(base);
    }
    expect(flipped).toBeGreaterThan(0);
    expect(flipped).toBeLessThan(16);
  });
});
