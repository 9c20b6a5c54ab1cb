/** The editor's built-in data sets, fetched from the app's static files: a Fashion-MNIST subset (2 000
 *  training and 500 test images, 200 and 50 per class; public/datasets/fashion-mnist/, made by
 *  scripts/make-fashion-subset.ts). The files are gzipped IDX, undone here with DecompressionStream. */
import { fashionMnistFromIdx, isGzip, parseIdx, type FashionMnist, type IdxArray } from '../src/index.ts';

export const BUILTIN_DATASETS = [
  { id: 'fashion-mnist', label: 'Fashion-MNIST subset: 2 000 train, 500 test' },
] as const;
export type BuiltinDatasetId = (typeof BUILTIN_DATASETS)[number]['id'];

const FASHION_URL = `${import.meta.env.BASE_URL}datasets/fashion-mnist/`;
let fashion: Promise<FashionMnist> | null = null;

/** The Fashion-MNIST subset, fetched once per page. */
export function loadBuiltinDataset(id: BuiltinDatasetId): Promise<FashionMnist> {
  if (id !== 'fashion-mnist') return Promise.reject(new Error(`no built-in data set '${id}'`));
  fashion ??= (async () => {
    const [trainImages, trainLabels, testImages, testLabels] = await Promise.all(
      ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'].map(fetchIdx),
    );
    return fashionMnistFromIdx({ trainImages, trainLabels, testImages, testLabels });
  })();
  fashion.catch(() => (fashion = null));
  return fashion;
}

async function fetchIdx(name: string): Promise<IdxArray> {
  const response = await fetch(`${FASHION_URL}${name}.gz`);
  if (!response.ok) throw new Error(`the built-in Fashion-MNIST file ${name}.gz did not load (HTTP ${response.status})`);
  let bytes = new Uint8Array(await response.arrayBuffer());
  // A server may have undone the gzip already (Content-Encoding): only gzip bytes are inflated here.
  if (isGzip(bytes)) bytes = new Uint8Array(await new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'))).arrayBuffer());
  return parseIdx(bytes, `${name}.gz`);
}
