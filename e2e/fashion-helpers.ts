// The built-in Fashion-MNIST subset's test images, read from the app's own files (public/datasets/), as a
// user would have them: a .npy of one image in [0, 1], fed through the input panel.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { Page } from '@playwright/test';
import { writeNpy } from '../src/io/npy.ts';

const DIR = 'public/datasets/fashion-mnist';
export const FASHION_CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

/** IDX: a 4-byte magic, one 4-byte size per axis, then the bytes. */
const images = gunzipSync(readFileSync(`${DIR}/t10k-images-idx3-ubyte.gz`)).subarray(16);
const labels = gunzipSync(readFileSync(`${DIR}/t10k-labels-idx1-ubyte.gz`)).subarray(8);

export const testLabel = (index: number): number => labels[index];
export const firstTestIndexOf = (label: number): number => labels.indexOf(label);

/** Test image `index` as [1, 28, 28, 1] float32 in [0, 1], as keras.datasets.fashion_mnist / 255. */
export function testImage(index: number): Float32Array {
  return Float32Array.from(images.subarray(index * 784, (index + 1) * 784), (v) => v / 255);
}

/** Feeds test image `index` to the graph's Input through the input panel, as a .npy file. */
export async function feedTestImage(page: Page, index: number): Promise<void> {
  const npy = writeNpy({ shape: [1, 28, 28, 1], data: testImage(index) });
  await page.getByTestId('image-input').setInputFiles({ name: `fashion-test-${index}.npy`, mimeType: 'application/octet-stream', buffer: Buffer.from(npy) });
}
