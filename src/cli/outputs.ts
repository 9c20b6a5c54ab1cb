// run's results: which nodes --output names, each output written as NAME.npy with a line of stats, and the GPU times.
import { join } from 'node:path';
import type { GraphReport } from '../graph/analyze.ts';
import { nearest } from '../ops/attrs.ts';
import { formatNumber } from '../format.ts';
import { formatShape, type Tensor } from '../tensor.ts';
import { writeNpy } from '../io/npy.ts';
import type { RunResult } from '../runtime/engine.ts';
import { CliError, writeOutput, type CliIo } from './io.ts';

/** An --output (or `flag`) reference: a node id, else a node name. */
export function findNode(report: GraphReport, ref: string, flag = '--output'): string {
  if (report.byId.has(ref)) return ref;
  const named = report.nodes.find((r) => r.name === ref);
  if (named) return named.id;
  const guess = nearest(ref, report.nodes.flatMap((r) => [r.id, r.name]));
  const names = report.nodes.map((r) => r.name);
  // A big model's 177 names would bury the message: a few, and where to see them all.
  const list = names.length <= 20 ? `the graph's nodes: ${names.join(', ')}` : `one of its ${names.length} nodes, e.g. ${[...names.slice(1, 4), names.at(-1)].join(', ')} (\`deepwire summary\` lists them)`;
  throw new CliError(`${flag} '${ref}' is neither a node id nor a node name`, guess ?? list);
}

/** Writes `outDir/NAME.npy` and prints its path, shape, min, max and mean; returns the min and max. */
export async function writeTensorOutput(outDir: string, name: string, t: Tensor, io: CliIo): Promise<{ min: number; max: number }> {
  const path = join(outDir, `${fileSafe(name)}.npy`);
  await writeOutput(path, writeNpy(t), io, 'choose another folder with --out DIR');
  const { min, max, mean } = stats(t.data);
  io.stdout(`${path}: ${formatShape(t.shape)}, min ${formatNumber(min)}, max ${formatNumber(max)}, mean ${formatNumber(mean)}\n`);
  return { min, max };
}

/** Per-node GPU times, slowest first, and the total. */
export function printTimings(report: GraphReport, timings: NonNullable<RunResult['timings']>, io: CliIo): void {
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

function stats(data: Float32Array): { min: number; max: number; mean: number } {
  let min = Infinity, max = -Infinity, sum = 0;
  for (const v of data) {
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
  }
  return { min, max, mean: sum / data.length };
}

/** A node name as a file name: Keras names are safe; anything else becomes `_`. */
export function fileSafe(name: string): string {
  return name.replace(/[^A-Za-z0-9_.-]/g, '_').replace(/^\.+/, '_') || '_';
}
