// Writes the editor's built-in Fashion-MNIST subset (public/datasets/fashion-mnist/): the first 200 training
// and the first 50 test images of each class, in the files' own order, as gzipped IDX files like the
// originals. For maintainers; the files it writes are committed. Reads Debian's dataset-fashion-mnist
// (or $FASHION_MNIST_DIR):  node --import ./bin/register.mjs scripts/make-fashion-subset.ts
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { FASHION_MNIST_FILES, fashionMnistDir, readIdxFile } from '../src/data/fashion-mnist.ts';
import { writeIdx, type IdxArray } from '../src/data/idx.ts';

const OUT = 'public/datasets/fashion-mnist';
const PER_CLASS = { train: 200, test: 50 };

/** The indices of the first `perClass` samples of each label, in file order (a balanced subset). */
function balanced(labels: Uint8Array, perClass: number): number[] {
  const taken = new Map<number, number>();
  const keep: number[] = [];
  labels.forEach((label, i) => {
    const n = taken.get(label) ?? 0;
    if (n < perClass) {
      taken.set(label, n + 1);
      keep.push(i);
    }
  });
  return keep;
}

function subset(images: IdxArray, labels: IdxArray, keep: number[]): { images: IdxArray; labels: IdxArray } {
  const [, H, W] = images.shape;
  const pixels = new Uint8Array(keep.length * H * W);
  keep.forEach((i, k) => pixels.set((images.data as Uint8Array).subarray(i * H * W, (i + 1) * H * W), k * H * W));
  return {
    images: { type: 'uint8', shape: [keep.length, H, W], data: pixels },
    labels: { type: 'uint8', shape: [keep.length], data: Uint8Array.from(keep, (i) => labels.data[i]) },
  };
}

const dir = fashionMnistDir();
mkdirSync(OUT, { recursive: true });
for (const [which, imagesFile, labelsFile] of [['train', FASHION_MNIST_FILES.trainImages, FASHION_MNIST_FILES.trainLabels], ['test', FASHION_MNIST_FILES.testImages, FASHION_MNIST_FILES.testLabels]] as const) {
  const images = await readIdxFile(join(dir, imagesFile));
  const labels = await readIdxFile(join(dir, labelsFile));
  const picked = subset(images, labels, balanced(labels.data as Uint8Array, PER_CLASS[which]));
  for (const [name, array] of [[imagesFile, picked.images], [labelsFile, picked.labels]] as const) {
    // mtime 0 in the gzip header (Node writes none): the same input gives the same bytes.
    const gz = gzipSync(writeIdx(array), { level: 9 });
    writeFileSync(join(OUT, `${name}.gz`), gz);
    console.log(`${join(OUT, name)}.gz: ${array.shape.join('×')}, ${gz.length} bytes`);
  }
}
