import { describe, expect, it } from 'vitest';
import { tensor } from '../tensor.ts';
import { nodeStepKey, sampleIndex } from '../train/dropout-mask.ts';
import { resolveAttrs } from './attrs.ts';
import { RandomCrop } from './random-crop.ts';

const attrs = (raw: Record<string, unknown>) => resolveAttrs(RandomCrop, raw).attrs as any;
const ctx = { nodeId: 'crop', seed: 2, step: 1, trainable: true };
const counting = (shape: number[]) => tensor(shape, Array.from({ length: shape.reduce((a, b) => a * b) }, (_, i) => i));

describe('RandomCrop', () => {
  it('has the crop\'s shape', () => {
    expect(RandomCrop.inferShape([[32, 40, 3]], attrs({ height: 28, width: 30 }))).toEqual([28, 30, 3]);
  });

  it('at inference: the centered window with the crop\'s aspect ratio — exact when it has the crop\'s size', () => {
    const x = counting([1, 5, 7, 1]);
    // 5×7 → 5×5: window columns 1 … 5
    const y = RandomCrop.reference([x], {}, attrs({ height: 5, width: 5 }));
    expect([...y.data]).toEqual(Array.from({ length: 25 }, (_, i) => Math.floor(i / 5) * 7 + (i % 5) + 1));
    expect(RandomCrop.flops([[5, 7, 1]], [5, 5, 1], attrs({ height: 5, width: 5 }))).toBe(0);
  });

  it('at inference: resized bilinearly with half-pixel centers (4×4 → 2×2 averages each 2×2 block)', () => {
    const y = RandomCrop.reference([counting([1, 4, 4, 1])], {}, attrs({ height: 2, width: 2 }));
    expect([...y.data]).toEqual([2.5, 4.5, 10.5, 12.5]);
    // 2×2 → 4×4: edges clamped, (o + ½)/2 − ½ between
    const up = RandomCrop.reference([tensor([1, 2, 2, 1], [0, 4, 8, 12])], {}, attrs({ height: 4, width: 4 }));
    expect([...up.data.subarray(0, 4)]).toEqual([0, 1, 3, 4]);
  });

  it('while training: each image\'s own window, offsets sampleIndex(key, image, 0 | 1) of H − h + 1 and W − w + 1', () => {
    const N = 12, H = 6, W = 8, x = counting([N, H, W, 1]);
    const y = RandomCrop.trainForward!([x], {}, attrs({ height: 4, width: 5 }), ctx).output;
    expect(y.shape).toEqual([N, 4, 5, 1]);
    const key = nodeStepKey(ctx);
    const offsets = new Set<string>();
    for (let n = 0; n < N; n++) {
      const top = sampleIndex(key, n, 0, 3), left = sampleIndex(key, n, 1, 4);
      offsets.add(`${top},${left}`);
      const want = Array.from({ length: 20 }, (_, i) => ((n * H + top + Math.floor(i / 5)) * W + left + (i % 5)));
      expect([...y.data.subarray(n * 20, n * 20 + 20)], `image ${n}`).toEqual(want);
    }
    expect(offsets.size).toBeGreaterThan(3);
    const again = (c: typeof ctx) => [...RandomCrop.trainForward!([x], {}, attrs({ height: 4, width: 5 }), c).output.data];
    expect(again({ ...ctx })).toEqual([...y.data]);
    expect(again({ ...ctx, step: 2 })).not.toEqual([...y.data]);
  });

  it('while training, an input not larger on both axes gets the inference crop (Keras\' rule)', () => {
    const x = counting([3, 5, 7, 1]);
    const a = attrs({ height: 5, width: 5 });
    expect([...RandomCrop.trainForward!([x], {}, a, ctx).output.data]).toEqual([...RandomCrop.reference([x], {}, a).data]);
  });

  it('sends the gradient back to the window it read', () => {
    const x = counting([2, 6, 8, 1]);
    const a = attrs({ height: 4, width: 5 });
    const dy = tensor([2, 4, 5, 1], new Float32Array(40).fill(1));
    const dx = RandomCrop.backward!([x], {}, a, dy, ctx).inputs[0];
    expect(dx.data.reduce((s, v) => s + v, 0)).toBe(40);
    const y = RandomCrop.trainForward!([x], {}, a, ctx).output;
    // the ones land where the forward read: on the values it copied
    expect([...x.data].filter((_, i) => dx.data[i] === 1).sort((p, q) => p - q)).toEqual([...y.data].sort((p, q) => p - q));
  });
});
