import { describe, expect, it } from 'vitest';
import { tensor } from '../tensor.ts';
import { resolveAttrs } from './attrs.ts';
import { Dropout } from './dropout.ts';
import { dropoutKeeps, dropoutKey, nodeSalt } from '../train/dropout-mask.ts';

const attrs = (raw: Record<string, unknown>) => resolveAttrs(Dropout, raw).attrs as any;

describe('Dropout', () => {
  it('is the identity at inference, whatever the rate, and copies', () => {
    const x = tensor([1, 2, 3], [-1, 0, 0.5, 2, 3e-8, 100]);
    for (const rate of [0, 0.5, 0.9]) {
      const y = Dropout.reference([x], {}, attrs({ rate }));
      expect(y.shape).toEqual([1, 2, 3]);
      expect([...y.data]).toEqual([...x.data]);
      expect(y.data).not.toBe(x.data);
    }
  });

  it('keeps the shape, defaults to rate 0.5 and costs nothing', () => {
    expect(Dropout.inferShape([[7, 7, 64]], attrs({}))).toEqual([7, 7, 64]);
    expect(attrs({}).rate).toBe(0.5);
    expect(Dropout.flops([[4096]], [4096], attrs({}))).toBe(0);
  });

  it('reports a rate outside 0…1', () => {
    expect(resolveAttrs(Dropout, { rate: 1.5 }).problems.map((p) => p.message)).toEqual(['Dropout rate must be between 0 and 1, got 1.5']);
  });

  describe('training mode', () => {
    const ctx = { nodeId: 'drop', seed: 1, step: 0, trainable: true };
    const x = tensor([2, 1000], Array.from({ length: 2000 }, (_, i) => 1 + (i % 7)));

    it('drops about rate of the values and scales the rest by 1/(1 − rate), the mask from dropout-mask.ts', () => {
      const y = Dropout.trainForward!([x], {}, attrs({ rate: 0.25 }), ctx).output;
      const key = dropoutKey(1, 0, nodeSalt('drop'));
      let kept = 0;
      for (let i = 0; i < y.data.length; i++) {
        const keep = dropoutKeeps(key, i, 0.25);
        kept += keep ? 1 : 0;
        expect(y.data[i]).toBe(keep ? Math.fround(x.data[i] / 0.75) : 0);
      }
      expect(kept / 2000).toBeGreaterThan(0.7);
      expect(kept / 2000).toBeLessThan(0.8);
    });

    it('draws a new mask each step and each node, and the same one again for the same (seed, step, node)', () => {
      const at = (c: typeof ctx) => [...Dropout.trainForward!([x], {}, attrs({ rate: 0.5 }), c).output.data];
      expect(at(ctx)).toEqual(at({ ...ctx }));
      expect(at({ ...ctx, step: 1 })).not.toEqual(at(ctx));
      expect(at({ ...ctx, nodeId: 'other' })).not.toEqual(at(ctx));
      expect(at({ ...ctx, seed: 2 })).not.toEqual(at(ctx));
    });

    it('sends the gradient through the same mask; rate 0 and rate 1 are the identity and zero', () => {
      const dy = tensor(x.shape, new Float32Array(2000).fill(1));
      const y = Dropout.trainForward!([x], {}, attrs({ rate: 0.5 }), ctx).output;
      const dx = Dropout.backward!([x], {}, attrs({ rate: 0.5 }), dy, ctx).inputs[0];
      for (let i = 0; i < 2000; i++) expect(dx.data[i]).toBe(y.data[i] === 0 ? 0 : 2);
      expect([...Dropout.trainForward!([x], {}, attrs({ rate: 0 }), ctx).output.data]).toEqual([...x.data]);
      expect(Dropout.trainForward!([x], {}, attrs({ rate: 1 }), ctx).output.data.every((v) => v === 0)).toBe(true);
    });
  });
});
