// Reading a model into the library, whatever it was saved as: a deepwire graph (with the weights saved
// beside it, as `deepwire convert` and the editor write them), a Keras model saved for TF.js (model.json
// and its weight shards) or an ONNX model — the same importers as the editor and the CLI. Where the
// bytes come from (fetch in a page, the file system in Node) is the entry's business: `Files`.
import { analyzeGraph, type GraphReport } from '../graph/analyze.ts';
import type { GraphFile } from '../graph/types.ts';
import { OpError } from '../ops/op.ts';
import type { WeightStore } from '../runtime/reference.ts';
import type { Tensor } from '../tensor.ts';
import { importOnnx, type OnnxImport } from '../io/onnx-import.ts';
import { importTfjsLayers } from '../io/tfjs-layers.ts';
import { decodeWeights, weightsPaths } from '../io/weights-file.ts';
import { parseJsonOr } from '../cli/json-syntax.ts';
import { featureGraph } from '../models/features.ts';
import { nodeId } from './nodes.ts';

/**
 * What {@link loadModel} reads:
 * - a string or `URL`: where the file is (a URL in a page; a path or a `file:`/`http(s):` URL in Node):
 *   a graph `.json`, a Keras `model.json` (its shards are read from beside it) or an `.onnx` file;
 * - the file's bytes (`Uint8Array` or `ArrayBuffer`): an ONNX model, or a graph or model.json as UTF-8 JSON;
 * - a graph as data (`{ format: "deepwire-graph", nodes, outputs }`, what the editor saves), or a parsed model.json.
 */
export type ModelSource = string | URL | Uint8Array | ArrayBuffer | GraphFile | Record<string, unknown>;

/** Options of {@link loadModel}. */
export interface LoadOptions {
  /** The model's name; default the graph's or the model's own, else the file's. */
  name?: string;
  /**
   * Reads a file that the model refers to (a model.json's weight shards, a graph's `.weights.json` and
   * `.weights.bin`), given its path as the model file writes it. Default: beside the source, when the
   * source is a location; needed when it is data and has such files.
   */
  readFile?: (path: string) => Promise<Uint8Array>;
  /** A graph's weights by key (its nodes' `"weights"` refer to them), instead of the files beside it. */
  weights?: Map<string, Tensor>;
  /** Keep only these nodes (names or ids) and what they need, as the outputs: Keras' `Model(inputs, layer.output)`. */
  outputs?: string[];
  /** A Keras model.json: replaces its Input's H×W×C (a model saved with a free size, or a smaller image). */
  inputShape?: number[];
}

/** How an entry reaches files: reads one, and names a file relative to another. */
export interface Files {
  read(location: string): Promise<Uint8Array>;
  /** `relative` (as a model file names it) next to `base`. */
  resolve(base: string, relative: string): string;
}

/** A model read in: its graph and analysis, imported weights, notes from the import, an ONNX model's ports. */
export interface LoadedModel {
  name: string;
  graph: GraphFile;
  report: GraphReport;
  store?: WeightStore;
  notes: string[];
  onnx?: OnnxImport;
}

const textOf = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

