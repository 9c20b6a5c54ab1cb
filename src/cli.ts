// The `deepwire` command (bin/deepwire.mjs): summary, validate and run over graph files, with the
// engine the editor uses. Every expected failure is one line, `deepwire: <what is wrong> — <what to do>`.
// Exit status: 0 ok, 1 the graph or an input has a problem, 2 the command line is wrong.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { analyzeGraph, type GraphReport } from './graph/analyze.ts';
import type { GraphFile, Problem } from './graph/types.ts';
import { nearest } from './ops/attrs.ts';
import { OpError } from './ops/op.ts';
import { formatNumber, formatShape, tensor, topIndices, type Tensor } from './tensor.ts';
import { readNpy, writeNpy } from './io/npy.ts';
import { materializeWeights, runReference, unstoredWeights } from './runtime/reference.ts';
import { Engine, EngineError, type RunResult } from './runtime/engine.ts';
import { formatLosses, isRegularized } from './runtime/losses.ts';
import { imagenetClass } from './io/imagenet-classes.ts';
import { runGraphOnGpu, type Losses } from './runtime/run-graph.ts';
import { exportKeras } from './io/keras-export.ts';
import { exportKerasModel } from './io/keras-model-export.ts';
import { featureGraph } from './models/features.ts';
import { findZooEntry, ZOO, zooModel, type ZooOptions } from './models/zoo.ts';
import { imageToTensor } from './io/image.ts';
import { isPreprocess, KERAS_APPLICATION_PREPROCESS, PREPROCESS, type Preprocess } from './io/preprocess.ts';
import { isResizeMode, RESIZE_MODES } from './io/resize.ts';
import { loadPretrainedZoo } from './models/pretrained-node.ts';
import { PRETRAINED } from './models/pretrained.ts';
import type { WeightStore } from './runtime/reference.ts';
import { importModel, nonTensorKind, notATensor, type OnnxImport, type OnnxPort } from './io/onnx-import.ts';
import { exportOnnx } from './io/onnx-export.ts';
import { castFromFloat32, checkFloat32Exact, toOnnx, toOurs } from './io/onnx-layout.ts';
import { decodeModel, decodeTensorProto, readTensor, type TensorValue } from './io/onnx-proto.ts';
import { decodeWeights, encodeWeights, weightsPaths } from './io/weights-file.ts';

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  readFile(path: string): Promise<Uint8Array>;
  /** Writes a file, creating its folder. */
  writeFile(path: string, data: Uint8Array): Promise<void>;
}

const nodeIo: CliIo = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  readFile: (path) => readFile(path),
  writeFile: async (path, data) => {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, data);
  },
};

export const USAGE = `deepwire: wire CNN layers into a graph, check it, run it.

Usage:
  deepwire summary FILE [--json]       layers, output shapes, parameters and FLOPs (like Keras' model.summary())
  deepwire validate FILE [--json]      check the graph; every problem on its own line
  deepwire run FILE [options]          run the graph on a tensor; write the outputs as .npy files
  deepwire export-keras FILE [OUT.py]  the graph as a Keras functional-API Python script (to stdout without OUT.py)
  deepwire export-keras FILE OUT.json  the Keras model with its weights (model.json + weights.bin beside it: TF.js
                                       Layers format, for tf.loadLayersModel or tensorflowjs_converter → .h5)
  deepwire convert IN OUT              model.onnx → graph.json (its weights in graph.weights.json + .bin beside
                                       it, read back whenever graph.json is opened), or FILE → model.onnx

FILE is a graph file, an ONNX model (.onnx: images N×C×H×W, as PyTorch exports them), or zoo:NAME for a
Keras application (case-insensitive: zoo:ResNet50, zoo:vgg19):
${wrap(ZOO.map((e) => e.name).join(', '), 96, '  ')}
With ImageNet weights (offline, backbone only, features at avg_pool): ${Object.keys(PRETRAINED).map((n) => `zoo:${n}`).join(', ')}

Zoo options (any command):
  --no-top             leave out the classifier (Keras include_top=False)
  --input-shape HxWxC  input size, e.g. 64x64x3 (default: the model's native size)
  --classes N          classes of the classifier (default 1000)

Run options:
  --input X.npy        the Input's tensor: N×(input shape), or exactly the input shape (batch 1);
                       for an ONNX model X.npy or X.pb (TensorProto) in its own layout, one --input per
                       model input in order, or NAME=FILE (inputs that are weights are used as constants)
  --image PHOTO        a PNG or JPEG photo for the Input, resized and normalised to what it takes
  --resize MODE        crop (default: cover, cut the overhang), letterbox (fit, pad black) or stretch
  --preprocess MODE    caffe, tf, torch (Keras' preprocess_input modes), unit ([0, 1]) or raw (0–255);
                       default: the model's own for zoo and pretrained models, else unit
  --output NODE        a node to write, by id or name; repeat for more (default: the graph's outputs);
                       only the layers it needs run (feature extraction: zoo:VGG19 --output block4_pool)
  --out DIR            where NODE.npy files go (default: out)
  --backend NAME       webgpu (hand-written WGSL kernels; default) or cpu (the plain-loop reference)
  --seed N             seed of the initial weights and of the random input (default: the graph's seed, or 0)

With neither --input nor --image, run feeds a pseudo-random input (uniform in [0, 1), from the seed).
Exit status: 0 ok, 1 the graph or an input has a problem, 2 the command line is wrong.
`;

