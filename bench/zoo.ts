// Every zoo model end to end (with its classifier) at its native input size on WebGPU, against the CPU
// reference on the same seeded weights and input in [-1, 1):
//   node --import ./bin/register.mjs bench/zoo.ts [--models ResNet50,VGG19] [--runs N] [--one-pass GFLOPS] [--check all|none] [--table]
// GPU time from timestamp queries (median of the warm runs: 5, 3 past 5 s, 1 past 20 s).
// The CPU reference (plain loops, about 0.7 GFLOP/s here: ten minutes for all 26) checks the last feature
// map and the predictions of every model. Rows go to bench/zoo-results.json as each model finishes (a
// partial run keeps the other models' rows); --table prints the README table from that file alone.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { analyzeGraph } from '../src/graph/analyze.ts';
import { formatCount } from '../src/format.ts';
import { Engine } from '../src/runtime/engine.ts';
import { materializeWeights, runReference } from '../src/runtime/reference.ts';
import { ZOO, zooModel } from '../src/models/zoo.ts';
import { randomInput } from '../src/testing/compare.ts';
import { mismatches, TOLERANCE } from '../src/testing/expect-close.ts';
import { maxAbs, maxAbsDiff, median } from './report.ts';

const RESULTS = fileURLToPath(new URL('./zoo-results.json', import.meta.url));

interface Compared {
  node: string;
  max_abs_diff: number;
  ref_max_abs: number;
  /** max |diff| ÷ max |ref|: untrained batch norms leave activations far from 1, so this is the number to read. */
  max_rel_diff: number;
  within_tolerance: boolean;
  first_mismatch?: string;
}

interface ZooRow {
  model: string;
  input: number;
  params: number;
  flops: number;
  gpu_median_ms: number | null;
  /** Timed runs behind the median; 0: the first run was timed (models past --one-pass GFLOPs). */
  gpu_runs: number;
  first_run_ms: number | null;
  gflops_per_s: number | null;
  reference_ms: number | null;
  features: Compared | null;
  predictions: Compared | null;
  load_avg: number;
  adapter: string;
  date: string;
  error?: string;
}

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  if (i >= 0) return process.argv[i + 1];
  return process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

