// Fashion-MNIST (Zalando, MIT licence) as keras.datasets.fashion_mnist.load_data() gives it, scaled as
// Keras' examples do (x / 255) and with the channel axis Conv2D wants: x [N, 28, 28, 1] in [0, 1],
// y [N] class indices. Read from Debian's package dataset-fashion-mnist (/usr/share/datasets/fashion-mnist,
// the four .gz IDX files), or any folder holding the same files gzipped or not.
//
// Node only (node:fs, node:zlib); fashionMnistFromIdx is the pure part a page can call on fetched bytes.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { OpError } from '../ops/op.ts';
import { formatShape, type Tensor } from '../tensor.ts';
import type { ClassDataset } from './dataset.ts';
import { isGzip, parseIdx, type IdxArray } from './idx.ts';

/** Keras' documented class names, index = label (keras.io/api/datasets/fashion_mnist). */
export const FASHION_MNIST_CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'] as const;

/** Where Debian's dataset-fashion-mnist puts the files. */
export const DEBIAN_FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

export const FASHION_MNIST_FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

export interface FashionMnist {
  /** 60 000 samples: x [60000, 28, 28, 1] float32 in [0, 1], y [60000] labels 0–9 (float32). */
  train: ClassDataset;
  /** 10 000 samples, the same layout. */
  test: ClassDataset;
  classNames: string[];
}

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

/** The two sets from the four parsed IDX files (pure: usable on bytes a page fetched). */
export function fashionMnistFromIdx(files: { trainImages: IdxArray; trainLabels: IdxArray; testImages: IdxArray; testLabels: IdxArray }): FashionMnist {
  const classNames = [...FASHION_MNIST_CLASSES];
  const set = (images: IdxArray, labels: IdxArray, which: string): ClassDataset => ({
    x: idxImagesToTensor(images, `the ${which} images`),
    y: idxLabelsToTensor(labels, images.shape[0], classNames.length, `the ${which} labels`),
    classNames,
  });
  return { train: set(files.trainImages, files.trainLabels, 'train'), test: set(files.testImages, files.testLabels, 'test'), classNames };
}

/** 0–255 → [0, 1] as float32(b / 255), what NumPy's x / 255 then astype('float32') gives. */
const UNIT = Float32Array.from({ length: 256 }, (_, b) => b / 255);

/** uint8 images [N, H, W] → float32 [N, H, W, 1] in [0, 1]. */
export function idxImagesToTensor(images: IdxArray, what = 'the images'): Tensor {
  if (images.type !== 'uint8' || images.shape.length !== 3)
    throw new OpError(`${what} are ${images.type} ${formatShape(images.shape)}; expected uint8 N×H×W (an idx3-ubyte file)`, 'check that the image and label files are not swapped');
  const src = images.data as Uint8Array;
  const data = new Float32Array(src.length);
  for (let i = 0; i < src.length; i++) data[i] = UNIT[src[i]];
  return { shape: [...images.shape, 1], data };
}

/** uint8 labels [N] → float32 [N], each checked against N images and K classes. */
export function idxLabelsToTensor(labels: IdxArray, count: number, classes: number, what = 'the labels'): Tensor {
  if (labels.type !== 'uint8' || labels.shape.length !== 1)
    throw new OpError(`${what} are ${labels.type} ${formatShape(labels.shape)}; expected uint8 N (an idx1-ubyte file)`, 'check that the image and label files are not swapped');
  if (labels.shape[0] !== count) throw new OpError(`${what} number ${labels.shape[0]}, the images ${count}`, 'the image and label files must come from the same set (train or t10k)');
  const src = labels.data as Uint8Array;
  const bad = src.findIndex((v) => v >= classes);
  if (bad >= 0) throw new OpError(`${what}: label ${src[bad]} at sample ${bad} is not a class 0–${classes - 1}`);
  return { shape: [count], data: Float32Array.from(src) };
}
