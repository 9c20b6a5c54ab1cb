/// <reference types="@webgpu/types" preserve="true" />
/**
 * deepwire in Node: load a graph made in the deepwire editor, a Keras model (TF.js Layers format) or an
 * ONNX model from a file, compile it for WebGPU (Dawn, from the `webgpu` package: `npm install webgpu`),
 * run it, read any node's output, train it.
 *
 * ```js
 * import { loadModel, readNpy } from 'deepwire';
 * const model = await loadModel('inception-3a.json');
 * const compiled = await model.compile();
 * const outputs = await compiled.run(readNpy(await readFile('x.npy')));
 * ```
 * @packageDocumentation
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OpError } from '../ops/op.ts';
import { loadModelWith, type Files, type LoadOptions, type ModelSource } from './load.ts';
import { Model } from './model.ts';
import { tensorFromImageBytes, type ImageOptions } from './api.ts';
import type { Tensor } from '../tensor.ts';

export * from './api.ts';

const isUrl = (s: string) => /^(https?|file):/i.test(s);

/** Files in Node: paths on disk, `file:` URLs, or fetched `http(s):` URLs. */
const FILES: Files = {
  async read(location) {
    if (/^https?:/i.test(location)) {
      const response = await fetch(location).catch((e: Error) => {
        throw new OpError(`could not fetch ${location}: ${e.message}`, 'check the URL and the network');
      });
      if (!response.ok) throw new OpError(`could not fetch ${location}: HTTP ${response.status}`, 'check the URL');
      return new Uint8Array(await response.arrayBuffer());
    }
    const path = /^file:/i.test(location) ? fileURLToPath(location) : location;
    try {
      return new Uint8Array(await readFile(path));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new OpError(code === 'ENOENT' ? `${path}: no such file` : `cannot read ${path}: ${(e as Error).message}`, 'check the path (relative paths start at the current directory)');
    }
  },
  resolve: (base, relative) => (isUrl(base) ? new URL(relative, base).href : join(dirname(base), relative)),
};

/**
 * Loads a model: a path (or `file:`/`http(s):` URL) of a deepwire graph (`.json`, with its saved weights
 * beside it), a Keras `model.json` (its shards read from beside it) or an `.onnx` file; or the file's
 * bytes, or a graph object. Rejects with an {@link OpError} saying what is wrong with the file.
 */
export async function loadModel(source: ModelSource, options: LoadOptions = {}): Promise<Model> {
  return new Model(await loadModelWith(source, options, FILES));
}

/** A PNG or JPEG file's bytes (`await readFile(photo)`) as the [1, H, W, C] tensor for an Input of shape `inputShape` (H×W×C). */
export function tensorFromImage(image: Uint8Array, inputShape: readonly number[], options: ImageOptions = {}): Tensor {
  return tensorFromImageBytes(image, inputShape, options);
}
