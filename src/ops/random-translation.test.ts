import { describe, expect, it } from 'vitest';
import { tensor } from '../tensor.ts';
import { nodeStepKey, sampleUniform } from '../train/dropout-mask.ts';
import { resolveAttrs } from './attrs.ts';
import { foldIndex, IDENTITY, resample, whole, type FillMode, type Sampling } from './image-sampling.ts';
import { RandomTranslation } from './random-translation.ts';

const attrs = (raw: Record<string, unknown>) => resolveAttrs(RandomTranslation, raw).attrs as any;
const ctx = { nodeId: 'shift', seed: 7, step: 3, trainable: true };

/** A 1×4 row image shifted right by `by` pixels (output o reads o − by). */
function shiftRow(row: number[], by: number, fill: FillMode, interpolation: 'bilinear' | 'nearest' = 'bilinear', fillValue = 9): number[] {
  const s: Sampling = { out: [1, row.length], window: [whole(1), whole(row.length)], interpolation, fill, fillValue, fixed: [IDENTITY, { scale: 1, offset: -by }], random: null };
  return [...resample(tensor([1, 1, row.length, 1], row), s, 0).data];
}

describe('RandomTranslation', () => {
  it('is the identity at inference; checks its factors', () => {
    const x = tensor([1, 3, 3, 1], [1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect([...RandomTranslation.reference([x], {}, attrs({})).data]).toEqual([...x.data]);
    expect(attrs({})).toMatchObject({ fill_mode: 'reflect', interpolation: 'bilinear', fill_value: 0 });
    expect(() => RandomTranslation.inferShape([[4, 4, 1]], attrs({ height_factor: 1.5 }))).toThrow(/within −1 … 1/);
    expect(() => RandomTranslation.inferShape([[4, 4, 1]], attrs({ width_factor: [0.1, 0.2, 0.3] }))).toThrow(/one number or a pair/);
  });

  it('folds indices as Keras\' fill modes: reflect (d c b a | a b c d | d c b a), wrap, nearest, constant', () => {
    const w = whole(4);
    const fold = (mode: FillMode) => [-5, -4, -2, -1, 0, 3, 4, 5, 8].map((i) => foldIndex(i, w, mode));
    expect(fold('reflect')).toEqual([3, 3, 1, 0, 0, 3, 3, 2, 0]);
    expect(fold('wrap')).toEqual([3, 0, 2, 3, 0, 3, 0, 1, 0]);
    expect(fold('nearest')).toEqual([0, 0, 0, 0, 0, 3, 3, 3, 3]);
    expect(fold('constant')).toEqual([-1, -1, -1, -1, 0, 3, -1, -1, -1]);
  });

  it('interpolates a shift of 1.5 pixels bilinearly, each fill mode; nearest rounds half away from zero', () => {
    const row = [1, 2, 3, 4];
    expect(shiftRow(row, 1.5, 'reflect')).toEqual([1.5, 1, 1.5, 2.5]);
    expect(shiftRow(row, 1.5, 'constant')).toEqual([9, 5, 1.5, 2.5]);
    expect(shiftRow(row, 1.5, 'nearest')).toEqual([1, 1, 1.5, 2.5]);
    expect(shiftRow(row, 1.5, 'wrap')).toEqual([3.5, 2.5, 1.5, 2.5]);
    expect(shiftRow(row, -1, 'reflect')).toEqual([2, 3, 4, 4]);
    // o − 1.5: −1.5 → −2, −0.5 → −1, 0.5 → 1, 1.5 → 2
    expect(shiftRow(row, 1.5, 'constant', 'nearest')).toEqual([9, 9, 2, 3]);
  });

  it('moves the image down and right for positive factors (Keras), by the fraction of the size drawn', () => {
    const x = tensor([1, 4, 4, 1], Array.from({ length: 16 }, (_, i) => i + 1));
    const y = RandomTranslation.trainForward!([x], {}, attrs({ height_factor: [0.5, 0.5], width_factor: [0.25, 0.25], fill_mode: 'constant' }), ctx).output;
    expect([...y.data]).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 0, 5, 6, 7]);
  });

  it('draws each image\'s shift as (low + u·(high − low))·size from sampleUniform(key, image, 0 | 1)', () => {
    const N = 6, H = 5, W = 8;
    const x = tensor([N, H, W, 1], Array.from({ length: N * H * W }, (_, i) => Math.sin(i)));
    const a = attrs({ height_factor: 0.4, width_factor: [-0.2, 0.3], fill_mode: 'constant' });
    const y = RandomTranslation.trainForward!([x], {}, a, ctx).output;
    const key = nodeStepKey(ctx);
    for (let n = 0; n < N; n++) {
      const dy = (-0.4 + sampleUniform(key, n, 0) * 0.8) * H, dx = (-0.2 + sampleUniform(key, n, 1) * 0.5) * W;
      const s: Sampling = { out: [H, W], window: [whole(H), whole(W)], interpolation: 'bilinear', fill: 'constant', fillValue: 0, fixed: [{ scale: 1, offset: -dy }, { scale: 1, offset: -dx }], random: null };
      const one = tensor([1, H, W, 1], x.data.subarray(n * H * W, (n + 1) * H * W));
      expect([...y.data.subarray(n * H * W, (n + 1) * H * W)], `image ${n}`).toEqual([...resample(one, s, 0).data]);
    }
  });

  it('repeats for the same (seed, step, node), not for another step', () => {
    const x = tensor([8, 6, 6, 1], Array.from({ length: 288 }, (_, i) => i % 13));
    const at = (c: typeof ctx) => [...RandomTranslation.trainForward!([x], {}, attrs({}), c).output.data];
    expect(at(ctx)).toEqual(at({ ...ctx }));
    expect(at({ ...ctx, step: 4 })).not.toEqual(at(ctx));
    expect(at({ ...ctx, nodeId: 'other' })).not.toEqual(at(ctx));
  });
});
