// Weights saved beside a graph file: graph.json's nodes refer to keys ("weights": { "kernel": "conv1/kernel" }),
// graph.weights.json lists each key's shape and byte offset, graph.weights.bin holds the float32 values
// (little-endian, one tensor after another). Like a TF.js model.json and its shard, in one shard.
// A graph may also carry its weights inside (the editor's "Save with weights"): the same manifest under
// "embeddedWeights", its data a base64 data: URL — one file to mail, open in the editor or give to the CLI.
import type { GraphFile } from '../graph/types.ts';
import { OpError } from '../ops/op.ts';
import { base64ToBytes, bytesToBase64 } from './base64.ts';
import type { WeightStore } from '../runtime/reference.ts';
import { formatShape, sizeOf } from '../tensor.ts';

export const WEIGHTS_FORMAT = 'deepwire-weights';

export interface WeightsManifest {
  format: typeof WEIGHTS_FORMAT;
  version: 1;
  /** The data file, relative to the manifest. */
  data: string;
  tensors: { key: string; shape: number[]; offset: number }[];
}

/** `path/graph.json` → `path/graph.weights.json` and `path/graph.weights.bin`. */
export function weightsPaths(graphPath: string): { manifest: string; data: string } {
  const stem = graphPath.replace(/\.json$/i, '');
  return { manifest: `${stem}.weights.json`, data: `${stem}.weights.bin` };
}

/** The store as a manifest and its data file; `dataName` is what the manifest calls the data file. */
export function encodeWeights(store: WeightStore, dataName: string): { manifest: WeightsManifest; data: Uint8Array } {
  const tensors: WeightsManifest['tensors'] = [];
  let offset = 0;
  for (const [key, t] of store) {
    tensors.push({ key, shape: [...t.shape], offset });
    offset += 4 * t.data.length;
  }
  const data = new Uint8Array(offset);
  const view = new DataView(data.buffer);
  for (const { key, offset: at } of tensors) store.get(key)!.data.forEach((v, i) => view.setFloat32(at + 4 * i, v, true));
  return { manifest: { format: WEIGHTS_FORMAT, version: 1, data: dataName, tensors }, data };
}

const bad = (what: string) => new OpError(`not a valid deepwire weights file: ${what}`, 'save the graph again with `deepwire convert` or the editor');

/** Reads a manifest (parsed JSON) and its data; every offset and size is checked against the data's length. */
export function decodeWeights(manifest: unknown, data: Uint8Array): WeightStore {
  const m = manifest as Partial<WeightsManifest> | null;
  if (!m || typeof m !== 'object' || m.format !== WEIGHTS_FORMAT) throw bad(`"format" must be "${WEIGHTS_FORMAT}"`);
  if (m.version !== 1) throw bad(`unsupported version ${JSON.stringify(m.version)}`);
  if (!Array.isArray(m.tensors)) throw bad('"tensors" must be a list');
  const store: WeightStore = new Map();
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  for (const entry of m.tensors) {
    const { key, shape, offset } = (entry ?? {}) as Partial<WeightsManifest['tensors'][number]>;
    if (typeof key !== 'string' || !Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0) || !Number.isInteger(offset))
      throw bad(`entry ${JSON.stringify(entry)?.slice(0, 80)} needs a "key", a "shape" of whole numbers and an "offset"`);
    const bytes = 4 * sizeOf(shape);
    if (offset! < 0 || offset! % 4 !== 0 || offset! + bytes > data.length)
      throw bad(`'${key}' (${formatShape(shape)}) at byte ${offset} needs ${bytes} bytes, but the data file has ${data.length} (truncated?)`);
    if (store.has(key)) throw bad(`'${key}' is listed twice`);
    const values = new Float32Array(sizeOf(shape));
    for (let i = 0; i < values.length; i++) values[i] = view.getFloat32(offset! + 4 * i, true);
    store.set(key, { shape: [...shape], data: values });
  }
  return store;
}

const DATA_URL = 'data:application/octet-stream;base64,';

/** A graph file that carries the weights its nodes refer to; throws naming the first key the store lacks. */
export function embedWeights(graph: GraphFile, store: WeightStore): GraphFile & { embeddedWeights: WeightsManifest } {
  const used: WeightStore = new Map();
  for (const node of graph.nodes) {
    for (const [name, key] of Object.entries(node.weights ?? {})) {
      const tensor = store.get(key);
      if (!tensor) throw new OpError(`'${node.name ?? node.id}' refers to weights '${key}' (${name}) that are not here`, 'open the model file again, then save');
      used.set(key, tensor);
    }
  }
  const { manifest, data } = encodeWeights(used, '');
  return { ...graph, embeddedWeights: { ...manifest, data: DATA_URL + bytesToBase64(data) } };
}

/** A graph file without its embedded weights, and those weights (null when it carries none); a damaged set throws. */
export function takeEmbeddedWeights<T>(raw: T): { graph: T; weights: WeightStore | null } {
  if (!raw || typeof raw !== 'object' || !('embeddedWeights' in raw)) return { graph: raw, weights: null };
  const { embeddedWeights: manifest, ...graph } = raw as T & { embeddedWeights: unknown };
  const data = (manifest as { data?: unknown } | null)?.data;
  if (typeof data !== 'string' || !data.startsWith(DATA_URL)) throw bad(`"embeddedWeights.data" must be a "${DATA_URL}…" URL`);
  let bytes: Uint8Array;
  try {
    bytes = base64ToBytes(data.slice(DATA_URL.length), 'the embedded weights');
  } catch (e) {
    throw bad((e as Error).message);
  }
  return { graph: graph as T, weights: decodeWeights(manifest, bytes) };
}

