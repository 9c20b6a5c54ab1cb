// `deepwire convert IN OUT`: model.onnx → graph.json with its weights beside it; a graph (or zoo:NAME) → model.onnx.
import { basename } from 'node:path';
import { formatCount, formatMegabytes } from '../format.ts';
import { exportOnnx } from '../io/onnx-export.ts';
import { encodeWeights, weightsPaths } from '../io/weights-file.ts';
import { unstoredWeights } from '../runtime/reference.ts';
import type { Parsed } from './args.ts';
import { usageError, writeOutput, type CliIo } from './io.ts';
import { loadValidGraph, seedOf } from './load-graph.ts';

export async function convert({ file, out, flags }: Parsed, io: CliIo): Promise<number> {
  const target = out!;
  const loaded = await loadValidGraph(file, io, flags);
  const { report } = loaded;
  const size = `${report.nodes.length} nodes, ${formatCount(report.totals.params)} params`;
  if (/\.json$/i.test(target)) {
    if (!loaded.onnx) throw usageError(`${file} is already a deepwire graph`, 'convert it to a .onnx file, or copy it');
    const paths = weightsPaths(target);
    const { manifest, data } = encodeWeights(loaded.onnx.weights, basename(paths.data));
    await writeOutput(target, new TextEncoder().encode(JSON.stringify(loaded.onnx.graph, null, 1) + '\n'), io);
    await writeOutput(paths.manifest, new TextEncoder().encode(JSON.stringify(manifest) + '\n'), io);
    await writeOutput(paths.data, data, io);
    const inputs = loaded.onnx.inputs.filter((p) => p.layout.kind === 'nchw').map((p) => `'${p.name}'`);
    io.stdout(`${target}: ${size}; weights in ${paths.data} (${formatMegabytes(data.length)})\n`);
    if (inputs.length) io.stdout(`note: the graph takes ${inputs.join(', ')} channels-last (N×H×W×C), as deepwire graphs do; the ONNX model took N×C×H×W\n`);
    return 0;
  }
  if (!/\.onnx$/i.test(target)) throw usageError(`convert writes .json or .onnx files, not ${target}`, 'e.g. deepwire convert model.onnx graph.json');
  const seed = seedOf(loaded, flags);
  await writeOutput(target, exportOnnx(report, { seed, weights: loaded.weights, name: loaded.name }), io);
  io.stdout(`${target}: ${size} (ONNX opset 13; images N×C×H×W)\n`);
  // Which weights went into the file: a run of the graph uses the same ones.
  const initialised = unstoredWeights(report, loaded.weights).length;
  const total = report.nodes.reduce((n, r) => n + r.weights.length, 0);
  if (total) io.stdout(`weights: ${total - initialised} of ${total} tensors from the weight file${initialised ? `, ${initialised} initialised with Keras' initializers, seed ${seed}${flags.seed === undefined ? ' (--seed N to choose)' : ''}` : ''}\n`);
  return 0;
}
