import { describe, expect, it } from 'vitest';
import { tensor } from '../tensor.ts';
import { nodeStepKey, sampleUniform } from '../train/dropout-mask.ts';
import { resolveAttrs } from './attrs.ts';
import { RandomFlip } from './random-flip.ts';

const attrs = (raw: Record<string, unknown>) => resolveAttrs(RandomFlip, raw).attrs as any;
const ctx = { nodeId: 'flip', seed: 1, step: 0, trainable: true };
/** Image n of a batch of 2×3×1 images: n·10 + 1 … n·10 + 6, row by row. */
const batch = (N: number) => tensor([N, 2, 3, 1], Array.from({ length: N * 6 }, (_, i) => Math.floor(i / 6) * 10 + (i % 6) + 1));
const image = (t: { data: Float32Array }, n: number) => [...t.data.subarray(n * 6, n * 6 + 6)];

describe('RandomFlip', () => {
  it('is the identity at inference and copies; defaults to horizontal_and_vertical; wants images', () => {
    const x = batch(2);
    const y = RandomFlip.reference([x], {}, attrs({}));
    expect([...y.data]).toEqual([...x.data]);
    expect(y.data).not.toBe(x.data);
    expect(attrs({}).mode).toBe('horizontal_and_vertical');
    expect(() => RandomFlip.inferShape([[5, 3]], attrs({}))).toThrow(/RandomFlip/);
  });

  it('flips exactly the images whose draw sampleUniform(key, n, 0) is ≤ ½, each way by its mode', () => {
    const N = 24, x = batch(N);
    const key = nodeStepKey(ctx);
    const flips = Array.from({ length: N }, (_, n) => sampleUniform(key, n, 0) <= 0.5);
    expect(flips.filter(Boolean).length).toBeGreaterThan(4);
    expect(flips.filter((f) => !f).length).toBeGreaterThan(4);
    const want = {
      horizontal: (n: number) => [3, 2, 1, 6, 5, 4].map((v) => n * 10 + v),
      vertical: (n: number) => [4, 5, 6, 1, 2, 3].map((v) => n * 10 + v),
      // Keras 3: one draw flips both axes (a half turn)
      horizontal_and_vertical: (n: number) => [6, 5, 4, 3, 2, 1].map((v) => n * 10 + v),
    };
    for (const [mode, flipped] of Object.entries(want)) {
      const y = RandomFlip.trainForward!([x], {}, attrs({ mode }), ctx).output;
      for (let n = 0; n < N; n++) expect(image(y, n), `${mode}, image ${n}`).toEqual(flips[n] ? flipped(n) : image(x, n));
    }
  });

  it('draws the same flips for the same (seed, step, node), others for another step, node or seed', () => {
    const x = batch(32);
    const at = (c: typeof ctx) => [...RandomFlip.trainForward!([x], {}, attrs({}), c).output.data];
    expect(at(ctx)).toEqual(at({ ...ctx }));
    expect(at({ ...ctx, step: 1 })).not.toEqual(at(ctx));
    expect(at({ ...ctx, nodeId: 'other' })).not.toEqual(at(ctx));
    expect(at({ ...ctx, seed: 2 })).not.toEqual(at(ctx));
  });

  it('sends the gradient back through the same flips', () => {
    const x = batch(16);
    const y = RandomFlip.trainForward!([x], {}, attrs({}), ctx).output;
    // a flip is its own inverse: dL/dx of L = Σ y·x' at dy = y is x
    expect([...RandomFlip.backward!([x], {}, attrs({}), y, ctx).inputs[0].data]).toEqual([...x.data]);
    expect([...RandomFlip.backward!([x], {}, attrs({}), y).inputs[0].data]).toEqual([...y.data]);
  });
});
