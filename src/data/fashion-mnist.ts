// Fashion-MNIST (Zalando, MIT licence) as keras.datasets.fashion_mnist.load_data() gives it, scaled as
// Keras' examples do (x / 255) and with the channel axis Conv2D wants: x [N, 28, 28, 1] in [0, 1],
// y [N] class indices. Read from Debian's package dataset-fashion-mnist (/usr/share/datasets/fashion-mnist,
// the four .gz IDX files), or any folder holding the same files gzipped or not.
//
// Node only (node:fs, node:zlib); the pure part a page calls on fetched bytes is fashion-mnist-idx.ts.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { OpError } from '../ops/op.ts';
import { fashionMnistFromIdx, type FashionMnist } from './fashion-mnist-idx.ts';
import { isGzip, parseIdx, type IdxArray } from './idx.ts';

export { FASHION_MNIST_CLASSES, fashionMnistFromIdx, idxImagesToTensor, idxLabelsToTensor, type FashionMnist } from './fashion-mnist-idx.ts';

/** Where Debian's dataset-fashion-mnist puts the files. */
export const DEBIAN_FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

export const FASHION_MNIST_FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

/** $FASHION_MNIST_DIR, else Debian's folder. */
export function fashionMnistDir(): string {
  return process.env.FASHION_MNIST_DIR || DEBIAN_FASHION_MNIST_DIR;
}

const gunzipAsync = promisify(gunzip);

/** Reads one IDX file, `path` or `path.gz` (whichever exists, the plain one first), gunzipping when the bytes are gzip. */
export async function readIdxFile(path: string): Promise<IdxArray> {
  let bytes: Uint8Array | undefined, used = path;
  for (const candidate of [path, `${path}.gz`]) {
    try {
      bytes = await readFile(candidate);
      used = candidate;
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException)?.code !== 'ENOENT') throw new OpError(`cannot read ${candidate}: ${(e as Error)?.message ?? e}`);
    }
  }
  if (!bytes) throw missing(path);
  if (isGzip(bytes)) {
    try {
      bytes = new Uint8Array(await gunzipAsync(bytes));
    } catch (e) {
      throw new OpError(`${used} is not a valid gzip file (${(e as Error)?.message ?? e}): damaged or cut short?`, 'reinstall the package, or download the file again');
    }
  }
  return parseIdx(bytes, used);
}

function missing(path: string): OpError {
  const debian = path.startsWith(DEBIAN_FASHION_MNIST_DIR + '/');
  return new OpError(
    `Fashion-MNIST is not installed: ${path}(.gz) is missing`,
    debian
      ? 'install the Debian package: apt-get install dataset-fashion-mnist (or put the four IDX files from github.com/zalandoresearch/fashion-mnist in a folder and set FASHION_MNIST_DIR to it)'
      : `put the four IDX files from github.com/zalandoresearch/fashion-mnist (${Object.values(FASHION_MNIST_FILES).join(', ')}, gzipped or not) in that folder, or install the Debian package dataset-fashion-mnist and use ${DEBIAN_FASHION_MNIST_DIR}`,
  );
}

/** Loads the train and test sets from `dir` (default: $FASHION_MNIST_DIR or Debian's folder). */
export async function loadFashionMnist(dir = fashionMnistDir()): Promise<FashionMnist> {
  const f = FASHION_MNIST_FILES;
  const [trainImages, trainLabels, testImages, testLabels] = await Promise.all(
    [f.trainImages, f.trainLabels, f.testImages, f.testLabels].map((name) => readIdxFile(join(dir, name))),
  );
  return fashionMnistFromIdx({ trainImages, trainLabels, testImages, testLabels });
}