/** Words of `text` in lines of at most `width` characters, each starting with `indent`. */
function wrap(text: string, width: number, indent: string): string {
  const lines: string[] = [];
  let line = indent;
  for (const word of text.split(' ')) {
    if (line.length + word.length > width && line.trim()) {
      lines.push(line.trimEnd());
      line = indent;
    }
    line += word + ' ';
  }
  return [...lines, line.trimEnd()].join('\n');
}

/** A failure the user can fix: printed as one line, never with a stack trace. */
export class CliError extends Error {
  constructor(message: string, readonly hint: string, readonly exitCode = 1) {
    super(message);
    this.name = 'CliError';
  }
}

const usageError = (message: string, hint = "run 'deepwire --help' for usage") => new CliError(message, hint, 2);

type FlagKind = 'bool' | 'string' | 'list';
const ZOO_FLAGS: Record<string, FlagKind> = { 'no-top': 'bool', 'input-shape': 'string', classes: 'string' };
const COMMANDS: Record<string, Record<string, FlagKind>> = {
  summary: { json: 'bool', ...ZOO_FLAGS },
  validate: { json: 'bool', ...ZOO_FLAGS },
  run: { input: 'list', image: 'string', resize: 'string', preprocess: 'string', output: 'list', out: 'string', backend: 'string', seed: 'string', ...ZOO_FLAGS },
  'export-keras': { ...ZOO_FLAGS },
  convert: { seed: 'string', ...ZOO_FLAGS },
};

interface Parsed {
  command: string;
  file: string;
  /** export-keras's OUT.py. */
  out?: string;
  flags: Record<string, string | string[] | true>;
}

/** Runs the command line `argv` (without `node deepwire`); returns the exit status. */
export async function main(argv: string[], io: CliIo = nodeIo): Promise<number> {
  try {
    if (argv.length === 0 || argv.some((a) => a === '--help' || a === '-h') || argv[0] === 'help') {
      io.stdout(USAGE);
      return 0;
    }
    const args = parseArgs(argv);
    if (args.command === 'summary') return await summary(args, io);
    if (args.command === 'validate') return await validate(args, io);
    if (args.command === 'export-keras') return await exportKerasCommand(args, io);
    if (args.command === 'convert') return await convert(args, io);
    return await run(args, io);
  } catch (e) {
    if (e instanceof CliError) {
      io.stderr(`deepwire: ${e.message} — ${e.hint}\n`);
      return e.exitCode;
    }
    if (e instanceof OpError) {
      io.stderr(`deepwire: ${e.message} — ${e.hint ?? 'check the graph and the input'}\n`);
      return 1;
    }
    io.stderr(`deepwire: internal error: ${(e as Error)?.message ?? e} — please report this, with the command and the graph file\n`);
    return 1;
  }
}

function parseArgs(argv: string[]): Parsed {
  const [command, ...rest] = argv;
  const spec = COMMANDS[command];
  if (!spec) {
    const guess = nearest(command, Object.keys(COMMANDS));
    const what = command.startsWith('-') ? `unknown option '${command}'` : `unknown command '${command}'`;
    throw usageError(what, `${guess ? `${guess} ` : ''}commands are ${Object.keys(COMMANDS).join(', ')}; run 'deepwire --help' for usage`);
  }
  const flags: Parsed['flags'] = {};
  const files: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (!arg.startsWith('--') || arg === '--') {
      if (arg !== '--') files.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const kind = spec[name];
    if (!kind) {
      const known = Object.keys(spec).map((f) => `--${f}`);
      throw usageError(`unknown option '--${name}' for '${command}'`, nearest(`--${name}`, known) ?? `'${command}' takes ${known.join(', ')}`);
    }
    if (kind === 'bool') {
      if (eq >= 0) throw usageError(`option '--${name}' takes no value`, `write just --${name}`);
      flags[name] = true;
      continue;
    }
    const value = eq >= 0 ? arg.slice(eq + 1) : rest[++i];
    if (value === undefined || value === '' || (eq < 0 && value.startsWith('--')))
      throw usageError(`option '--${name}' needs a value`, `e.g. --${name} ${EXAMPLE_VALUES[name] ?? 'VALUE'}`);
    if (kind === 'list') flags[name] = [...((flags[name] as string[] | undefined) ?? []), value];
    else if (flags[name] !== undefined) throw usageError(`option '--${name}' is given twice`, 'give it once');
    else flags[name] = value;
  }
  if (files.length === 0) throw usageError(`'${command}' needs a graph file`, `e.g. deepwire ${command} examples/inception-3a.json`);
  const most = command === 'export-keras' || command === 'convert' ? 2 : 1;
  if (command === 'convert' && files.length !== 2) throw usageError(`'convert' takes an input and an output file, got ${files.length}`, 'e.g. deepwire convert model.onnx graph.json');
  if (files.length > most)
    throw usageError(`'${command}' takes ${most === 1 ? 'one graph file' : 'a graph file and an output file'}, got ${files.length}: ${files.join(' ')}`, `give ${most === 1 ? 'one file' : 'two'}; options start with --`);
  return { command, file: files[0], out: files[1], flags };
}

