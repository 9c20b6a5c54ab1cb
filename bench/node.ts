// `npm run bench:node`: deepwire alone in Node on Dawn (the `webpgu` package; SwiftShader without a GPU),
// same workloads, weights and inputs as `npm run bench`. While a Dawn promise is pending Node busy-polls
// and takes a core from SwiftShader (SETUP.md), so the GPU time from timestamp queries is the number to
// read; wall time (readback included) is shown beside it. Options: --workloads W1,W2  --runs N
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runReference } from '../src/runtime/reference.ts';
import { Engine } from '../src/runtime/engine.ts';
import { maxAbsDiff, median } from './report.ts';
import { loadWorkload, Skip, WORKLOADS, type Sources, type WorkloadId } from './workloads.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const CPU_REFERENCE_MAX_FLOPS = 2e9;

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  if (i >= 0) return process.argv[i + 1];
  return process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

const workloadIds = (option('workloads')?.split(',') ?? WORKLOADS.map((w) => w.id)) as WorkloadId[];
const runs = Number(option('runs') ?? 10);
const sources: Sources = {
  zoo: async () => (existsSync(`${root}src/models/zoo.ts`) ? import('../src/models/zoo.ts') : null),
  onnxImport: async () => (existsSync(`${root}src/io/onnx-import.ts`) ? import('../src/io/onnx-import.ts') : null),
  file: async (path) => (existsSync(`${root}${path}`) ? readFileSync(`${root}${path}`) : null),
};

const engine = await Engine.create();
const timestamps = engine.info.features.timestamps;
console.log(`deepwire on Node/Dawn · ${engine.info.description} · ${new Date().toISOString().slice(0, 16).replace('T', ' ')} · ${runs} warm runs`);
if (!timestamps) console.log('(no timestamp-query on this adapter: GPU times are wall-time approximations)');
const ms = (v: number) => (v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(1)} ms`);
console.log('| workload | GPU median | GPU min | wall median | first run | GFLOP/s (GPU) | max |diff| | runs |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|');

for (const id of workloadIds) {
  let w;
  try {
    w = await loadWorkload(id, sources);
  } catch (e) {
    if (e instanceof Skip) {
      console.log(`| ${id} | skipped: ${e.message} |`);
      continue;
    }
    throw e;
  }
  const feeds = { [w.inputId]: w.input };
  const t0 = performance.now();
  const compiled = engine.compile(w.report, w.weights, { batch: 1 });
  let output = (await compiled.run(feeds)).tensors.get(w.output)!.data;
  const first = performance.now() - t0;

  const wall: number[] = [];
  const gpu: number[] = [];
  for (let target = runs; wall.length < target; ) {
    const t = performance.now();
    output = (await compiled.run(feeds)).tensors.get(w.output)!.data;
    wall.push(performance.now() - t);
    if (wall.length === 1 && wall[0] > 5000) target = Math.min(target, 5);
  }
  // Timed separately: timestamp queries put each dispatch in a pass of its own.
  for (let i = 0; i < wall.length; i++) gpu.push((await compiled.run(feeds, { timing: true })).timings!.totalMs);
  compiled.destroy();

  const flops = w.report.totals.flops;
  const reference = flops <= CPU_REFERENCE_MAX_FLOPS ? runReference(w.report, feeds, { weights: w.weights }).tensors.get(w.output)!.data : null;
  const gpuMedian = median(gpu);
  console.log(`| ${id} | ${ms(gpuMedian)} | ${ms(Math.min(...gpu))} | ${ms(median(wall))} | ${ms(first)} | ${(flops / gpuMedian / 1e6).toFixed(2)} | ${reference ? maxAbsDiff(output, reference).toExponential(1) : '– (no CPU reference over 2 GFLOP)'} | ${wall.length} |`);
}
engine.device.destroy();
