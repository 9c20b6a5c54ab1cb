import { describe, expect, it } from 'vitest';
import { tensor } from '../tensor.ts';
import { batchAt, batchCount, permutation, rows, sequentialOrder, shuffledOrder, validationSplit } from './batch.ts';

/** n samples of 2×2×1, sample i filled with i; labels i % 3. */
function toy(n: number) {
  return { x: tensor([n, 2, 2, 1], Array.from({ length: n * 4 }, (_, k) => Math.floor(k / 4))), y: tensor([n], Array.from({ length: n }, (_, i) => i % 3)), classNames: ['a', 'b', 'c'] };
}

describe('validationSplit', () => {
  it('holds out the last fraction, unshuffled, as Keras: floor(N·(1 − fraction)) train', () => {
    const data = toy(10);
    const { train, validation } = validationSplit(data, 0.3);
    // 10·(1 − 0.3) = 7.000000000000001 in doubles, floor 7 — what Keras computes too
    expect(train.x.shape).toEqual([7, 2, 2, 1]);
    expect(validation!.x.shape).toEqual([3, 2, 2, 1]);
    expect([...validation!.y.data]).toEqual([7 % 3, 8 % 3, 9 % 3]);
    expect(validation!.x.data[0]).toBe(7);
    expect(train.classNames).toEqual(['a', 'b', 'c']);
    // views, not copies
    expect(train.x.data.buffer).toBe(data.x.data.buffer);
    expect(validation!.y.data.buffer).toBe(data.y.data.buffer);
  });

  it('matches Keras on the fractions people use', () => {
    const cases: [number, number, number][] = [[60000, 0.1, 54000], [60000, 0.2, 48000], [60000, 1 / 6, 50000], [50000, 0.1, 45000], [7, 0.5, 3], [3, 0.34, 1], [100, 0.01, 99]];
    for (const [n, f, train] of cases) {
      const split = validationSplit({ x: tensor([n, 1]), y: tensor([n]) }, f);
      expect([split.train.x.shape[0], split.validation!.x.shape[0]], `${n} × ${f}`).toEqual([train, n - train]);
    }
  });

  it('0 gives no validation set; out-of-range fractions and too few samples are refused', () => {
    const data = toy(4);
    expect(validationSplit(data, 0)).toEqual({ train: data, validation: null });
    expect(() => validationSplit(data, 1)).toThrow('validation split 1 must be between 0 and 1');
    expect(() => validationSplit(data, -0.1)).toThrow('must be between 0 and 1');
    expect(() => validationSplit(data, NaN)).toThrow('must be between 0 and 1');
    expect(validationSplit(data, 0.1).validation!.x.shape[0]).toBe(1); // floor(4·0.9 = 3.6) = 3 train
    expect(() => validationSplit(toy(1), 0.5)).toThrow('1 sample is too few to split'); // nothing left to train on
    expect(() => validationSplit(toy(3), 1e-17)).toThrow('3 samples are too few to split'); // 1 − 1e-17 == 1: nothing to validate
  });
});