const EXAMPLE_VALUES: Record<string, string> = {
  input: 'x.npy', image: 'photo.jpg', resize: 'crop', preprocess: 'tf', output: 'conv2d', out: 'out', backend: 'cpu', seed: '0', 'input-shape': '64x64x3', classes: '10',
};

// ── reading the graph ──────────────────────────────────────────────────────────────────────────

interface Loaded {
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
async function loadGraph(file: string, io: CliIo, flags: Parsed['flags'], bind?: Record<string, TensorValue>): Promise<Loaded> {
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
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    const at = jsonSyntaxError(text);
    const where = at ? `: expected ${at.expected} at line ${at.line}, column ${at.column} (found ${at.found})` : '';
    throw new CliError(`${file} is not valid JSON${where}`, 'fix the file there, or save the graph again from the editor');
  }
  const isObject = !!raw && typeof raw === 'object' && !Array.isArray(raw);
  const obj = raw as Record<string, unknown>;
  if (!isObject || (obj.format !== 'deepwire-graph' && !Array.isArray(obj.nodes))) {
    const holds = !isObject ? `it holds ${Array.isArray(raw) ? 'a list' : `a ${raw === null ? 'null' : typeof raw}`}, not an object` : 'it has no "format": "deepwire-graph" and no "nodes" list';
    throw new CliError(`${file} is not a deepwire graph: ${holds}`, 'open a graph saved by the editor; examples/ has some');
  }
  const name = typeof obj.name === 'string' && obj.name ? obj.name : basename(file, extname(file));
  const refersToWeights = Array.isArray(obj.nodes) && obj.nodes.some((n) => n && typeof n === 'object' && 'weights' in n);
  return { name, raw: obj, report: analyzeGraph(raw), weights: refersToWeights ? await loadWeightsBeside(file, io) : undefined };
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
async function loadPretrainedGraph(file: string, flags: Parsed['flags']): Promise<Loaded | null> {
  const name = /^zoo:(.+)$/i.exec(file)?.[1]?.toLowerCase();
  if (!name || !Object.keys(PRETRAINED).some((k) => k.toLowerCase() === name)) return null;
  if (flags.classes !== undefined) throw usageError(`--classes does not apply to ${file}: it is a backbone without a classifier`, 'leave --classes out');
  const model = (await loadPretrainedZoo(file, { inputShape: zooOptions(flags).input_shape }))!;
  const { graph } = model;
  return { name: graph.name!, raw: graph as unknown as Record<string, unknown>, report: analyzeGraph(graph), weights: model.weights, preprocess: model.def.preprocess, notes: model.notes };
}

/** --no-top, --input-shape, --classes as Keras' include_top, input_shape, classes. */
function zooOptions(flags: Parsed['flags']): ZooOptions {
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

async function readInput(file: string, io: CliIo, what: string): Promise<Uint8Array> {
  try {
    return await io.readFile(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException)?.code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : code === 'EACCES' ? 'permission denied' : (e as Error)?.message;
    throw new CliError(`cannot read ${what} ${file}: ${why}`, code === 'EACCES' ? 'check its permissions' : 'check the path');
  }
}

/** `conv2d (Conv2D): message — hint: …`, or `graph: …` for a problem of the whole file. */
export function problemLine(p: Problem, report: GraphReport): string {
  const r = p.node !== undefined ? report.byId.get(p.node) : undefined;
  const where = r ? `${r.name} (${r.op})` : p.node ?? 'graph';
  return `${where}: ${p.message}${p.hint ? ` — hint: ${p.hint}` : ''}`;
}

/** Prints the problems to stderr and fails, for the commands that need a valid graph. */
function refuseInvalid(loaded: Loaded, file: string, io: CliIo): void {
  const { problems } = loaded.report;
  for (const p of problems) io.stderr(problemLine(p, loaded.report) + '\n');
  const count = problems.length === 1 ? 'a problem' : `${problems.length} problems`;
  throw new CliError(`${file} has ${count} (listed above)`, 'fix it and try again');
}

// ── validate ───────────────────────────────────────────────────────────────────────────────────

async function validate({ file, flags }: Parsed, io: CliIo): Promise<number> {
  const { report } = await loadGraph(file, io, flags);
  if (flags.json) {
    const problems = report.problems.map((p) => ({ ...p, line: problemLine(p, report) }));
    io.stdout(JSON.stringify({ ok: report.ok, nodes: report.nodes.length, params: report.totals.params, problems }, null, 2) + '\n');
  } else if (report.ok) io.stdout(`ok: ${report.nodes.length} nodes, ${thousands(report.totals.params)} params\n`);
  else for (const p of report.problems) io.stdout(problemLine(p, report) + '\n');
  return report.ok ? 0 : 1;
}

// ── summary ────────────────────────────────────────────────────────────────────────────────────

async function summary({ file, flags }: Parsed, io: CliIo): Promise<number> {
  const loaded = await loadGraph(file, io, flags);
  const { report } = loaded;
  if (!report.ok) refuseInvalid(loaded, file, io);
  const nameOf = (id: string) => report.byId.get(id)?.name ?? id;
  if (flags.json) {
    const layers = report.nodes.map((r) => ({
      id: r.id, name: r.name, op: r.op, outputShape: [null, ...r.shape!],
      params: r.params.trainable + r.params.nonTrainable, trainableParams: r.params.trainable, nonTrainableParams: r.params.nonTrainable,
      flops: r.flops, inputs: r.inputs, connectedTo: r.inputs.map(nameOf),
    }));
    io.stdout(JSON.stringify({ name: loaded.name, layers, outputs: report.outputs, totals: report.totals, flopsConvention: '1 multiply-add = 2 FLOPs' }, null, 2) + '\n');
    return 0;
  }
  io.stdout(summaryTable(loaded.name, report));
  return 0;
}

/** Keras' model.summary() with a FLOPs column: one row per layer, a continuation line per extra input. */
export function summaryTable(name: string, report: GraphReport): string {
  const header = ['Layer (type)', 'Output Shape', 'Param #', 'FLOPs', 'Connected to'];
  const rows: string[][] = [];
  for (const r of report.nodes) {
    const inputs = r.inputs.map((id) => report.byId.get(id)?.name ?? id);
    const shape = r.shape ? `(None, ${r.shape.join(', ')})` : '?';
    rows.push([`${r.name} (${r.op})`, shape, thousands(r.params.trainable + r.params.nonTrainable), humanCount(r.flops), inputs[0] ?? '']);
    for (const more of inputs.slice(1)) rows.push(['', '', '', '', more]);
  }
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c].length)));
  const line = (cells: string[]) => (' ' + cells.map((cell, c) => cell.padEnd(widths[c])).join('   ')).trimEnd();
  const width = widths.reduce((a, b) => a + b, 0) + 3 * (widths.length - 1) + 1;
  const { totals } = report;
  return [
    `Model: "${name}"`,
    '_'.repeat(width),
    line(header),
    '='.repeat(width),
    ...rows.map(line),
    '='.repeat(width),
    `Total params: ${thousands(totals.params)}`,
    `Trainable params: ${thousands(totals.trainable)}`,
    `Non-trainable params: ${thousands(totals.nonTrainable)}`,
    `Total FLOPs: ${humanCount(totals.flops, 'FLOPs')} per image (1 multiply-add = 2 FLOPs)`,
    '_'.repeat(width),
    '',
  ].join('\n');
}

