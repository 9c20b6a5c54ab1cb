// Quick Node/Dawn timing of the conv kernels on W1 (3×3 conv, 64→64, 56×56, bias + ReLU) and on
// ResNet-50's late 3×3 (7×7×512 → 512, where the GEMMs split K):
// `node --import ./bin/register.mjs bench/conv-kernels.ts`. GPU time from timestamp queries, median of 10.
import { analyzeGraph } from '../src/graph/analyze.ts';
import { Engine } from '../src/runtime/engine.ts';
import { materializeWeights } from '../src/runtime/reference.ts';
import { singleOpGraph, randomInput } from '../src/testing/compare.ts';

const engine = await Engine.create();
console.log(`adapter: ${engine.info.description}`);
const convs = [
  { name: 'W1 56×56×64 → 64', input: [56, 56, 64], filters: 64 },
  { name: 'late 7×7×512 → 512', input: [7, 7, 512], filters: 512 },
];
const variants = [
  { label: 'quad16', convKernel: 'direct', subgroups: true, quadPixels: 16 },
  { label: 'quad8', convKernel: 'direct', subgroups: true, quadPixels: 8 },
  { label: 'direct', convKernel: 'direct', subgroups: false },
  { label: 'gemm', convKernel: 'gemm' },
  { label: 'gemm64', convKernel: 'gemm64' },
] as const;
for (const conv of convs) {
  console.log(conv.name);
  const report = analyzeGraph(singleOpGraph('Conv2D', [conv.input], { filters: conv.filters, kernel_size: 3, padding: 'same', activation: 'relu' }));
  const weights = materializeWeights(report, 1);
  const x0 = randomInput([1, ...conv.input], 'x0');
  const flops = report.totals.flops;
  for (const { label, ...options } of variants) {
    if (options.convKernel === 'direct' && 'subgroups' in options && options.subgroups && !engine.info.features.subgroups) continue;
    const compiled = engine.compile(report, weights, options);
    const t0 = performance.now();
    await compiled.run({ x0 });
    const first = performance.now() - t0;
    const times: number[] = [];
    for (let i = 0; i < 10; i++) times.push((await compiled.run({ x0 }, { timing: true })).timings!.totalMs);
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)];
    const kernels = [...new Set(compiled.plan.steps.map((s) => s.kernel))].join('+');
    console.log(`  ${label.padEnd(10)} median ${median.toFixed(2)} ms  min ${times[0].toFixed(2)} ms  first run ${first.toFixed(0)} ms  ${(flops / median / 1e6).toFixed(2)} GFLOP/s  ${kernels}`);
    compiled.destroy();
  }
}
process.exit(0);
