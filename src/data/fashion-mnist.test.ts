import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEBIAN_FASHION_MNIST_DIR, FASHION_MNIST_CLASSES, FASHION_MNIST_FILES, loadFashionMnist, readIdxFile } from './fashion-mnist.ts';
import { writeIdx } from './idx.ts';

const dir = process.env.FASHION_MNIST_DIR || DEBIAN_FASHION_MNIST_DIR;
const installed = existsSync(join(dir, `${FASHION_MNIST_FILES.trainLabels}.gz`)) || existsSync(join(dir, FASHION_MNIST_FILES.trainLabels));
if (!installed) {
  const message = `Fashion-MNIST is missing (${dir}): apt-get install dataset-fashion-mnist`;
  if (process.env.CI === 'true') throw new Error(message);
  console.warn(`Fashion-MNIST tests on the real data skipped: ${message}`);
}

describe.skipIf(!installed)('Fashion-MNIST from dataset-fashion-mnist', () => {
  it('the train labels start 9, 0, 0, 3, 0, 2, 7, 2, 5, 5 (ankle boot, T-shirt, …)', async () => {
    const labels = await readIdxFile(join(dir, FASHION_MNIST_FILES.trainLabels));
    expect(labels.shape).toEqual([60000]);
    expect([...labels.data.subarray(0, 10)]).toEqual([9, 0, 0, 3, 0, 2, 7, 2, 5, 5]);
    // 6000 of each class
    const counts = new Array(10).fill(0);
    for (const v of labels.data) counts[v]++;
    expect(counts).toEqual(new Array(10).fill(6000));
  });

  it('loads both sets as Keras does, x / 255 with a channel axis (the pixel sums checked with Python)', async () => {
    const { train, test, classNames } = await loadFashionMnist();
    expect(classNames).toEqual([...FASHION_MNIST_CLASSES]);
    expect(classNames[9]).toBe('Ankle boot');
    expect(train.x.shape).toEqual([60000, 28, 28, 1]);
    expect(train.y.shape).toEqual([60000]);
    expect(test.x.shape).toEqual([10000, 28, 28, 1]);
    expect([...test.y.data.subarray(0, 10)]).toEqual([9, 2, 1, 1, 6, 1, 4, 6, 5, 7]);
    expect(train.classNames).toBe(classNames);
    // python3: sum(gzip.open('train-images-idx3-ubyte.gz').read()[16:16 + 784]) == 76247
    let first = 0;
    for (let i = 0; i < 784; i++) first += Math.round(train.x.data[i] * 255);
    expect(first).toBe(76247);
    // … and the whole test set's bytes sum to 573469082
    let all = 0;
    for (const v of test.x.data) all += Math.round(v * 255);
    expect(all).toBe(573469082);
    expect(train.x.data[14 * 28 + 14]).toBe(Math.fround(0xd9 / 255)); // row 14: 00 00 01 04 06 07 02 00 00 00 00 00 ed e2 d9 …
  });
});

describe('loadFashionMnist elsewhere', () => {
  let tmp: string;
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'deepwire-fmnist-'));
  });
  afterAll(() => rm(tmp, { recursive: true, force: true }));

  it('reads the four files gzipped or not from any folder', async () => {
    const images = (n: number) => writeIdx({ type: 'uint8', shape: [n, 2, 3], data: Uint8Array.from({ length: n * 6 }, (_, i) => (i * 51) % 256) });
    const labels = (values: number[]) => writeIdx({ type: 'uint8', shape: [values.length], data: Uint8Array.from(values) });
    await writeFile(join(tmp, FASHION_MNIST_FILES.trainImages), images(3));
    await writeFile(join(tmp, `${FASHION_MNIST_FILES.trainLabels}.gz`), gzipSync(labels([4, 0, 9])));
    await writeFile(join(tmp, `${FASHION_MNIST_FILES.testImages}.gz`), gzipSync(images(1)));
    await writeFile(join(tmp, FASHION_MNIST_FILES.testLabels), labels([7]));
    const { train, test } = await loadFashionMnist(tmp);
    expect(train.x.shape).toEqual([3, 2, 3, 1]);
    expect([...train.x.data.subarray(0, 6)]).toEqual([0, 51, 102, 153, 204, 255].map((b) => Math.fround(b / 255)));
    expect([...train.y.data]).toEqual([4, 0, 9]);
    expect(test.x.shape).toEqual([1, 2, 3, 1]);
    expect([...test.y.data]).toEqual([7]);
  });

  it('says what to install when the files are missing', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'deepwire-fmnist-empty-'));
    await expect(loadFashionMnist(empty)).rejects.toMatchObject({
      name: 'OpError', message: expect.stringContaining('Fashion-MNIST is not installed'), hint: expect.stringContaining('dataset-fashion-mnist'),
    });
    await rm(empty, { recursive: true });
    const debian = (await import('./fashion-mnist.ts')).readIdxFile(join(DEBIAN_FASHION_MNIST_DIR, 'no-such-file'));
    await expect(debian).rejects.toMatchObject({ hint: expect.stringContaining('apt-get install dataset-fashion-mnist') });
  });

  it('refuses swapped, mismatched or damaged files', async () => {
    const bad = await mkdtemp(join(tmpdir(), 'deepwire-fmnist-bad-'));
    const img = writeIdx({ type: 'uint8', shape: [2, 1, 1], data: Uint8Array.from([1, 2]) });
    const lab = (values: number[]) => writeIdx({ type: 'uint8', shape: [values.length], data: Uint8Array.from(values) });
    const write = (files: Record<string, Uint8Array>) => Promise.all(Object.entries(files).map(([k, v]) => writeFile(join(bad, FASHION_MNIST_FILES[k as keyof typeof FASHION_MNIST_FILES]), v)));
    await write({ trainImages: img, trainLabels: lab([1, 2, 3]), testImages: img, testLabels: lab([0, 1]) });
    await expect(loadFashionMnist(bad)).rejects.toThrow('the train labels number 3, the images 2');
    await write({ trainImages: lab([1, 2]), trainLabels: img });
    await expect(loadFashionMnist(bad)).rejects.toThrow('the train images are uint8 2; expected uint8 N×H×W');
    await write({ trainImages: img, trainLabels: lab([1, 10]) });
    await expect(loadFashionMnist(bad)).rejects.toThrow('label 10 at sample 1 is not a class 0–9');
    await write({ trainLabels: gzipSync(lab([1, 2])).subarray(0, 12) });
    await expect(loadFashionMnist(bad)).rejects.toThrow('is not a valid gzip file');
    await rm(bad, { recursive: true });
  });
});