/** 163696 → `163,696`. */
export function thousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** 999 → `999`, 1234567 → `1.23 M`, (5.1e8, 'FLOPs') → `510.00 MFLOPs`: two decimals in the largest unit that fits. */
export function humanCount(n: number, suffix = ''): string {
  const units: [number, string][] = [[1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e3, 'k']];
  for (const [size, unit] of units) if (n >= size) return `${(n / size).toFixed(2)} ${unit}${suffix}`;
  return suffix ? `${n} ${suffix}` : `${n}`;
}

// ── export-keras ───────────────────────────────────────────────────────────────────────────────

async function exportKerasCommand({ file, out, flags }: Parsed, io: CliIo): Promise<number> {
  const loaded = await loadGraph(file, io, flags);
  if (!loaded.report.ok) refuseInvalid(loaded, file, io);
  if (out !== undefined && /\.json$/i.test(out)) return writeKerasModel(loaded, out, io);
  const { script, layers, params } = exportKeras({ ...loaded.raw, name: loaded.name });
  if (out === undefined) {
    io.stdout(script);
    return 0;
  }
  try {
    await io.writeFile(out, new TextEncoder().encode(script));
  } catch (e) {
    throw new CliError(`cannot write ${out}: ${(e as Error)?.message ?? e}`, 'choose another path');
  }
  io.stdout(`${out}: ${layers.length} layers, ${thousands(params.total)} params (trainable ${thousands(params.trainable)}, non-trainable ${thousands(params.nonTrainable)})\n`);
  return 0;
}

async function writeKerasModel(loaded: Loaded, out: string, io: CliIo): Promise<number> {
  const shardName = `${basename(out, extname(out))}.weights.bin`;
  const { modelJson, shard, layers, params } = exportKerasModel({ ...loaded.raw, name: loaded.name }, { weights: loaded.weights, shardName });
  const shardPath = join(dirname(out), shardName);
  try {
    await io.writeFile(out, new TextEncoder().encode(JSON.stringify(modelJson)));
    await io.writeFile(shardPath, shard);
  } catch (e) {
    throw new CliError(`cannot write ${out}: ${(e as Error)?.message ?? e}`, 'choose another path');
  }
  io.stdout(`${out} + ${shardPath}: ${layers.length} layers, ${thousands(params.total)} params (trainable ${thousands(params.trainable)}, non-trainable ${thousands(params.nonTrainable)}), ${thousands(shard.byteLength)} bytes of weights\n`);
  return 0;
}

// ── run ────────────────────────────────────────────────────────────────────────────────────────

/** What a backend computes: the requested tensors, the regularization losses and, on WebGPU, per-node times. */
export type Backend = (
  report: GraphReport, feeds: Record<string, Tensor>, options: { seed: number; outputs: string[]; store?: WeightStore },
) => Promise<{ tensors: Map<string, Tensor>; losses: Losses; timings?: RunResult['timings'] }>;

