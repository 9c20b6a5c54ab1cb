import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { analyzeGraph, type GraphFile, type GraphNode, type Picture, type Tensor } from '../src/index.ts';
import { emptyGraph } from './graph-edits.ts';
import { buildFeeds, type InputChoice } from './feeds.ts';

// The photo's preview is an ImageData, which Node lacks: a stand-in that keeps what it was given.
beforeAll(() => vi.stubGlobal('ImageData', class {
  constructor(readonly data: Uint8ClampedArray, readonly width: number, readonly height: number) {}
}));
afterAll(() => vi.unstubAllGlobals());

/** An Input named as its id. */
const input = (id: string, shape: number[]): GraphNode => ({ id, op: 'Input', name: id, attrs: { shape }, inputs: [] });
const report = (...nodes: GraphNode[]) => analyzeGraph({ ...emptyGraph(), nodes, outputs: nodes.map((n) => n.id) } satisfies GraphFile);

let version = 0;
function choice(over: Partial<InputChoice> = {}): InputChoice {
  return { picture: null, label: 'test', npy: null, npyLabel: 'test.npy', resize: 'stretch', preprocess: 'unit', version: ++version, ...over };
}

/** A w×h photo, every channel of every pixel `value` (0–255). */
const photo = (w: number, h: number, value: number): Picture => ({ width: w, height: h, data: new Float32Array(w * h * 3).fill(value) });

