import { describe, expect, it } from 'vitest';
import { expectClose, TOLERANCE } from '../testing/expect-close.ts';
import { sizeOf, stridesOf, tensor, type Tensor } from '../tensor.ts';
import { broadcastShapes, mergeFlops, mergeReference } from './merge.ts';
import { OpError } from './op.ts';

const thrown = (f: () => unknown): OpError => {
  try {
    f();
  } catch (e) {
    if (e instanceof OpError) return e;
    throw e;
  }
  throw new Error('expected an OpError');
};

/** Numpy-style broadcast add written the slow, obvious way: index every input from the output index. */
function naiveAdd(inputs: Tensor[], outShape: number[]): number[] {
  const out: number[] = [];
  for (let o = 0; o < sizeOf(outShape); o++) {
    const idx = outShape.map((_, d) => Math.floor(o / stridesOf(outShape)[d]) % outShape[d]);
    let acc = 0;
    for (const t of inputs) {
      const shift = outShape.length - t.shape.length;
      const s = stridesOf(t.shape);
      // the batch (index 0) aligns with the batch; the rest align from the right
      let off = (t.shape[0] === 1 ? 0 : idx[0]) * s[0];
      for (let d = 1; d < t.shape.length; d++) off += (t.shape[d] === 1 ? 0 : idx[d + shift]) * s[d];
      acc += t.data[off];
    }
    out.push(acc);
  }
  return out;
}

const ramp = (shape: number[], start = 0) => tensor(shape, Array.from({ length: sizeOf(shape) }, (_, i) => start + i));

describe('broadcastShapes', () => {
  it.each([
    // [inputs, output]
    [[[28, 28, 64], [28, 28, 64]], [28, 28, 64]],
    [[[28, 28, 64], [1, 1, 64]], [28, 28, 64]], // squeeze-excite scale
    [[[1, 1, 64], [28, 28, 64]], [28, 28, 64]],
    [[[28, 28, 64], [64]], [28, 28, 64]], // ranks differ: align right
    [[[7], [5, 3, 7]], [5, 3, 7]],
    [[[1, 5], [4, 1]], [4, 5]], // both stretch
    [[[4, 1, 3], [5, 1]], [4, 5, 3]],
    [[[8, 8, 16], [1, 1, 16], [8, 8, 1], [16]], [8, 8, 16]],
  ])('%j → %j', (inputs, want) => {
    expect(broadcastShapes('Add', inputs)).toEqual(want);
  });

  it('says which shapes differ and suggests a 1×1 projection when only the channels do', () => {
    const e = thrown(() => broadcastShapes('Add', [[28, 28, 64], [28, 28, 128]]));
    expect(e.message).toBe('Add needs equal shapes: 28×28×64 vs 28×28×128');
    expect(e.hint).toBe('insert a 1×1 Conv2D projection');
  });

  it('points at strides or pooling when the spatial sizes differ, channels too or not', () => {
    const hint = 'the spatial sizes differ (28×28 vs 14×14): match the strides or add a pooling layer';
    const e = thrown(() => broadcastShapes('Add', [[28, 28, 64], [14, 14, 64]]));
    expect(e.message).toBe('Add needs equal shapes: 28×28×64 vs 14×14×64');
    expect(e.hint).toBe(hint);
    expect(thrown(() => broadcastShapes('Add', [[28, 28, 64], [14, 14, 128]])).hint).toBe(hint);
  });

  it('lists every input shape when there are more than two, naming its op', () => {
    const e = thrown(() => broadcastShapes('Multiply', [[28, 28, 64], [1, 1, 64], [28, 28, 128]]));
    expect(e.message).toBe('Multiply needs equal shapes: 28×28×64 vs 1×1×64 vs 28×28×128');
    expect(e.hint).toBe('insert a 1×1 Conv2D projection');
  });

  it('explains right-aligned broadcasting when the ranks differ, and a Dense for vectors', () => {
    const e = thrown(() => broadcastShapes('Add', [[28, 28, 64], [128]]));
    expect(e.message).toBe('Add needs equal shapes: 28×28×64 vs 128');
    expect(e.hint).toMatch(/aligned from the right/);
    expect(thrown(() => broadcastShapes('Add', [[64], [128]])).hint).toMatch(/Dense/);
  });

  it('refuses fewer than two inputs', () => {
    expect(() => broadcastShapes('Add', [[4]])).toThrow('Add merges at least 2 tensors, got 1');
  });
});

describe('mergeReference', () => {
  it('broadcasts across ranks and size-1 axes exactly as the slow numpy-style loop', () => {
    const x = ramp([2, 3, 1, 5]), y = ramp([2, 4, 1], 100), z = ramp([1, 5], 1000);
    const got = mergeReference('Add', [x, y, z], (a, b) => a + b);
    expect(got.shape).toEqual([2, 3, 4, 5]);
    expectClose(got.data, naiveAdd([x, y, z], [2, 3, 4, 5]), TOLERANCE.elementwise);
  });

  it('stretches a batch of 1 and refuses unequal batches', () => {
    const got = mergeReference('Add', [ramp([2, 2]), tensor([1, 2], [10, 20])], (a, b) => a + b);
    expect([...got.data]).toEqual([10, 21, 12, 23]);
    expect(() => mergeReference('Add', [ramp([2, 2]), ramp([3, 2])], (a, b) => a + b)).toThrow('Add needs equal batch sizes, got 2, 3');
  });

  it('refuses shapes that do not broadcast, with the same message as shape inference', () => {
    expect(() => mergeReference('Add', [ramp([1, 2, 2, 3]), ramp([1, 2, 2, 4])], (a, b) => a + b))
      .toThrow('Add needs equal shapes: 2×2×3 vs 2×2×4');
  });

  it('counts one operation per extra input per output element', () => {
    expect(mergeFlops([[4, 4, 8], [4, 4, 8], [1, 1, 8]], [4, 4, 8])).toBe(2 * 128);
  });
});