/** The one place a backend is picked. */
export function selectBackend(name: string): Backend {
  if (name === 'cpu')
    return async (report, feeds, { seed, outputs, store }) => runReference(report, feeds, { seed, weights: materializeWeights(report, seed, store), outputs });
  if (name === 'webgpu')
    return async (report, feeds, options) => {
      let engine: Engine;
      try {
        engine = await Engine.create();
      } catch (e) {
        if (e instanceof EngineError) throw new CliError(e.message, `${e.hint}; or use --backend cpu`);
        throw e;
      }
      try {
        await engine.tuneOnFirstUse();
        return await runGraphOnGpu(engine, report, feeds, { ...options, timing: true });
      } catch (e) {
        if (e instanceof EngineError) {
          const where = e.node ? `${report.byId.get(e.node)?.name ?? e.node}: ` : '';
          throw new CliError(`${where}${e.message}`, e.hint ?? 'use --backend cpu');
        }
        throw e;
      } finally {
        engine.device.destroy();
      }
    };
  throw usageError(`unknown backend '${name}'`, 'use --backend webgpu or --backend cpu');
}

async function run({ file, flags }: Parsed, io: CliIo): Promise<number> {
  const backend = selectBackend((flags.backend as string | undefined) ?? 'webgpu');
  if (flags.input && flags.image) throw usageError('--input and --image both feed the Input', 'give one of them');
  if (/\.onnx$/i.test(file)) return runOnnx(file, flags, backend, io);
  const inputFiles = (flags.input as string[] | undefined) ?? [];
  if (inputFiles.length > 1) throw usageError(`--input is given ${inputFiles.length} times, but a graph file has one Input`, 'give it once');
  checkImageFlags(flags);
  const seedText = flags.seed as string | undefined;
  if (seedText !== undefined && !/^\d+$/.test(seedText)) throw usageError(`--seed must be a whole number ≥ 0, got '${seedText}'`, 'e.g. --seed 0');

  const loaded = await loadGraph(file, io, flags);
  const { raw } = loaded;
  if (!loaded.report.ok) refuseInvalid(loaded, file, io);
  const seed = seedText !== undefined ? Number(seedText) : typeof raw.seed === 'number' ? raw.seed : 0;

  const inputs = loaded.report.nodes.filter((r) => r.def?.category === 'Input');
  if (inputs.length !== 1)
    throw new CliError(`the graph has ${inputs.length} Input nodes (${inputs.map((r) => r.name).join(', ')}); run feeds exactly one`, 'run a graph with a single Input');
  const input = inputs[0];
  const outputs = ((flags.output as string[] | undefined) ?? loaded.report.outputs).map((ref) => findNode(loaded.report, ref));
  // Feature extraction, Keras' Model(inputs, layer.output): only the layers the outputs need run.
  const report = flags.output ? analyzeGraph(featureGraph(raw as unknown as GraphFile, loaded.report, outputs)) : loaded.report;
  for (const note of loaded.notes ?? []) io.stderr(`note: ${note}\n`);
  const feed = flags.input ? await readFeed(inputFiles[0], input.name, input.shape!, io)
    : flags.image ? await imageFeed(flags, file, loaded, input.name, input.shape!, io)
    : randomFeed(input.name, input.shape!, seed, io);
  const result = await backend(report, { [input.id]: feed }, { seed, outputs, store: loaded.weights });

  const outDir = (flags.out as string | undefined) ?? 'out';
  for (const id of outputs) {
    const t = result.tensors.get(id);
    if (!t) throw new Error(`the backend returned no tensor for '${id}'`);
    const path = join(outDir, `${fileSafe(report.byId.get(id)!.name)}.npy`);
    try {
      await io.writeFile(path, writeNpy(t));
    } catch (e) {
      throw new CliError(`cannot write ${path}: ${(e as Error)?.message ?? e}`, 'choose another folder with --out DIR');
    }
    const { min, max, mean } = stats(t.data);
    io.stdout(`${path}: ${formatShape(t.shape)}, min ${num(min)}, max ${num(max)}, mean ${num(mean)}\n`);
    const classes = t.shape.at(-1)!;
    if (t.data.length === t.shape[0] * classes && imagenetClass(0, classes) !== null && max - min > 1e-6 * Math.max(Math.abs(max), Math.abs(min))) {
      // A 1000-way classifier: its top 5 for the first image, named as ImageNet's classes (unless all tie).
      const scores = t.data.subarray(0, classes);
      const top = topIndices(scores, 5);
      io.stdout(`  top 5 (ImageNet classes): ${top.map((i) => `${imagenetClass(i, classes)!.split(',')[0]} ${num(scores[i])}`).join(', ')}\n`);
    }
  }
  if (result.timings) printTimings(report, result.timings, io);
  if (report.nodes.some(isRegularized)) {
    io.stdout(`losses: ${formatLosses(result.losses)}\n`);
  }
  return 0;
}

/**
 * `deepwire run model.onnx`: the inputs are read in the model's own layout (N×C×H×W images) and bound
 * to its inputs, the outputs written in it; an input that an op needs constant (Conv's W) is one.
 */
