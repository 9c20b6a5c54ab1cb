// Reading the graph a command works on: a graph file (with its saved weights beside it or inside it), an ONNX model,
// a Keras model saved for TF.js (model.json and its shards, as export-keras and fit --save write it),
// or zoo:NAME (a Keras application, perhaps with pretrained weights).
import { basename, dirname, extname, join } from 'node:path';
import { analyzeGraph, type GraphReport } from '../graph/analyze.ts';
import type { Problem } from '../graph/types.ts';
import { findZooEntry, zooModel, type ZooOptions } from '../models/zoo.ts';
import { loadPretrainedZoo } from '../models/pretrained-node.ts';
import { PRETRAINED } from '../models/pretrained.ts';
import type { Preprocess } from '../io/preprocess.ts';
import type { WeightStore } from '../runtime/reference.ts';
import { importModel, type OnnxImport } from '../io/onnx-import.ts';
import { importTfjsLayers } from '../io/tfjs-layers.ts';
import { decodeModel, type TensorValue } from '../io/onnx-proto.ts';
import { decodeWeights, takeEmbeddedWeights, weightsPaths } from '../io/weights-file.ts';
import { EXAMPLE_VALUES, ZOO_FLAGS, type Flags } from './args.ts';
import { CliError, readInput, usageError, type CliIo } from './io.ts';
import { parseJsonOr } from './json-syntax.ts';

export interface Loaded {
  name: string;
  raw: Record<string, unknown>;
  report: GraphReport;
  /** Pretrained models: their weights, the normalisation they expect, where the weights come from. */
  weights?: WeightStore;
  preprocess?: Preprocess;
  notes?: string[];
  /** An ONNX model's inputs and outputs: where they are in the graph and in which layout. */
  onnx?: OnnxImport;
}

/** `bind`: an ONNX model's input values that may be used as constants (run's --input files). */
export async function loadGraph(file: string, io: CliIo, flags: Flags, bind?: Record<string, TensorValue>): Promise<Loaded> {
  const zooFlags = Object.keys(ZOO_FLAGS).filter((f) => flags[f] !== undefined);
  const pretrained = await loadPretrainedGraph(file, flags);
  if (pretrained) return pretrained;
  if (/^zoo:/i.test(file)) {
    const graph = zooModel(findZooEntry(file).name, zooOptions(flags));
    return { name: graph.name!, raw: graph as unknown as Record<string, unknown>, report: analyzeGraph(graph) };
  }
  if (zooFlags.length) throw usageError(`--${zooFlags[0]} applies to zoo models only`, `e.g. deepwire summary zoo:ResNet50 --${zooFlags[0]} ${EXAMPLE_VALUES[zooFlags[0]] ?? ''}`.trimEnd());
  if (/\.onnx$/i.test(file)) {
    const onnx = importModel(decodeModel(await readInput(file, io, 'ONNX model')), { bind });
    const name = onnx.graph.name ?? basename(file, extname(file));
    return { name, raw: onnx.graph as unknown as Record<string, unknown>, report: analyzeGraph(onnx.graph), weights: onnx.weights, onnx };
  }
  const text = new TextDecoder().decode(await readInput(file, io, 'graph file'));
  const raw = parseJsonOr(text, (where) => new CliError(`${file} is not valid JSON${where}`, 'fix the file there, or save the graph again from the editor'));
  const isObject = !!raw && typeof raw === 'object' && !Array.isArray(raw);
  const obj = raw as Record<string, unknown>;
  if (isObject && 'modelTopology' in obj) {
    // A Keras model saved for TF.js (model.json + weight shards beside it): what export-keras and fit --save write.
    const model = await importTfjsLayers(obj, (shard) => readInput(join(dirname(file), shard), io, 'weights shard'));
    const name = model.graph.name ?? basename(file, extname(file));
    return { name, raw: model.graph as unknown as Record<string, unknown>, report: analyzeGraph(model.graph), weights: model.weights, notes: model.notes };
  }
  if (!isObject || (obj.format !== 'deepwire-graph' && !Array.isArray(obj.nodes))) {
    const holds = !isObject ? `it holds ${Array.isArray(raw) ? 'a list' : `a ${raw === null ? 'null' : typeof raw}`}, not an object` : 'it has no "format": "deepwire-graph" and no "nodes" list';
    throw new CliError(`${file} is not a deepwire graph: ${holds}`, 'open a graph saved by the editor; examples/ has some');
  }
  const name = typeof obj.name === 'string' && obj.name ? obj.name : basename(file, extname(file));
  // A graph saved with its weights (the editor's Save with weights) carries them; else they are beside it.
  const { graph, weights: embedded } = takeEmbeddedWeights(obj);
  const refersToWeights = Array.isArray(graph.nodes) && graph.nodes.some((n) => n && typeof n === 'object' && 'weights' in n);
  const weights = embedded ?? (refersToWeights ? await loadWeightsBeside(file, io) : undefined);
  return { name, raw: graph, report: analyzeGraph(graph), weights };
}