describe('shuffledOrder', () => {
  it('is a permutation, the same for the same (seed, epoch), another for another epoch or seed', () => {
    const a = shuffledOrder(1000, 42, 0);
    expect([...a].sort((p, q) => p - q)).toEqual([...sequentialOrder(1000)]);
    expect(shuffledOrder(1000, 42, 0)).toEqual(a);
    const b = shuffledOrder(1000, 42, 1), c = shuffledOrder(1000, 43, 0);
    expect(b).not.toEqual(a);
    expect(c).not.toEqual(a);
    // not nearly the identity: few fixed points (1 expected)
    expect(a.filter((v, i) => v === i).length).toBeLessThan(10);
  });

  it('pins the order of seed 0, epoch 0 (so a change to the shuffle shows)', () => {
    expect([...shuffledOrder(10, 0, 0)]).toEqual([6, 4, 8, 9, 7, 3, 1, 2, 0, 5]);
  });

  it('puts every element everywhere about equally often (Fisher–Yates without bias)', () => {
    // 3000 shuffles of 4: each of the 16 (value, position) cells is hit ~750 times
    const counts = new Array(16).fill(0);
    for (let e = 0; e < 3000; e++) shuffledOrder(4, 7, e).forEach((v, pos) => counts[v * 4 + pos]++);
    for (const c of counts) expect(Math.abs(c - 750)).toBeLessThan(110); // > 4 standard deviations (23.7)
  });

  it('handles the edge sizes and refuses bad epochs', () => {
    expect([...shuffledOrder(0, 1, 0)]).toEqual([]);
    expect([...shuffledOrder(1, 1, 0)]).toEqual([0]);
    expect(() => shuffledOrder(5, 1, -1)).toThrow('epoch -1');
    expect(() => shuffledOrder(5, 1.5, 0)).toThrow('random seed must be a whole number');
    expect(permutation(5, 1, 'a')).not.toEqual(permutation(5, 1, 'b'));
  });

  it('60 000 samples take milliseconds', () => {
    const t = performance.now();
    shuffledOrder(60000, 0, 3);
    expect(performance.now() - t).toBeLessThan(1000);
  });
});

describe('batchAt', () => {
  it('gathers the samples and targets the order names, the last batch smaller', () => {
    const data = toy(5);
    const order = Uint32Array.from([4, 0, 3, 1, 2]);
    const first = batchAt(data, order, 0, 2);
    expect(first.x.shape).toEqual([2, 2, 2, 1]);
    expect([...first.x.data]).toEqual([4, 4, 4, 4, 0, 0, 0, 0]);
    expect([...first.y.data]).toEqual([1, 0]);
    expect([...first.indices]).toEqual([4, 0]);
    const last = batchAt(data, order, 4, 2);
    expect(last.x.shape).toEqual([1, 2, 2, 1]);
    expect([...last.y.data]).toEqual([2]);
    expect(batchCount(5, 2)).toBe(3);
    expect(batchCount(4, 2)).toBe(2);
  });

  it('copies: editing a batch leaves the set alone', () => {
    const data = toy(3);
    const b = batchAt(data, sequentialOrder(3), 0, 3);
    b.x.data.fill(-1);
    expect(data.x.data[0]).toBe(0);
  });

  it('carries one-hot targets and flat features', () => {
    const data = { x: tensor([3, 2], [0, 1, 2, 3, 4, 5]), y: tensor([3, 3], [1, 0, 0, 0, 1, 0, 0, 0, 1]) };
    const b = batchAt(data, Uint32Array.from([2, 0]), 0, 8);
    expect(b.x).toEqual(tensor([2, 2], [4, 5, 0, 1]));
    expect(b.y).toEqual(tensor([2, 3], [0, 0, 1, 1, 0, 0]));
  });

  it('walks a split and shuffled epoch exactly once', () => {
    const { train } = validationSplit(toy(103), 0.2);
    const n = train.x.shape[0];
    const order = shuffledOrder(n, 5, 2);
    const seen: number[] = [];
    for (let s = 0; s < batchCount(n, 16); s++) seen.push(...batchAt(train, order, s * 16, 16).x.data.filter((_, k) => k % 4 === 0));
    expect(seen.sort((p, q) => p - q)).toEqual([...sequentialOrder(n)]);
  });

  it('refuses a start past the end and an order that names a missing sample', () => {
    const data = toy(3);
    expect(() => batchAt(data, sequentialOrder(3), 3, 1)).toThrow('batch start 3 is outside the order of 3 samples');
    expect(() => batchAt(data, Uint32Array.from([0, 5]), 0, 2)).toThrow('sample 5 in the order is outside the 3 samples');
    expect(() => batchCount(3, 0)).toThrow('batch size 0');
    expect(rows(data.x, 1, 2).data[0]).toBe(1);
  });
});