async function runOnnx(file: string, flags: Parsed['flags'], backend: Backend, io: CliIo): Promise<number> {
  if (flags.image) throw usageError('--image feeds deepwire graphs; an ONNX model takes --input X.npy or X.pb in its own layout', 'e.g. --input x.pb');
  const seed = flags.seed !== undefined ? Number(flags.seed) : 0;
  if (!Number.isInteger(seed) || seed < 0) throw usageError(`--seed must be a whole number ≥ 0, got '${flags.seed}'`, 'e.g. --seed 0');
  const model = decodeModel(await readInput(file, io, 'ONNX model'));
  const initialized = new Set(model.graph!.initializer.map((t) => t.name));
  const names = model.graph!.input.map((i) => i.name).filter((n) => !initialized.has(n));
  const bind: Record<string, TensorValue> = {};
  for (const [k, spec] of ((flags.input as string[] | undefined) ?? []).entries()) {
    const eq = spec.indexOf('=');
    const name = eq > 0 ? spec.slice(0, eq) : names[k];
    const path = eq > 0 ? spec.slice(eq + 1) : spec;
    if (name === undefined) throw usageError(`--input ${spec}: the model has only ${names.length} input(s): ${names.join(', ')}`, 'give one --input per model input');
    if (!names.includes(name)) throw usageError(`--input ${spec}: the model has no input '${name}'`, nearest(name, names) ?? `its inputs: ${names.join(', ')}`);
    const other = nonTensorKind(model.graph!.input.find((i) => i.name === name)!);
    if (other) throw new CliError(notATensor(name, other), 'run a model whose inputs are tensors');
    bind[name] = await readOnnxArray(path, io);
  }
  const loaded = await loadGraph(file, io, flags, bind);
  if (!loaded.report.ok) refuseInvalid(loaded, file, io);
  const onnx = loaded.onnx!;
  const feeds: Record<string, Tensor> = {};
  for (const port of onnx.inputs) {
    const given = bind[port.name];
    const node = loaded.report.byId.get(port.node)!;
    if (!given) feeds[port.node] = randomFeed(port.name, node.shape!, seed, io);
    else {
      // An array without the batch axis is one item.
      const dims = given.dims.length === port.dims.length - 1 ? [1, ...given.dims] : given.dims;
      checkFloat32Exact(given.data, port.dtype, `--input for '${port.name}'`);
      feeds[port.node] = toOurs(dims, given.data, port.layout, `--input for '${port.name}'`);
    }
  }
  const ports = ((flags.output as string[] | undefined) ?? onnx.outputs.map((o) => o.name)).map((ref) => onnxPort(onnx, loaded.report, ref));
  const outputs = ports.map((p) => p.node);
  const report = flags.output ? analyzeGraph(featureGraph(onnx.graph, loaded.report, outputs)) : loaded.report;
  const result = await backend(report, feeds, { seed, outputs, store: onnx.weights });
  const outDir = (flags.out as string | undefined) ?? 'out';
  for (const port of ports) {
    const { dims, data: computed } = toOnnx(result.tensors.get(port.node)!, port.layout);
    // Other element types than float32 are computed in float32 and cast back (integers truncate and wrap).
    const data = Float32Array.from(castFromFloat32(computed, port.dtype, `output '${port.name}'`));
    const path = join(outDir, `${fileSafe(port.name)}.npy`);
    try {
      await io.writeFile(path, writeNpy({ shape: dims, data }));
    } catch (e) {
      throw new CliError(`cannot write ${path}: ${(e as Error)?.message ?? e}`, 'choose another folder with --out DIR');
    }
    const { min, max, mean } = stats(data);
    io.stdout(`${path}: ${formatShape(dims)}, min ${num(min)}, max ${num(max)}, mean ${num(mean)}\n`);
  }
  if (result.timings) printTimings(report, result.timings, io);
  return 0;
}

/** An ONNX input file: .npy, or a serialized TensorProto (.pb, as ONNX's test data). */
async function readOnnxArray(path: string, io: CliIo): Promise<TensorValue> {
  const bytes = await readInput(path, io, 'input');
  try {
    if (/\.npy$/i.test(path)) {
      const t = readNpy(bytes);
      return { name: path, dtype: 'float32', dims: t.shape, data: t.data };
    }
    return readTensor(decodeTensorProto(bytes), path);
  } catch (e) {
    throw new CliError(`cannot read ${path}: ${(e as Error)?.message ?? e}`, 'give a .npy file or an ONNX TensorProto (.pb)');
  }
}

/** An --output for an ONNX model: an ONNX value name, else a node id or name. */
function onnxPort(onnx: OnnxImport, report: GraphReport, ref: string): OnnxPort {
  const port = onnx.values.get(ref);
  if (port) return port;
  const id = findNode(report, ref);
  const byNode = [...onnx.values.values()].find((p) => p.node === id);
  if (!byNode) throw new CliError(`--output '${ref}' is not a tensor of the model`, `e.g. one of its outputs: ${onnx.outputs.map((o) => o.name).join(', ')}`);
  return byNode;
}

// ── convert ────────────────────────────────────────────────────────────────────────────────────

