/// <reference types="@webgpu/types" preserve="true" />
/**
 * deepwire in a web page: load a graph made in the deepwire editor, a Keras model (TF.js Layers format)
 * or an ONNX model, compile it for WebGPU, run it, read any node's output, train it.
 *
 * ```js
 * import { loadModel, tensorFromImage } from 'deepwire';
 * const model = await loadModel('/models/inception-3a.json');
 * const compiled = await model.compile();
 * const outputs = await compiled.run(tensorFromImage(img, model.inputs[0].shape));
 * ```
 * @packageDocumentation
 */
import { OpError } from '../ops/op.ts';
import { pictureFromSource } from '../io/image-browser.ts';
import { pictureToTensor } from '../io/image.ts';
import type { Tensor } from '../tensor.ts';
import { loadModelWith, type Files, type LoadOptions, type ModelSource } from './load.ts';
import { Model } from './model.ts';
import { tensorFromImageBytes, type ImageOptions } from './api.ts';

export * from './api.ts';

const here = () => (typeof location !== 'undefined' ? location.href : undefined);

/** Files in a page: fetched, relative to the page. */
const FETCHED: Files = {
  async read(url) {
    let response: Response;
    try {
      response = await fetch(url);
    } catch (e) {
      throw new OpError(`could not fetch ${url}: ${(e as Error).message}`, 'check the URL, and that its server allows this page to fetch it (CORS)');
    }
    if (!response.ok) throw new OpError(`could not fetch ${url}: HTTP ${response.status} ${response.statusText}`.trimEnd(), 'check the URL');
    return new Uint8Array(await response.arrayBuffer());
  },
  resolve: (base, relative) => new URL(relative, new URL(base, here())).href,
};

/**
 * Loads a model: a URL of a deepwire graph (`.json`, with its saved weights beside it), a Keras
 * `model.json` (its shards fetched from beside it) or an `.onnx` file; or the file's bytes (a `File`'s
 * `arrayBuffer()`), or a graph object. Rejects with an {@link OpError} saying what is wrong with the file.
 */
export async function loadModel(source: ModelSource | Blob, options: LoadOptions = {}): Promise<Model> {
  if (typeof Blob !== 'undefined' && source instanceof Blob) {
    const name = options.name ?? ('name' in source && typeof source.name === 'string' ? source.name.replace(/\.(json|onnx)$/i, '') : undefined);
    return new Model(await loadModelWith(new Uint8Array(await source.arrayBuffer()), { ...options, name }, FETCHED));
  }
  return new Model(await loadModelWith(source as ModelSource, options, FETCHED));
}

/**
 * A photo as the [1, H, W, C] tensor for an Input of shape `inputShape` (H×W×C): an `<img>` (loaded),
 * `<canvas>`, `<video>` frame or `ImageBitmap`, or a PNG or JPEG file's bytes.
 */
export function tensorFromImage(image: CanvasImageSource | Uint8Array, inputShape: readonly number[], options: ImageOptions = {}): Tensor {
  if (image instanceof Uint8Array) return tensorFromImageBytes(image, inputShape, options);
  const { width, height } = sourceSize(image);
  if (!width || !height) throw new OpError('the image has no pixels yet', 'wait for the <img> to load (await img.decode()) or the video to play');
  return pictureToTensor(pictureFromSource(image, width, height), inputShape, options);
}

function sourceSize(image: CanvasImageSource): { width: number; height: number } {
  if (typeof HTMLImageElement !== 'undefined' && image instanceof HTMLImageElement) return { width: image.naturalWidth, height: image.naturalHeight };
  if (typeof HTMLVideoElement !== 'undefined' && image instanceof HTMLVideoElement) return { width: image.videoWidth, height: image.videoHeight };
  const sized = image as { width: number | SVGAnimatedLength; height: number | SVGAnimatedLength };
  const value = (v: number | SVGAnimatedLength) => (typeof v === 'number' ? v : v.baseVal.value);
  return { width: value(sized.width), height: value(sized.height) };
}
