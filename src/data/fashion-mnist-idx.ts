// Fashion-MNIST from its four parsed IDX files, as keras.datasets.fashion_mnist.load_data() gives it, scaled
// as Keras' examples do (x / 255) with the channel axis Conv2D wants. Pure (no Node modules): the CLI reads
// the files with node:fs (fashion-mnist.ts), the editor fetches its built-in subset (editor/builtin-data.ts).
import { OpError } from '../ops/op.ts';
import { formatShape, type Tensor } from '../tensor.ts';
import type { ClassDataset } from './dataset.ts';
import type { IdxArray } from './idx.ts';

/** Keras' documented class names, index = label (keras.io/api/datasets/fashion_mnist). */
export const FASHION_MNIST_CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'] as const;

export interface FashionMnist {
  /** 60 000 samples: x [60000, 28, 28, 1] float32 in [0, 1], y [60000] labels 0–9 (float32). */
  train: ClassDataset;
  /** 10 000 samples, the same layout. */
  test: ClassDataset;
  classNames: string[];
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
