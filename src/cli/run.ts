// `deepwire run FILE [options]`: runs the graph on a tensor, writes the outputs as .npy files, prints
// their stats, a classifier's top 5, the GPU time per node and the regularization losses.
import { analyzeGraph } from '../graph/analyze.ts';
import type { GraphFile } from '../graph/types.ts';
import { featureGraph } from '../models/features.ts';
import { formatNumber } from '../format.ts';
import { topIndices } from '../tensor.ts';
import { imagenetClass } from '../io/imagenet-classes.ts';
import { formatLosses, isRegularized } from '../runtime/losses.ts';
import type { Parsed } from './args.ts';
import { selectBackend } from './backend.ts';
import { checkImageFlags, imageFeed, randomFeed, readFeed } from './feeds.ts';
import { CliError, usageError, type CliIo } from './io.ts';
import { loadValidGraph, seedOf } from './load-graph.ts';
import { findNode, printTimings, writeTensorOutput } from './outputs.ts';
import { runOnnx } from './run-onnx.ts';
import { checkSaliencyFlags, runSaliency, wantsSaliency } from './saliency.ts';

export async function run({ file, flags }: Parsed, io: CliIo): Promise<number> {
  const backend = selectBackend((flags.backend as string | undefined) ?? 'webgpu');
  if (flags.input && flags.image) throw usageError('--input and --image both feed the Input', 'give one of them');
  checkSaliencyFlags(flags);
  if (/\.onnx$/i.test(file) && wantsSaliency(flags)) throw usageError('--saliency and --grad-cam run on graph files', `convert the model first: deepwire convert ${file} model.json`);
  if (/\.onnx$/i.test(file)) return runOnnx(file, flags, backend, io);
  const inputFiles = (flags.input as string[] | undefined) ?? [];
  if (inputFiles.length > 1) throw usageError(`--input is given ${inputFiles.length} times, but a graph file has one Input`, 'give it once');
  checkImageFlags(flags);
  const seedText = flags.seed as string | undefined;
  if (seedText !== undefined && !/^\d+$/.test(seedText)) throw usageError(`--seed must be a whole number ≥ 0, got '${seedText}'`, 'e.g. --seed 0');

  const loaded = await loadValidGraph(file, io, flags);
  const seed = seedOf(loaded, flags);
  const inputs = loaded.report.nodes.filter((r) => r.def?.category === 'Input');
  if (inputs.length !== 1)
    throw new CliError(`the graph has ${inputs.length} Input nodes (${inputs.map((r) => r.name).join(', ')}); run feeds exactly one`, 'run a graph with a single Input');
  const input = inputs[0];
  const outputs = ((flags.output as string[] | undefined) ?? loaded.report.outputs).map((ref) => findNode(loaded.report, ref));
  // Feature extraction, Keras' Model(inputs, layer.output): only the layers the outputs need run.
  const report = flags.output ? analyzeGraph(featureGraph(loaded.raw as unknown as GraphFile, loaded.report, outputs)) : loaded.report;
  for (const note of loaded.notes ?? []) io.stderr(`note: ${note}\n`);
  const feed = flags.input ? await readFeed(inputFiles[0], input.name, input.shape!, io)
    : flags.image ? await imageFeed(flags, file, loaded, input.name, input.shape!, io)
    : randomFeed(input.name, input.shape!, seed, io);
  if (wantsSaliency(flags)) return runSaliency(flags, loaded, loaded.report, feed, seed, io);
  const result = await backend(report, { [input.id]: feed }, { seed, outputs, store: loaded.weights });

  const outDir = (flags.out as string | undefined) ?? 'out';
  for (const id of outputs) {
    const t = result.tensors.get(id);
    if (!t) throw new Error(`the backend returned no tensor for '${id}'`);
    const { min, max } = await writeTensorOutput(outDir, report.byId.get(id)!.name, t, io);
    const classes = t.shape.at(-1)!;
    if (t.data.length === t.shape[0] * classes && imagenetClass(0, classes) !== null && max - min > 1e-6 * Math.max(Math.abs(max), Math.abs(min))) {
      // A 1000-way classifier: its top 5 for the first image, named as ImageNet's classes (unless all tie).
      const scores = t.data.subarray(0, classes);
      const top = topIndices(scores, 5);
      io.stdout(`  top 5 (ImageNet classes): ${top.map((i) => `${imagenetClass(i, classes)!.split(',')[0]} ${formatNumber(scores[i])}`).join(', ')}\n`);
    }
  }
  if (result.timings) printTimings(report, result.timings, io);
  if (report.nodes.some(isRegularized)) io.stdout(`losses: ${formatLosses(result.losses)}\n`);
  return 0;
}
