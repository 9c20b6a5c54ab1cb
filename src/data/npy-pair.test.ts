import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeNpy } from '../io/npy.ts';
import { tensor } from '../tensor.ts';
import { loadNpyPair, npyPair } from './npy-pair.ts';

const npy = (shape: number[], values?: number[]) => writeNpy(tensor(shape, values ?? Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => i)));

describe('npyPair', () => {
  it('pairs X [N, H, W, C] with Y [N] labels or [N, K] targets', () => {
    const d = npyPair(npy([3, 2, 2, 1]), npy([3], [2, 0, 1]));
    expect(d.x.shape).toEqual([3, 2, 2, 1]);
    expect([...d.y.data]).toEqual([2, 0, 1]);
    expect(npyPair(npy([4, 5]), npy([4, 10])).y.shape).toEqual([4, 10]);
  });

  it('says which file is wrong and how', () => {
    expect(() => npyPair(npy([3, 4]), npy([2]))).toThrow('X.npy has 3 samples (3×4) but Y.npy has 2 (2)');
    expect(() => npyPair(npy([3]), npy([3]))).toThrow('X.npy has shape 3; it needs a sample axis first and at least one more axis');
    expect(() => npyPair(npy([2, 2]), npy([]))).toThrow('Y.npy is a scalar');
    expect(() => npyPair(npy([0, 4]), npy([0]))).toThrow('X.npy holds no samples');
    expect(() => npyPair(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]), npy([1]))).toThrow('X.npy: not a valid .npy file');
    let error: unknown;
    try {
      npyPair(npy([2, 2]), npy([3]), { x: 'a.npy', y: 'b.npy' });
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ name: 'OpError', message: expect.stringContaining('a.npy has 2 samples'), hint: expect.stringContaining('same first axis') });
  });
});

describe('loadNpyPair', () => {
  it('reads the two files, and names a missing one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'deepwire-npy-pair-'));
    try {
      await writeFile(join(dir, 'X.npy'), npy([2, 3]));
      await writeFile(join(dir, 'Y.npy'), npy([2], [1, 0]));
      const d = await loadNpyPair(join(dir, 'X.npy'), join(dir, 'Y.npy'));
      expect(d.x).toEqual(tensor([2, 3], [0, 1, 2, 3, 4, 5]));
      await expect(loadNpyPair(join(dir, 'X.npy'), join(dir, 'labels.npy'))).rejects.toThrow(`cannot read ${join(dir, 'labels.npy')}: no such file`);
    } finally {
      await rm(dir, { recursive: true });
    }
  });
});