/** graph.json's saved weights: graph.weights.json and the data file it names (src/io/weights-file.ts). */
async function loadWeightsBeside(file: string, io: CliIo): Promise<WeightStore> {
  const { manifest: path } = weightsPaths(file);
  let manifest: unknown;
  try {
    manifest = JSON.parse(new TextDecoder().decode(await readInput(path, io, 'weights manifest')));
  } catch (e) {
    if (e instanceof CliError) throw new CliError(`${file} refers to saved weights, but ${e.message}`, 'keep the .weights.json and .weights.bin files beside the graph');
    throw new CliError(`${path} is not valid JSON`, 'save the graph again with deepwire convert');
  }
  const dataName = (manifest as { data?: unknown })?.data;
  const data = typeof dataName === 'string' ? await readInput(join(dirname(path), dataName), io, 'weights data') : new Uint8Array();
  return decodeWeights(manifest, data);
}

/** zoo:InceptionV3-pretrained and the other backbones with weights (src/models/pretrained.ts); null for other files. */
async function loadPretrainedGraph(file: string, flags: Flags): Promise<Loaded | null> {
  const name = /^zoo:(.+)$/i.exec(file)?.[1]?.toLowerCase();
  if (!name || !Object.keys(PRETRAINED).some((k) => k.toLowerCase() === name)) return null;
  if (flags.classes !== undefined) throw usageError(`--classes does not apply to ${file}: it is a backbone without a classifier`, 'leave --classes out');
  const model = (await loadPretrainedZoo(file, { inputShape: zooOptions(flags).input_shape }))!;
  const { graph } = model;
  return { name: graph.name!, raw: graph as unknown as Record<string, unknown>, report: analyzeGraph(graph), weights: model.weights, preprocess: model.def.preprocess, notes: model.notes };
}

/** --no-top, --input-shape, --classes as Keras' include_top, input_shape, classes. */
function zooOptions(flags: Flags): ZooOptions {
  const options: ZooOptions = { include_top: !flags['no-top'] };
  const shape = flags['input-shape'] as string | undefined;
  if (shape !== undefined) {
    if (!/^\d+([x×,]\d+){2}$/.test(shape)) throw usageError(`--input-shape must be HxWxC, got '${shape}'`, 'e.g. --input-shape 64x64x3');
    options.input_shape = shape.split(/[x×,]/).map(Number);
  }
  const classes = flags.classes as string | undefined;
  if (classes !== undefined) {
    if (!/^\d+$/.test(classes) || Number(classes) < 1) throw usageError(`--classes must be a whole number ≥ 1, got '${classes}'`, 'e.g. --classes 10');
    options.classes = Number(classes);
  }
  return options;
}

/** The seed of the initial weights: --seed, else the graph's own, else 0. */
export function seedOf(loaded: Loaded, flags: Flags): number {
  return flags.seed !== undefined ? Number(flags.seed) : typeof loaded.raw.seed === 'number' ? loaded.raw.seed : 0;
}

/** `conv2d (Conv2D): message — hint: …`, or `graph: …` for a problem of the whole file. */
export function problemLine(p: Problem, report: GraphReport): string {
  const r = p.node !== undefined ? report.byId.get(p.node) : undefined;
  const where = r ? `${r.name} (${r.op})` : p.node ?? 'graph';
  return `${where}: ${p.message}${p.hint ? ` — hint: ${p.hint}` : ''}`;
}

/** The graph, for the commands that need a valid one: else its problems on stderr and a failure. */
export async function loadValidGraph(file: string, io: CliIo, flags: Flags, bind?: Record<string, TensorValue>): Promise<Loaded> {
  const loaded = await loadGraph(file, io, flags, bind);
  if (loaded.report.ok) return loaded;
  const { problems } = loaded.report;
  for (const p of problems) io.stderr(problemLine(p, loaded.report) + '\n');
  const count = problems.length === 1 ? 'a problem' : `${problems.length} problems`;
  throw new CliError(`${file} has ${count} (listed above)`, 'fix it and try again');
}