export async function loadModelWith(source: ModelSource, options: LoadOptions, files: Files): Promise<LoadedModel> {
  const location = typeof source === 'string' ? source : source instanceof URL ? source.href : undefined;
  const fileName = location?.split(/[/\\]/).pop()?.split(/[?#]/)[0];
  const stem = fileName?.replace(/\.(json|onnx)$/i, '');
  const read = options.readFile ?? (location !== undefined
    ? (path: string) => files.read(files.resolve(location, path))
    : async (path: string): Promise<Uint8Array> => {
      throw new OpError(`the model refers to the file '${path}', and it was given as data`, 'pass `readFile` in the options, or load it from its location');
    });
  let loaded: LoadedModel;
  if (location !== undefined) {
    const bytes = await files.read(location);
    loaded = await fromBytes(bytes, options, read, stem, /\.onnx$/i.test(fileName ?? ''));
  } else if (source instanceof Uint8Array || source instanceof ArrayBuffer) {
    loaded = await fromBytes(source instanceof Uint8Array ? source : new Uint8Array(source), options, read, undefined, false);
  } else if (isObject(source)) {
    loaded = await fromJson(source, options, read, undefined);
  } else {
    throw new OpError(`loadModel cannot read ${source === null ? 'null' : typeof source}`, 'give a URL or path, the file\'s bytes, or a graph object');
  }
  return options.outputs ? featuresOf(loaded, options.outputs) : loaded;
}

async function fromBytes(bytes: Uint8Array, options: LoadOptions, read: (path: string) => Promise<Uint8Array>, stem: string | undefined, onnxFile: boolean): Promise<LoadedModel> {
  const first = bytes.find((b) => b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09 && b !== 0xef && b !== 0xbb && b !== 0xbf);
  if (onnxFile || first !== 0x7b /* { */) {
    const onnx = importOnnx(bytes, { name: options.name });
    const name = options.name ?? onnx.graph.name ?? stem ?? 'model';
    return { name, graph: onnx.graph, report: analyzeGraph(onnx.graph), store: onnx.weights, notes: [], onnx };
  }
  const text = textOf(bytes);
  const raw = parseJsonOr(text, (where) => new OpError(`the model file is not valid JSON${where}`, 'give a graph saved by the editor or deepwire, a Keras model.json, or an .onnx file'));
  if (!isObject(raw)) throw new OpError(`the model file holds ${Array.isArray(raw) ? 'a list' : `a ${raw === null ? 'null' : typeof raw}`}, not an object`, 'give a graph saved by the editor or deepwire, or a Keras model.json');
  return fromJson(raw, options, read, stem);
}

async function fromJson(raw: Record<string, unknown>, options: LoadOptions, read: (path: string) => Promise<Uint8Array>, stem: string | undefined): Promise<LoadedModel> {
  if ('modelTopology' in raw) {
    // A Keras model saved for TF.js: what tfjs.converters.save_keras_model, `deepwire export-keras` and `fit --save` write.
    const model = await importTfjsLayers(raw, read, { name: options.name, inputShape: options.inputShape });
    const name = options.name ?? model.graph.name ?? stem ?? 'model';
    return { name, graph: model.graph, report: analyzeGraph(model.graph), store: model.weights, notes: model.notes };
  }
  if (raw.format !== 'deepwire-graph' && !Array.isArray(raw.nodes))
    throw new OpError('this is not a deepwire graph nor a Keras model.json: it has no "format": "deepwire-graph", no "nodes" and no "modelTopology"', 'open a graph saved by the editor (examples/ has some), a model.json, or an .onnx file');
  if (options.inputShape) throw new OpError('inputShape applies to a Keras model.json', 'change the Input node\'s "shape" attr in the graph instead');
  const report = analyzeGraph(raw);
  const graph = raw as unknown as GraphFile;
  const refersToWeights = Array.isArray(raw.nodes) && raw.nodes.some((n) => isObject(n) && 'weights' in n);
  const store = options.weights ?? (refersToWeights ? await weightsBeside(read, stem) : undefined);
  const name = options.name ?? (typeof raw.name === 'string' && raw.name ? raw.name : stem ?? 'graph');
  return { name, graph, report, store, notes: [] };
}

/** graph.json's saved weights: graph.weights.json and the data file it names (src/io/weights-file.ts). */
async function weightsBeside(read: (path: string) => Promise<Uint8Array>, stem: string | undefined): Promise<WeightStore> {
  const { manifest: path } = weightsPaths(`${stem ?? 'graph'}.json`);
  const manifest: unknown = JSON.parse(textOf(await read(path).catch((e: unknown) => {
    throw new OpError(`the graph refers to saved weights, but ${path} could not be read: ${(e as Error).message}`, 'keep the .weights.json and .weights.bin files beside the graph, or pass `weights`');
  })));
  const dataName = (manifest as { data?: unknown })?.data;
  return decodeWeights(manifest, typeof dataName === 'string' ? await read(dataName) : new Uint8Array());
}

/** Feature extraction: the nodes the chosen outputs need, those outputs the graph's. */
function featuresOf(loaded: LoadedModel, outputs: string[]): LoadedModel {
  ensureValid(loaded.report, loaded.name);
  const ids = outputs.map((ref) => nodeId(loaded.report, ref, loaded.onnx));
  const graph = featureGraph(loaded.graph, loaded.report, ids);
  return { ...loaded, graph, report: analyzeGraph(graph) };
}

/** A graph with problems cannot run: its first problems, each on its node, in one OpError. */
export function ensureValid(report: GraphReport, name: string): void {
  if (report.ok) return;
  const lines = report.problems.slice(0, 3).map((p) => {
    const r = p.node !== undefined ? report.byId.get(p.node) : undefined;
    return `${r ? `${r.name} (${r.op}): ` : ''}${p.message}`;
  });
  const more = report.problems.length > 3 ? ` (and ${report.problems.length - 3} more)` : '';
  throw new OpError(`${name} has ${report.problems.length === 1 ? 'a problem' : `${report.problems.length} problems`}: ${lines.join('; ')}${more}`,
    report.problems[0].hint ?? 'open it in the editor to see the problems on the nodes');
}
