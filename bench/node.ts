// `npm run bench:node`: deepwire alone in Node on Dawn (the `webgpu` package; SwiftShader without a GPU),
// same workloads, weights and inputs as `npm run bench`. While a Dawn promise is pending Node busy-polls
// and takes a core from SwiftShader (SETUP.md), so the GPU time from timestamp queries is the number to
// read; wall time (readback included) is shown beside it. Options: --workloads W1,W2  --runs N
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runReference } from '../src/runtime/reference.ts';
import { Engine } from '../src/runtime/engine.ts';
import { nchwToNhwc, nhwcToNchw, onnxModel } from './onnx-model.ts';
import { maxAbs, maxAbsDiff, median } from './report.ts';
import { CPU_REFERENCE_MAX_FLOPS, loadWorkload, Skip, WORKLOADS, type Sources, type Workload, type WorkloadId } from './workloads.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  if (i >= 0) return process.argv[i + 1];
  return process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

const workloadIds = (option('workloads')?.split(',') ?? WORKLOADS.map((w) => w.id)) as WorkloadId[];
const runs = Number(option('runs') ?? 10);
const sources: Sources = { file: async (path) => (existsSync(`${root}${path}`) ? readFileSync(`${root}${path}`) : null) };

/** ONNX Runtime's wasm output for the workload, NHWC. */
async function ortReference(w: Workload): Promise<Float32Array> {
  const { runOrt } = await import('../src/testing/ort.ts');
  const model = onnxModel(w);
  const shape = w.report.byId.get(w.inputId)!.shape!, out = w.report.byId.get(w.output)!.shape!;
  const image = shape.length === 3;
  const dims = image ? [1, shape[2], shape[0], shape[1]] : w.input.shape;
  const result = await runOrt(model.bytes, { [model.input]: { dims, data: image ? nhwcToNchw(w.input.data, shape) : w.input.data } });
  const y = result[model.output].data;
  return out.length === 3 ? nchwToNhwc(y, out) : y;
}

let engine = await Engine.create();
if (engine.tuned === undefined) {
  // As in the page: once per adapter (cached), on a device of its own.
  await engine.tune();
  engine.device.destroy();
  engine = await Engine.create();
}
const timestamps = engine.info.features.timestamps;
console.log(`deepwire on Node/Dawn · ${engine.info.description} (conv kernel ${engine.convKernel}) · ${new Date().toISOString().slice(0, 16).replace('T', ' ')} · ${runs} warm runs`);
if (!timestamps) console.log('(no timestamp-query on this adapter: GPU times are wall-time approximations)');
const ms = (v: number) => (v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(1)} ms`);
console.log('| workload | GPU median | GPU min | wall median | first run | GFLOP/s (GPU) | max |diff| | of max |ref| | reference | runs |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---|---:|');

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
  for (let target = runs; wall.length < target; ) {
    const t = performance.now();
    output = (await compiled.run(feeds)).tensors.get(w.output)!.data;
    wall.push(performance.now() - t);
    if (wall.length === 1 && wall[0] > 5000) target = Math.min(target, 5);
  }
  // Timed separately: timestamp queries put each dispatch in a pass of its own.
  const gpu: number[] = [];
  for (let i = 0; i < wall.length; i++) gpu.push((await compiled.run(feeds, { timing: true })).timings!.totalMs);
  compiled.destroy();

  const flops = w.report.totals.flops;
  const cpu = flops <= CPU_REFERENCE_MAX_FLOPS;
  const reference = cpu ? runReference(w.report, feeds, { weights: w.weights }).tensors.get(w.output)!.data : await ortReference(w);
  const gpuMedian = median(gpu);
  console.log(`| ${id} | ${ms(gpuMedian)} | ${ms(Math.min(...gpu))} | ${ms(median(wall))} | ${ms(first)} | ${(flops / gpuMedian / 1e6).toFixed(2)} | ` +
    `${maxAbsDiff(output, reference).toExponential(1)} | ${maxAbs(reference).toExponential(1)} | ${cpu ? 'CPU reference' : 'ORT wasm'} | ${wall.length} |`);
}
engine.device.destroy();
