import { describe, expect, it } from 'vitest';
import { tensor } from '../tensor.ts';
import { resolveAttrs } from './attrs.ts';
import { Concatenate } from './concatenate.ts';
import { OpError } from './op.ts';

const attrs = (raw: Record<string, unknown>) => resolveAttrs(Concatenate, raw).attrs as any;
const thrown = (f: () => unknown): OpError => {
  try {
    f();
  } catch (e) {
    if (e instanceof OpError) return e;
    throw e;
  }
  throw new Error('expected an OpError');
};

// Batch of 2 so that a slice offset bug on the outer loop shows.
const h1 = tensor([2, 1, 2, 1], [1, 2, 10, 20]);
const h2 = tensor([2, 1, 2, 1], [3, 4, 30, 40]);
// 2×1×2 maps: rows [1, 2] and [3, 4]; [5, 6] and [7, 8]
const w1 = tensor([1, 2, 1, 2], [1, 2, 3, 4]);
const w2 = tensor([1, 2, 1, 2], [5, 6, 7, 8]);
// 1×2 pixels of 2 and 1 channels
const c1 = tensor([1, 1, 2, 2], [1, 2, 3, 4]);
const c2 = tensor([1, 1, 2, 1], [5, 6]);

describe('Concatenate', () => {
  it.each([
    // [axis, inputs, shape, data]
    [1, [h1, h2], [2, 2, 2, 1], [1, 2, 3, 4, 10, 20, 30, 40]],
    [-3, [h1, h2], [2, 2, 2, 1], [1, 2, 3, 4, 10, 20, 30, 40]],
    [2, [w1, w2], [1, 2, 2, 2], [1, 2, 5, 6, 3, 4, 7, 8]],
    [-2, [w1, w2], [1, 2, 2, 2], [1, 2, 5, 6, 3, 4, 7, 8]],
    [3, [c1, c2], [1, 1, 2, 3], [1, 2, 5, 3, 4, 6]],
    [-1, [c1, c2], [1, 1, 2, 3], [1, 2, 5, 3, 4, 6]],
  ])('joins on axis %i exactly', (axis, inputs, shape, data) => {
    const y = Concatenate.reference(inputs, {}, attrs({ axis }));
    expect(y.shape).toEqual(shape);
    expect([...y.data]).toEqual(data);
  });

  it('joins three inputs on the channels by default, batch by batch', () => {
    const a = tensor([2, 1, 1, 1], [1, 10]), b = tensor([2, 1, 1, 2], [2, 3, 20, 30]), c = tensor([2, 1, 1, 1], [4, 40]);
    const y = Concatenate.reference([a, b, c], {}, attrs({}));
    expect(y.shape).toEqual([2, 1, 1, 4]);
    expect([...y.data]).toEqual([1, 2, 3, 4, 10, 20, 30, 40]);
  });

  it.each([
    // [inputs, axis, output]
    [[[28, 28, 64], [28, 28, 128], [28, 28, 32], [28, 28, 32]], -1, [28, 28, 256]], // Inception module
    [[[14, 14, 8], [7, 14, 8]], 1, [21, 14, 8]],
    [[[14, 14, 8], [14, 3, 8]], 2, [14, 17, 8]],
    [[[10], [20]], -1, [30]],
    [[[10], [20]], 1, [30]],
    [[[5, 4], [5, 6]], 2, [5, 10]],
    [[[4, 4, 16]], -1, [4, 4, 16]], // Keras accepts a single input
  ])('infers %j on axis %i → %j', (inputs, axis, want) => {
    expect(Concatenate.inferShape(inputs, attrs({ axis }))).toEqual(want);
  });

  it('names the mismatched axis and the shapes, with a fix for spatial sizes', () => {
    const e = thrown(() => Concatenate.inferShape([[28, 28, 64], [14, 14, 32]], attrs({})));
    expect(e.message).toBe('Concatenate on axis 3 (C) needs every other axis equal: 28×28×64 vs 14×14×32 differ in H (28 vs 14)');
    expect(e.hint).toBe('match the strides or add a pooling layer');
  });

  it('names the channels when joining on H, and lists every input', () => {
    const e = thrown(() => Concatenate.inferShape([[7, 7, 64], [7, 7, 64], [3, 7, 32]], attrs({ axis: 1 })));
    expect(e.message).toBe('Concatenate on axis 1 (H) needs every other axis equal: 7×7×64 vs 7×7×64 vs 3×7×32 differ in C (64 vs 32)');
    expect(e.hint).toMatch(/1×1 Conv2D projection/);
    expect(() => Concatenate.inferShape([[5, 4], [6, 5]], attrs({ axis: -1 })))
      .toThrow('Concatenate on axis 2 needs every other axis equal: 5×4 vs 6×5 differ in axis 1 (5 vs 6)');
  });

  it('refuses the batch axis, 0 or counted from the end, with Keras axes in the hint', () => {
    for (const axis of [0, -4]) {
      const e = thrown(() => Concatenate.inferShape([[4, 4, 8], [4, 4, 8]], attrs({ axis })));
      expect(e.message).toBe(`Concatenate cannot join along axis ${axis}: that is the batch`);
      expect(e.hint).toMatch(/axis -1 for channels.*1 for H or 2 for W/);
    }
  });

  it('refuses axes past the rank and inputs of different ranks', () => {
    expect(() => Concatenate.inferShape([[4, 4, 8], [4, 4, 8]], attrs({ axis: 4 }))).toThrow('Concatenate axis 4 is out of range for 4×4×8 inputs');
    expect(() => Concatenate.inferShape([[4, 4, 8], [4, 4, 8]], attrs({ axis: -5 }))).toThrow('Concatenate axis -5 is out of range');
    expect(() => Concatenate.inferShape([[4, 4, 8], [128]], attrs({}))).toThrow('Concatenate needs inputs of the same rank: 4×4×8 vs 128');
  });

  it('moves data only: no FLOPs, no weights', () => {
    expect(Concatenate.flops([[4, 4, 8], [4, 4, 8]], [4, 4, 16], attrs({}))).toBe(0);
    expect(Concatenate.weights).toBeUndefined();
    expect(Concatenate.category).toBe('Merge');
  });

  it('refuses unequal batch sizes in the reference', () => {
    expect(() => Concatenate.reference([tensor([1, 1, 1, 1]), tensor([2, 1, 1, 1])], {}, attrs({}))).toThrow('Concatenate needs equal batch sizes, got 1, 2');
  });
});
