// `deepwire export-pytorch FILE OUT.py`: the graph as a PyTorch nn.Module, its weights beside it as OUT.npz.
import { basename, dirname, extname, join } from 'node:path';
import { formatCount, formatMegabytes } from '../format.ts';
import { PREPROCESS } from '../io/preprocess.ts';
import { exportPytorch } from '../io/pytorch-export.ts';
import type { Parsed } from './args.ts';
import { usageError, writeOutput, type CliIo } from './io.ts';
import { loadValidGraph, seedOf } from './load-graph.ts';
import { findNode } from './outputs.ts';

export async function exportPytorchCommand({ file, out, flags }: Parsed, io: CliIo): Promise<number> {
  const target = out!;
  if (!/\.py$/i.test(target)) throw usageError(`export-pytorch writes a .py file, not ${target}`, 'e.g. deepwire export-pytorch zoo:ResNet50 resnet50.py');
  const loaded = await loadValidGraph(file, io, flags);
  const seed = seedOf(loaded, flags);
  const weightsFile = `${basename(target, extname(target))}.npz`;
  // Feature extraction, as run's --output: the module returns these nodes, and holds only what they need.
  const outputs = (flags.output as string[] | undefined)?.map((ref) => findNode(loaded.report, ref));
  const exported = exportPytorch(loaded.report, { seed, weights: loaded.weights, name: loaded.name, outputs, scriptFile: basename(target), weightsFile });
  const weightsPath = join(dirname(target), weightsFile);
  await writeOutput(target, new TextEncoder().encode(exported.script), io);
  await writeOutput(weightsPath, exported.weights, io);
  io.stdout(`${target}: class ${exported.className}(nn.Module), ${exported.layers} layers; weights in ${weightsPath} ` +
    `(${formatCount(exported.values)} values, ${formatMegabytes(exported.weights.length)})\n`);
  if (exported.initialised) io.stdout(`weights: ${exported.initialised} tensors initialised with Keras' initializers, seed ${seed}, as 'deepwire run' uses them${flags.seed === undefined ? ' (--seed N to choose)' : ''}\n`);
  if (loaded.preprocess) io.stdout(`note: the module takes its input preprocessed ('${loaded.preprocess}': ${PREPROCESS[loaded.preprocess]}), as 'deepwire run --input' takes it; it does not preprocess photos itself\n`);
  if (loaded.onnx) io.stdout(`note: the module takes its inputs channels-last (N×H×W×C), as the deepwire graph does; the ONNX model took N×C×H×W\n`);
  io.stdout(`check it: python3 ${target} IN.npy OUT.npy (needs torch and numpy)\n`);
  return 0;
}