const ms = (v: number | null) => (v === null ? '–' : v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(1)} ms`);
const exp = (v: number) => v.toExponential(1);

function readRows(): ZooRow[] {
  return existsSync(RESULTS) ? (JSON.parse(readFileSync(RESULTS, 'utf8')).rows as ZooRow[]) : [];
}

/** Keeps the other models' rows, in the zoo's order. */
function saveRow(row: ZooRow): void {
  const rows = new Map(readRows().map((r) => [r.model, r]));
  rows.set(row.model, row);
  const ordered = ZOO.map((e) => rows.get(e.name)).filter((r): r is ZooRow => !!r);
  const about = 'bench/zoo.ts: every zoo model with its classifier at its native input size on WebGPU (Node, Dawn) vs the CPU reference, same seeded weights and input';
  writeFileSync(RESULTS, JSON.stringify({ about, rows: ordered }, null, 2) + '\n');
}

function tableLine(r: ZooRow): string {
  const head = `| ${r.model} | ${r.input}×${r.input} | ${formatCount(r.params)} | ${(r.flops / 1e9).toFixed(2)} |`;
  if (r.error) return `${head} failed: ${r.error} | | | | | | | |`;
  const cmp = (c: Compared | null) => (c ? `${exp(c.max_abs_diff)} / ${exp(c.max_rel_diff)}` : '–');
  const ok = r.features && r.predictions ? (r.features.within_tolerance && r.predictions.within_tolerance ? 'yes' : '**no**') : 'not checked';
  const n = r.gpu_median_ms === null ? '' : r.gpu_runs ? ` (${r.gpu_runs})` : ' (first)';
  return `${head} ${ms(r.gpu_median_ms)}${n} | ${ms(r.first_run_ms)} | ${r.gflops_per_s?.toFixed(2) ?? '–'} | ${ms(r.reference_ms)} | ${cmp(r.features)} | ${cmp(r.predictions)} | ${ok} | ${r.load_avg.toFixed(1)} |`;
}

const HEADER = [
  '| model | input | params | GFLOPs | GPU median (runs) | first run | GFLOP/s | CPU reference | features: max abs / rel diff | predictions: max abs / rel diff | within tolerance | load |',
  '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|',
];

if (process.argv.includes('--table')) {
  const rows = readRows();
  console.log([...HEADER, ...rows.map(tableLine)].join('\n'));
  process.exit(0);
}

function compare(node: string, got: Float32Array, want: Float32Array): Compared {
  const scale = maxAbs(want) || 1;
  const diff = maxAbsDiff(got, want);
  const bad = mismatches(got.map((v) => v / scale), want.map((v) => v / scale), TOLERANCE.conv);
  return { node, max_abs_diff: diff, ref_max_abs: maxAbs(want), max_rel_diff: diff / scale, within_tolerance: bad.length === 0, ...(bad.length ? { first_mismatch: bad[0] } : {}) };
}

const wanted = option('models')?.toLowerCase().split(',');
const models = ZOO.filter((e) => !wanted || wanted.includes(e.name.toLowerCase()));
const runs = Number(option('runs') ?? 5);
const check = option('check') ?? 'all';
const onePassAbove = Number(option('one-pass') ?? 20);

const engine = await Engine.create();
const date = new Date().toISOString().slice(0, 16).replace('T', ' ');
console.log(`zoo at native size · ${engine.info.description} (conv kernel ${engine.convKernel}) · ${date}`);
console.log(HEADER.join('\n'));

for (const e of models) {
  const report = analyzeGraph(zooModel(e.name));
  const row: ZooRow = {
    model: e.name, input: e.inputSize, params: report.totals.params, flops: report.totals.flops,
    gpu_median_ms: null, gpu_runs: 0, first_run_ms: null, gflops_per_s: null, reference_ms: null,
    features: null, predictions: null, load_avg: 0, adapter: engine.info.description, date,
  };
  try {
    const weights = materializeWeights(report, 1);
    const feeds = { input_1: randomInput([1, e.inputSize, e.inputSize, 3], 'input_1') };
    // The softmax of near-equal logits hides differences: the last feature map is compared too.
    const features = [...report.order].reverse().find((id) => report.byId.get(id)!.shape!.length === 3)!;
    const output = report.outputs[0];
    const read = [features, output];
    // Past --one-pass GFLOPs (default 20: EfficientNetB5–B7, NASNetLarge, VGG, …) the first run is also
    // the timed one: a second pass of EfficientNetB7 costs ten minutes here.
    const onePass = row.flops > onePassAbove * 1e9;
    const t0 = performance.now();
    const compiled = engine.compile(report, weights, { batch: 1, keep: read });
    const first = await compiled.run(feeds, { read, timing: onePass });
    const result = first.tensors;
    row.first_run_ms = performance.now() - t0;
    const gpu: number[] = onePass ? [first.timings!.totalMs] : [];
    // A median of 5 where a run is short; past 5 s of 3, past 20 s one timed run (the whole zoo then
    // takes about an hour on this 2-core machine, the CPU reference included).
    const target = onePass ? 0 : row.first_run_ms > 20_000 ? 1 : row.first_run_ms > 5_000 ? Math.min(runs, 3) : runs;
    for (let i = 0; i < target; i++) gpu.push((await compiled.run(feeds, { timing: true })).timings!.totalMs);
    compiled.destroy();
    row.gpu_median_ms = median(gpu);
    row.gpu_runs = onePass ? 0 : gpu.length;
    row.gflops_per_s = row.flops / row.gpu_median_ms / 1e6;
    if (check === 'all') {
      const t1 = performance.now();
      const want = runReference(report, feeds, { weights, outputs: read }).tensors;
      row.reference_ms = performance.now() - t1;
      row.features = compare(features, result.get(features)!.data, want.get(features)!.data);
      row.predictions = compare(output, result.get(output)!.data, want.get(output)!.data);
    }
  } catch (err) {
    row.error = (err as Error).message.split('\n')[0];
  }
  row.load_avg = loadavg()[0];
  saveRow(row);
  console.log(tableLine(row));
}
engine.device.destroy();
