// `deepwire explain FILE --node ID --at y,x,c`: one value of a node's output taken apart (src/explain/),
// from a run of the graph on WebGPU (or --backend cpu) fed as `run` feeds it; the last line is `value: V`.
import { analyzeGraph } from '../graph/analyze.ts';
import type { GraphFile } from '../graph/types.ts';
import { featureGraph } from '../models/features.ts';
import { materializeNodeWeights } from '../runtime/reference.ts';
import { EXPLAINED_OPS, explainFromRun, explainNeeds, explains, explanationText } from '../explain/index.ts';
import { checkPosition, nodeLabel } from '../explain/position.ts';
import { DENSE_TOP } from '../explain/dense.ts';
import type { Parsed } from './args.ts';
import { selectBackend } from './backend.ts';
import { checkImageFlags, imageFeed, randomFeed, readFeed } from './feeds.ts';
import { CliError, usageError, type CliIo } from './io.ts';
import { loadValidGraph, seedOf } from './load-graph.ts';
import { findNode } from './outputs.ts';

/** --at "4,7,2" → [4, 7, 2]. */
function parseAt(text: string): number[] {
  const parts = text.split(',').map((p) => p.trim());
  if (!parts.every((p) => /^\d+$/.test(p))) throw usageError(`--at must be whole numbers ≥ 0 separated by commas, got '${text}'`, 'e.g. --at 4,7,2 (y, x, channel) or --at 3 for a vector');
  return parts.map(Number);
}

export async function explainCommand({ file, flags }: Parsed, io: CliIo): Promise<number> {
  const backend = selectBackend((flags.backend as string | undefined) ?? 'webgpu');
  if (/\.onnx$/i.test(file)) throw usageError('explain takes a graph file or zoo:NAME', `convert the model first: deepwire convert ${file} graph.json`);
  if (flags.input && flags.image) throw usageError('--input and --image both feed the Input', 'give one of them');
  if (flags.node === undefined) throw usageError("'explain' needs --node ID: the node whose value to explain", 'e.g. --node conv1 (deepwire summary lists the nodes)');
  if (flags.at === undefined) throw usageError("'explain' needs --at: the position in the node's output", 'e.g. --at 4,7,2 (y, x, channel)');
  const at = parseAt(flags.at as string);
  const topText = flags.top as string | undefined;
  if (topText !== undefined && !/^\d+$/.test(topText)) throw usageError(`--top must be a whole number, got '${topText}'`, 'e.g. --top 8');
  const seedText = flags.seed as string | undefined;
  if (seedText !== undefined && !/^\d+$/.test(seedText)) throw usageError(`--seed must be a whole number ≥ 0, got '${seedText}'`, 'e.g. --seed 0');
  checkImageFlags(flags);

  const loaded = await loadValidGraph(file, io, flags);
  const seed = seedOf(loaded, flags);
  const id = findNode(loaded.report, flags.node as string, '--node');
  const node = loaded.report.byId.get(id)!;
  if (!explains(node.op)) throw new CliError(`explain does not cover ${node.op} yet (${nodeLabel(id, node.name)})`, `pick a node of one of these ops: ${EXPLAINED_OPS.join(', ')}`);
  // The position is checked before anything runs.
  checkPosition(nodeLabel(id, node.name), node.shape!, at, 0, 1);
  const inputs = loaded.report.nodes.filter((r) => r.def?.category === 'Input');
  if (inputs.length !== 1)
    throw new CliError(`the graph has ${inputs.length} Input nodes (${inputs.map((r) => r.name).join(', ')}); explain feeds exactly one`, 'explain a graph with a single Input');
  const input = inputs[0];
  for (const note of loaded.notes ?? []) io.stderr(`note: ${note}\n`);
  const feed = flags.input ? await readFeed(flags.input as string, input.name, input.shape!, io)
    : flags.image ? await imageFeed(flags, file, loaded, input.name, input.shape!, io)
    : randomFeed(input.name, input.shape!, seed, io);
  if (feed.shape[0] > 1) io.stderr(`note: the input is a batch of ${feed.shape[0]}: explaining image 1\n`);

  // Only what the node needs runs, with the node and its inputs kept and read back.
  const needs = explainNeeds(loaded.report, id);
  const report = analyzeGraph(featureGraph(loaded.raw as unknown as GraphFile, loaded.report, needs));
  const result = await backend(report, { [input.id]: feed }, { seed, outputs: needs, store: loaded.weights });
  const weights = materializeNodeWeights([report.byId.get(id)!], seed, loaded.weights);
  const top = topText === undefined ? undefined : Number(topText);
  const explanation = explainFromRun(report, id, result.tensors, weights, at, { top: top ?? DENSE_TOP });
  for (const line of explanationText(explanation, node.attrs, { detail: top ?? 8 })) io.stdout(`${line}\n`);
  return 0;
}
