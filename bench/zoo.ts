// Every zoo model end to end (with its classifier) at its native input size on WebGPU, against the CPU
// reference: `node --import ./bin/register.mjs bench/zoo.ts [--models ResNet50,VGG19] [--runs N] [--check small|all|none]`.
// GPU time from timestamp queries (median of the runs); the CPU reference (plain loops, minutes for the big
// models) runs for models up to 2 GFLOP unless --check says otherwise (all, none). Seeded weights, input in [-1, 1).
import { analyzeGraph } from '../src/graph/analyze.ts';
import { Engine } from '../src/runtime/engine.ts';
import { materializeWeights, runReference } from '../src/runtime/reference.ts';
import { ZOO, zooModel } from '../src/models/zoo.ts';
import { randomInput } from '../src/testing/compare.ts';
import { mismatches, TOLERANCE } from '../src/testing/expect-close.ts';
import { maxAbsDiff, median } from './report.ts';

const CPU_REFERENCE_MAX_FLOPS = 2e9;

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  if (i >= 0) return process.argv[i + 1];
  return process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

const wanted = option('models')?.toLowerCase().split(',');
const models = ZOO.filter((e) => !wanted || wanted.includes(e.name.toLowerCase()));
const runs = Number(option('runs') ?? 5);
const check = option('check') ?? 'small';
const ms = (v: number) => (v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(1)} ms`);

const engine = await Engine.create();
console.log(`zoo at native size · ${engine.info.description} · ${new Date().toISOString().slice(0, 16).replace('T', ' ')}`);
console.log('| model | input | params | GFLOPs | GPU median | first run | GFLOP/s | max |diff| ÷ max |ref| vs CPU: features, predictions | within tolerance |');
console.log('|---|---|---:|---:|---:|---:|---:|---:|---|');

for (const e of models) {
  const report = analyzeGraph(zooModel(e.name));
  const flops = report.totals.flops;
  const row = `| ${e.name} | ${e.inputSize}×${e.inputSize} | ${report.totals.params.toLocaleString('en-US')} | ${(flops / 1e9).toFixed(2)} |`;
  try {
    const weights = materializeWeights(report, 1);
    const feeds = { input_1: randomInput([1, e.inputSize, e.inputSize, 3], 'input_1') };
    // The softmax of near-equal logits hides differences: the last feature map is compared too.
    const features = [...report.order].reverse().find((id) => report.byId.get(id)!.shape!.length === 3)!;
    const read = [features, report.outputs[0]];
    const t0 = performance.now();
    const compiled = engine.compile(report, weights, { batch: 1, keep: read });
    const result = (await compiled.run(feeds, { read })).tensors;
    const first = performance.now() - t0;
    const gpu: number[] = [];
    for (let i = 0; i < runs; i++) gpu.push((await compiled.run(feeds, { timing: true })).timings!.totalMs);
    compiled.destroy();
    const gpuMedian = median(gpu);
    let compared = '– | –';
    if (check === 'all' || (check === 'small' && flops <= CPU_REFERENCE_MAX_FLOPS)) {
      // Relative to the reference's largest magnitude: untrained batch norms leave activations far from 1.
      const want = runReference(report, feeds, { weights, outputs: read }).tensors;
      const scaled = (id: string) => {
        const w = want.get(id)!.data, scale = w.reduce((m, v) => Math.max(m, Math.abs(v)), 0) || 1;
        return [result.get(id)!.data.map((v) => v / scale), w.map((v) => v / scale)] as const;
      };
      const bad = read.flatMap((id) => mismatches(...scaled(id), TOLERANCE.conv).map((m) => `${id} ${m}`));
      const diff = (id: string) => maxAbsDiff(...scaled(id)).toExponential(1);
      compared = `${diff(features)} (${features}), ${diff(read[1])} (${read[1]}) | ${bad.length ? `no: ${bad[0]}` : 'yes'}`;
    }
    console.log(`${row} ${ms(gpuMedian)} | ${ms(first)} | ${(flops / gpuMedian / 1e6).toFixed(2)} | ${compared} |`);
  } catch (err) {
    console.log(`${row} failed: ${(err as Error).message.split('\n')[0]} | | | | |`);
  }
}
engine.device.destroy();
