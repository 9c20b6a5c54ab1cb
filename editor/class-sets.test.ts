import { describe, expect, it } from 'vitest';
import { classSetProblem, classSetSamples, freeName, keptPicture, pictureInputShape, type ClassSet } from './class-sets.ts';

/** A w×h picture of one colour. */
const solid = (w: number, h: number, rgb: [number, number, number]) => ({ width: w, height: h, data: Float32Array.from({ length: w * h * 3 }, (_, i) => rgb[i % 3]) });
const set = (classes: ClassSet['classes']): ClassSet => ({ name: 'mine', kind: 'buckets', classes });

describe('classSetProblem', () => {
  const img = { name: 'a.png', picture: solid(2, 2, [0, 0, 0]) };
  it('accepts two named classes with images', () => {
    expect(classSetProblem(set([{ name: 'cat', images: [img] }, { name: 'cup', images: [img] }]))).toBeNull();
  });
  it('names an empty class', () => {
    expect(classSetProblem(set([{ name: 'cat', images: [img] }, { name: 'cup', images: [] }]))).toContain("the class 'cup' of 'mine' has no images");
  });
  it('refuses one class only', () => {
    expect(classSetProblem(set([{ name: 'cat', images: [img] }]))).toContain("'mine' has one class only ('cat'): a classifier needs at least two");
  });
  it('refuses unnamed and twice-named classes', () => {
    expect(classSetProblem(set([{ name: ' ', images: [img] }, { name: 'cup', images: [img] }]))).toContain('class 1 of \'mine\' has no name');
    expect(classSetProblem(set([{ name: 'cup', images: [img] }, { name: 'cup ', images: [img] }]))).toContain("two classes of 'mine' are named 'cup'");
  });
});

describe('classSetSamples', () => {
  it('feeds each picture as Run does (resized, preprocessed), labels by class, shuffled once by the seed', () => {
    const s = set([
      { name: 'red', images: [{ name: 'r1', picture: solid(8, 4, [255, 0, 0]) }, { name: 'r2', picture: solid(3, 3, [255, 0, 0]) }] },
      { name: 'blue', images: [{ name: 'b1', picture: solid(5, 7, [0, 0, 255]) }] },
    ]);
    const d = classSetSamples(s, [2, 2, 3], { resize: 'stretch', preprocess: 'unit' }, 0);
    expect(d.x.shape).toEqual([3, 2, 2, 3]);
    expect(d.classNames).toEqual(['red', 'blue']);
    expect([...d.files].sort()).toEqual(['blue/b1', 'red/r1', 'red/r2']);
    for (let i = 0; i < 3; i++) {
      const label = d.y.data[i];
      expect(d.files[i].startsWith(label === 0 ? 'red/' : 'blue/')).toBe(true);
      // Every pixel of sample i is its class's colour, scaled to [0, 1].
      const want = label === 0 ? [1, 0, 0] : [0, 0, 1];
      expect(Array.from(d.x.data.subarray(i * 12, i * 12 + 3))).toEqual(want);
    }
    // Another seed, another order of the same samples.
    const orders = new Set([0, 1, 2, 3, 4].map((seed) => classSetSamples(s, [2, 2, 3], { resize: 'stretch', preprocess: 'unit' }, seed).files.join()));
    expect(orders.size).toBeGreaterThan(1);
  });
  it('refuses a set with a problem, in its words', () => {
    expect(() => classSetSamples(set([{ name: 'cat', images: [] }, { name: 'cup', images: [] }]), [2, 2, 3], { resize: 'crop', preprocess: 'unit' })).toThrow('have no images');
  });
});

describe('pictureInputShape', () => {
  it('takes the first Input shaped like a picture, else says why not', () => {
    expect(pictureInputShape([{ name: 'x', shape: [10] }, { name: 'img', shape: [96, 96, 3] }])).toEqual([96, 96, 3]);
    expect(pictureInputShape([{ name: 'x', shape: [10] }])).toBe('no Input takes a picture (H×W×3 or H×W×1): x is 10');
    expect(pictureInputShape([])).toBe('the graph has no Input');
  });
});

describe('keptPicture and freeName', () => {
  it('shrinks large pictures to 512 on the longer side, aspect kept; small ones untouched', () => {
    const big = keptPicture(solid(2048, 1024, [1, 2, 3]));
    expect([big.width, big.height]).toEqual([512, 256]);
    const small = solid(100, 50, [1, 2, 3]);
    expect(keptPicture(small)).toBe(small);
  });
  it('numbers a taken name', () => {
    expect(freeName('classes', [])).toBe('classes');
    expect(freeName('classes', ['classes', 'classes 2'])).toBe('classes 3');
  });
});
