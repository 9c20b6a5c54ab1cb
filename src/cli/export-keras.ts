// `deepwire export-keras FILE [OUT.py | OUT.json]`: the graph as a Keras functional-API script, or as a
// TF.js Layers model with its weights.
import { basename, dirname, extname, join } from 'node:path';
import { formatCount } from '../format.ts';
import { exportKeras } from '../io/keras-export.ts';
import { exportKerasModel } from '../io/keras-model-export.ts';
import type { Parsed } from './args.ts';
import { writeOutput, type CliIo } from './io.ts';
import { loadValidGraph, type Loaded } from './load-graph.ts';

export async function exportKerasCommand({ file, out, flags }: Parsed, io: CliIo): Promise<number> {
  const loaded = await loadValidGraph(file, io, flags);
  if (out !== undefined && /\.json$/i.test(out)) return writeKerasModel(loaded, out, io);
  const { script, layers, params } = exportKeras({ ...loaded.raw, name: loaded.name });
  if (out === undefined) {
    io.stdout(script);
    return 0;
  }
  await writeOutput(out, new TextEncoder().encode(script), io);
  io.stdout(`${out}: ${layers.length} layers, ${paramCounts(params)}\n`);
  return 0;
}

/** model.json and its weights shard beside it. */
async function writeKerasModel(loaded: Loaded, out: string, io: CliIo): Promise<number> {
  const shardName = `${basename(out, extname(out))}.weights.bin`;
  const { modelJson, shard, layers, params } = exportKerasModel({ ...loaded.raw, name: loaded.name }, { weights: loaded.weights, shardName });
  const shardPath = join(dirname(out), shardName);
  await writeOutput(out, new TextEncoder().encode(JSON.stringify(modelJson)), io);
  await writeOutput(shardPath, shard, io);
  io.stdout(`${out} + ${shardPath}: ${layers.length} layers, ${paramCounts(params)}, ${formatCount(shard.byteLength)} bytes of weights\n`);
  return 0;
}

const paramCounts = (params: { total: number; trainable: number; nonTrainable: number }) =>
  `${formatCount(params.total)} params (trainable ${formatCount(params.trainable)}, non-trainable ${formatCount(params.nonTrainable)})`;