/** model.onnx → graph.json + its weights beside it; a graph (or zoo:NAME) → model.onnx. */
async function convert({ file, out, flags }: Parsed, io: CliIo): Promise<number> {
  const target = out!;
  const write = async (path: string, data: Uint8Array) => {
    try {
      await io.writeFile(path, data);
    } catch (e) {
      throw new CliError(`cannot write ${path}: ${(e as Error)?.message ?? e}`, 'choose another path');
    }
  };
  const loaded = await loadGraph(file, io, flags);
  if (!loaded.report.ok) refuseInvalid(loaded, file, io);
  const { report } = loaded;
  const size = `${report.nodes.length} nodes, ${thousands(report.totals.params)} params`;
  if (/\.json$/i.test(target)) {
    if (!loaded.onnx) throw usageError(`${file} is already a deepwire graph`, 'convert it to a .onnx file, or copy it');
    const paths = weightsPaths(target);
    const { manifest, data } = encodeWeights(loaded.onnx.weights, basename(paths.data));
    await write(target, new TextEncoder().encode(JSON.stringify(loaded.onnx.graph, null, 1) + '\n'));
    await write(paths.manifest, new TextEncoder().encode(JSON.stringify(manifest) + '\n'));
    await write(paths.data, data);
    const inputs = loaded.onnx.inputs.filter((p) => p.layout.kind === 'nchw').map((p) => `'${p.name}'`);
    io.stdout(`${target}: ${size}; weights in ${paths.data} (${(data.length / 1e6).toFixed(1)} MB)\n`);
    if (inputs.length) io.stdout(`note: the graph takes ${inputs.join(', ')} channels-last (N×H×W×C), as deepwire graphs do; the ONNX model took N×C×H×W\n`);
    return 0;
  }
  if (!/\.onnx$/i.test(target)) throw usageError(`convert writes .json or .onnx files, not ${target}`, 'e.g. deepwire convert model.onnx graph.json');
  const seed = flags.seed !== undefined ? Number(flags.seed) : typeof loaded.raw.seed === 'number' ? loaded.raw.seed : 0;
  await write(target, exportOnnx(report, { seed, weights: loaded.weights, name: loaded.name }));
  io.stdout(`${target}: ${size} (ONNX opset 13; images N×C×H×W)\n`);
  // Which weights went into the file: a run of the graph uses the same ones.
  const initialised = unstoredWeights(report, loaded.weights).length;
  const total = report.nodes.reduce((n, r) => n + r.weights.length, 0);
  if (total) io.stdout(`weights: ${total - initialised} of ${total} tensors from the weight file${initialised ? `, ${initialised} initialised with Keras' initializers, seed ${seed}${flags.seed === undefined ? ' (--seed N to choose)' : ''}` : ''}\n`);
  return 0;
}

/** Per-node GPU times, slowest first, and the total. */
function printTimings(report: GraphReport, timings: NonNullable<RunResult['timings']>, io: CliIo): void {
  if (!timings.nodes.length) return void io.stdout('GPU time: none (no dispatch: every output is an input, or a view of one)\n');
  const label = timings.source === 'timestamp-query' ? 'GPU time (timestamp queries)' : 'time (approximated from the wall clock: this adapter has no timestamp queries)';
  io.stdout(`${label}, per node:\n`);
  const name = (id: string) => report.byId.get(id)?.name ?? id;
  for (const t of [...timings.nodes].sort((a, b) => b.ms - a.ms)) {
    const fused = t.fused.length ? `  (+ ${t.fused.map(name).join(', ')} fused)` : '';
    io.stdout(`  ${name(t.node).padEnd(28)} ${t.ms.toFixed(3).padStart(10)} ms${fused}\n`);
  }
  io.stdout(`  ${'total'.padEnd(28)} ${timings.totalMs.toFixed(3).padStart(10)} ms\n`);
}

/** An --output reference: a node id, else a node name. */
function findNode(report: GraphReport, ref: string): string {
  if (report.byId.has(ref)) return ref;
  const named = report.nodes.find((r) => r.name === ref);
  if (named) return named.id;
  const guess = nearest(ref, report.nodes.flatMap((r) => [r.id, r.name]));
  const names = report.nodes.map((r) => r.name);
  // A big model's 177 names would bury the message: a few, and where to see them all.
  const list = names.length <= 20 ? `the graph's nodes: ${names.join(', ')}` : `one of its ${names.length} nodes, e.g. ${[...names.slice(1, 4), names.at(-1)].join(', ')} (\`deepwire summary\` lists them)`;
  throw new CliError(`--output '${ref}' is neither a node id nor a node name`, guess ?? list);
}

async function readFeed(file: string, inputName: string, shape: readonly number[], io: CliIo): Promise<Tensor> {
  const bytes = await readInput(file, io, 'input');
  let t: Tensor;
  try {
    t = readNpy(bytes);
  } catch (e) {
    throw new CliError(`cannot read ${file} as .npy: ${(e as Error)?.message ?? e}`, 'save the array with numpy.save(path, x.astype("float32"))');
  }
  const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);
  if (same(t.shape, shape)) return { shape: [1, ...shape], data: t.data };
  if (t.shape.length === shape.length + 1 && t.shape[0] >= 1 && same(t.shape.slice(1), shape)) return t;
  throw new CliError(
    `${file} holds a ${formatShape(t.shape)} array but '${inputName}' takes ${formatShape(shape)} (or N×${formatShape(shape)} for a batch)`,
    'save the array with that shape',
  );
}