describe('what each Input is fed', () => {
  it('feeds the photo, resized and normalised, to the first Input shaped like a picture; the others seeded random', () => {
    const r = report(input('vec', [5]), input('img', [2, 3, 3]), input('img2', [2, 3, 3]));
    const feeds = buildFeeds(r, choice({ picture: photo(6, 4, 255), label: 'cat.png (6×4)' }), 0);
    expect(feeds.error).toBe('');
    expect(feeds.info).toEqual({ target: 'img · 2×3×3', kind: 'photo', label: 'cat.png (6×4)' });
    expect(feeds.tensors.img.shape).toEqual([1, 2, 3, 3]);
    expect([...feeds.tensors.img.data]).toEqual(new Array(18).fill(1));
    expect(feeds.tensors.img2.shape).toEqual([1, 2, 3, 3]);
    expect(feeds.tensors.vec.shape).toEqual([1, 5]);
    expect(feeds.preview).toMatchObject({ width: 3, height: 2 });
    expect([...feeds.preview!.data.subarray(0, 4)]).toEqual([255, 255, 255, 255]);
  });

  it('keeps the photo\'s tensor while the photo and its settings stay the same', () => {
    const r = report(input('img', [2, 2, 3]));
    const c = choice({ picture: photo(2, 2, 0) });
    const first = buildFeeds(r, c, 0).tensors.img;
    expect(buildFeeds(r, c, 0).tensors.img).toBe(first);
    expect(buildFeeds(r, { ...c, preprocess: 'raw' }, 0).tensors.img).not.toBe(first);
  });

  it('feeds a .npy to the first Input of its shape, the batch to every other Input', () => {
    const npy: Tensor = { shape: [2, 4], data: Float32Array.from({ length: 8 }, (_, i) => i) };
    const r = report(input('img', [2, 2, 3]), input('a', [4]), input('b', [4]));
    const feeds = buildFeeds(r, choice({ npy, npyLabel: 'x.npy' }), 0);
    expect(feeds.tensors.a).toBe(npy);
    expect(feeds.info).toEqual({ target: 'a · 4', kind: 'npy', label: 'x.npy' });
    // with a .npy given, a photo-shaped Input is not fed the photo but random values, batch 2
    expect(feeds.tensors.img.shape).toEqual([2, 2, 2, 3]);
    expect(feeds.tensors.b.shape).toEqual([2, 4]);
  });

  it('feeds a .npy of exactly an Input\'s shape as one sample (batch 1), as `deepwire run --input` does', () => {
    const npy: Tensor = { shape: [28, 28, 1], data: new Float32Array(28 * 28) };
    const feeds = buildFeeds(report(input('img', [28, 28, 1])), choice({ npy, npyLabel: 'fashion-boot.npy' }), 0);
    expect(feeds.error).toBe('');
    expect(feeds.tensors.img.shape).toEqual([1, 28, 28, 1]);
    expect(feeds.tensors.img.data).toBe(npy.data);
    expect(feeds.info).toEqual({ target: 'img · 28×28×1', kind: 'npy', label: 'fashion-boot.npy' });
  });

  it('says which Inputs there are when no Input takes the .npy', () => {
    const npy: Tensor = { shape: [1, 7], data: new Float32Array(7) };
    const feeds = buildFeeds(report(input('a', [4]), input('img', [2, 2, 3])), choice({ npy }), 0);
    expect(feeds.error).toBe('the .npy holds 1×7; no Input is 1×7 (one sample) or 7 (a batch of 1): a: 4, img: 2×2×3');
    expect(feeds.tensors.a.shape).toEqual([1, 4]);
  });

  it('keeps feeding the photo while the .npy picked after it fits no Input, and says so; an Input of its shape takes it', () => {
    const npy: Tensor = { shape: [5, 5, 3], data: new Float32Array(75) };
    const c = choice({ picture: photo(4, 4, 255), label: 'cat.png (4×4)', npy, npyLabel: 'small.npy (5×5×3)' });
    const feeds = buildFeeds(report(input('img', [2, 2, 3])), c, 0);
    expect(feeds.error).toBe('');
    expect(feeds.refused).toBe('small.npy (5×5×3): the .npy holds 5×5×3; no Input is 5×5×3 (one sample) or 5×3 (a batch of 5): img: 2×2×3. The photo stays the input.');
    expect(feeds.info).toEqual({ target: 'img · 2×2×3', kind: 'photo', label: 'cat.png (4×4)' });
    expect([...feeds.tensors.img.data]).toEqual(new Array(12).fill(1));
    const taken = buildFeeds(report(input('img', [5, 5, 3])), c, 0);
    expect(taken.refused).toBe('');
    expect(taken.info).toEqual({ target: 'img · 5×5×3', kind: 'npy', label: 'small.npy (5×5×3)' });
    expect(taken.tensors.img.data).toBe(npy.data);
  });

  it('says when no Input is shaped like a photo, and feeds random values from the seed', () => {
    const r = report(input('a', [3]), input('b', [2, 2]));
    const feeds = buildFeeds(r, choice({ picture: photo(2, 2, 9) }), 7);
    expect(feeds.info).toEqual({ target: 'a · 3, b · 2×2', kind: 'random', label: 'no Input is shaped like a photo (H×W×3): open a .npy to feed your own' });
    const again = buildFeeds(r, choice(), 7).tensors.a.data;
    expect([...feeds.tensors.a.data]).toEqual([...again]);
    expect([...buildFeeds(r, choice(), 8).tensors.a.data]).not.toEqual([...again]);
    for (const v of again) expect(v >= 0 && v < 1).toBe(true);
    // two Inputs of one shape get different values
    expect([...buildFeeds(report(input('a', [3]), input('b', [3])), choice(), 7).tensors.b.data]).not.toEqual([...again]);
  });

  it('feeds random values, naming the seed, while a photo-shaped Input has no photo yet', () => {
    const feeds = buildFeeds(report(input('img', [2, 2, 3])), choice(), 3);
    expect(feeds.info).toEqual({ target: 'img · 2×2×3', kind: 'random', label: 'seed 3' });
    expect(feeds.preview).toBeNull();
  });

  it('reports a photo that cannot feed the Input instead of throwing', () => {
    const feeds = buildFeeds(report(input('gray', [2, 2, 1])), choice({ picture: photo(2, 2, 1), preprocess: 'caffe' }), 0);
    expect(feeds.error).toMatch(/preprocessing 'caffe' is defined for 3-channel colour input/);
    expect(feeds.tensors.gray.shape).toEqual([1, 2, 2, 1]);
  });
});
