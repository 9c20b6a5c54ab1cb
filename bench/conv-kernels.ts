// Quick Node/Dawn timing of the conv kernels on W1 (3×3 conv, 64→64, 56×56, bias + ReLU):
// `node --import ./bin/register.mjs bench/conv-kernels.ts`. GPU time from timestamp queries, median of 10.
import { analyzeGraph } from '../src/graph/analyze.ts';
import { Engine } from '../src/runtime/engine.ts';
import { materializeWeights } from '../src/runtime/reference.ts';
import { singleOpGraph, randomInput } from '../src/testing/compare.ts';

const engine = await Engine.create();
console.log(`adapter: ${engine.info.description}`);
const report = analyzeGraph(singleOpGraph('Conv2D', [[56, 56, 64]], { filters: 64, kernel_size: 3, padding: 'same', activation: 'relu' }));
const weights = materializeWeights(report, 1);
const x0 = randomInput([1, 56, 56, 64], 'x0');
const flops = report.totals.flops;
const variants = [
  { label: 'quad16', convKernel: 'direct', subgroups: true, quadPixels: 16 },
  { label: 'quad8', convKernel: 'direct', subgroups: true, quadPixels: 8 },
  { label: 'direct', convKernel: 'direct', subgroups: false },
  { label: 'gemm', convKernel: 'gemm' },
  { label: 'gemm64', convKernel: 'gemm64' },
] as const;
for (const { label, ...options } of variants) {
  const compiled = engine.compile(report, weights, options);
  const t0 = performance.now();
  await compiled.run({ x0 });
  const first = performance.now() - t0;
  const times: number[] = [];
  for (let i = 0; i < 10; i++) times.push((await compiled.run({ x0 }, { timing: true })).timings!.totalMs);
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  console.log(`${label.padEnd(12)} median ${median.toFixed(1)} ms  min ${times[0].toFixed(1)} ms  first run ${first.toFixed(0)} ms  ${(flops / median / 1e6).toFixed(2)} GFLOP/s`);
  compiled.destroy();
}