/** --resize and --preprocess: known values, and only with --image. */
function checkImageFlags(flags: Parsed['flags']): void {
  const known: Record<string, string[]> = { resize: Object.keys(RESIZE_MODES), preprocess: Object.keys(PREPROCESS) };
  for (const [flag, values] of Object.entries(known)) {
    const value = flags[flag] as string | undefined;
    if (value === undefined) continue;
    if (!flags.image) throw usageError(`--${flag} applies to a photo`, `add --image PHOTO, or leave --${flag} out`);
    if (!values.includes(value)) throw usageError(`unknown --${flag} '${value}'`, `${nearest(value, values) ?? ''} use one of ${values.join(', ')}`.trimStart());
  }
}

/** --image PHOTO: decoded, resized and normalised into the Input's N=1 tensor; notes (downscale, EXIF rotation) on stderr. */
async function imageFeed(flags: Parsed['flags'], file: string, loaded: Loaded, inputName: string, shape: readonly number[], io: CliIo): Promise<Tensor> {
  const photo = flags.image as string;
  const bytes = await readInput(photo, io, 'photo');
  const resize = (flags.resize as string | undefined) ?? 'crop';
  const zooFamily = /^zoo:/i.test(file) && !loaded.preprocess ? findZooEntry(file).family : undefined;
  const preprocess = (flags.preprocess as string | undefined) ?? loaded.preprocess ?? (zooFamily && KERAS_APPLICATION_PREPROCESS[zooFamily]) ?? 'unit';
  if (!isResizeMode(resize) || !isPreprocess(preprocess)) throw new Error(`unchecked --resize '${resize}' or --preprocess '${preprocess}'`);
  let result;
  try {
    result = imageToTensor(bytes, shape, { resize, preprocess });
  } catch (e) {
    if (e instanceof OpError) throw new CliError(`${photo}: ${e.message}`, e.hint ?? 'use a PNG or JPEG photo');
    throw e;
  }
  for (const note of result.notes) io.stderr(`note: ${photo}: ${note}\n`);
  io.stderr(`note: feeding '${inputName}' ${photo} as ${formatShape(result.tensor.shape)} (resize ${resize}, preprocess ${preprocess})\n`);
  return result.tensor;
}

/** Uniform in [0, 1), from the seed (mulberry32): the same command gives the same numbers. */
function randomFeed(inputName: string, shape: readonly number[], seed: number, io: CliIo): Tensor {
  const t = tensor([1, ...shape]);
  let s = seed >>> 0;
  for (let i = 0; i < t.data.length; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let r = Math.imul(s ^ (s >>> 15), 1 | s);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    t.data[i] = ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  }
  io.stderr(`note: no --input given: feeding '${inputName}' a pseudo-random ${formatShape(t.shape)} tensor (uniform in [0, 1), seed ${seed})\n`);
  return t;
}

function stats(data: Float32Array): { min: number; max: number; mean: number } {
  let min = Infinity, max = -Infinity, sum = 0;
  for (const v of data) {
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
  }
  return { min, max, mean: sum / data.length };
}

/** Up to 6 significant digits, no trailing zeros: 0.25, 5, 1234570, 1.5e-7. */
export const num = formatNumber;

/** A node name as a file name: Keras names are safe; anything else becomes `_`. */
function fileSafe(name: string): string {
  return name.replace(/[^A-Za-z0-9_.-]/g, '_').replace(/^\.+/, '_') || '_';
}

// ── JSON syntax errors with a position (V8 does not always give one) ───────────────────────────

/** Where `text` first breaks the JSON grammar, and what was expected there; null when it parses. */
export function jsonSyntaxError(text: string): { line: number; column: number; expected: string; found: string } | null {
  let i = 0;
  const fail = (expected: string): never => {
    throw { at: i, expected };
  };
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
  };
  const number = /-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
  const string = () => {
    i++;
    while (i < text.length) {
      const c = text[i];
      if (c === '"') return void i++;
      if (c < ' ') fail('no line breaks or control characters inside a string (write \\n)');
      if (c === '\\') {
        const e = text[i + 1];
        if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) i += 6;
        else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else {
          i++;
          fail('an escape such as \\n, \\" or \\u00e9');
        }
        continue;
      }
      i++;
    }
    fail('a closing "');
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      i++;
      ws();
      if (text[i] === close) return void i++;
      for (;;) {
        if (c === '{') {
          ws();
          if (text[i] !== '"') fail('a "quoted" property name');
          string();
          ws();
          if (text[i] !== ':') fail("':'");
          i++;
        }
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === close) return void i++;
        else fail(`',' or '${close}'`);
      }
    }
    if (c === '"') return string();
    number.lastIndex = i;
    if (number.test(text)) return void (i = number.lastIndex);
    for (const literal of ['true', 'false', 'null']) if (text.startsWith(literal, i)) return void (i += literal.length);
    fail('a value');
  };
  try {
    value();
    ws();
    if (i < text.length) fail('the end of the file');
    return null;
  } catch (e) {
    if (!e || typeof e !== 'object' || !('at' in e)) return null; // e.g. nesting too deep for the stack
    const { at, expected } = e as { at: number; expected: string };
    const before = text.slice(0, at).split('\n');
    const found = at >= text.length ? 'the end of the file' : JSON.stringify(text[at]);
    return { line: before.length, column: before[before.length - 1].length + 1, expected, found };
  }
}
