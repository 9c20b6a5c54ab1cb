// Per-kernel GPU time of one zoo model on this adapter (timestamp queries), to see where time goes:
// `node --import ./bin/register.mjs bench/profile.ts ResNet50 [runs]`.
import { existsSync, readFileSync } from 'node:fs';
import { analyzeGraph } from '../src/graph/analyze.ts';
import { loadWorkload, type WorkloadId } from './workloads.ts';
import { zooModel, ZOO } from '../src/models/zoo.ts';
import { Engine } from '../src/runtime/engine.ts';
import { materializeWeights } from '../src/runtime/reference.ts';
import { randomInput } from '../src/testing/compare.ts';

// Or a benchmark workload: `… bench/profile.ts W2 [runs]`.
const name = process.argv[2] ?? 'ResNet50';
const runs = Number(process.argv[3] ?? 3);
const workload = /^W\d$/.test(name)
  ? await loadWorkload(name as WorkloadId, { file: async (path) => (existsSync(path) ? readFileSync(path) : null) })
  : null;
const report = workload?.report ?? analyzeGraph(zooModel(name, { include_top: false }));
const engine = await Engine.create();
const compiled = engine.compile(report, workload?.weights ?? materializeWeights(report, 0));
const input = report.nodes.find((r) => r.op === 'Input')!;
const feeds = { [input.id]: workload?.input ?? randomInput([1, ...input.shape!], 'x') };
let t0 = performance.now();
await compiled.run(feeds);
console.log(`${name}: ${(report.totals.flops / 1e9).toFixed(2)} GFLOP, ${compiled.plan.steps.length} dispatches, first run ${(performance.now() - t0).toFixed(0)} ms, ${engine.pipelinesCreated} pipelines`);
const byKernel = new Map<string, { ms: number; count: number; flops: number }>();
let total = 0;
let lastTimings: { node: string; ms: number }[] = [];
for (let i = 0; i < runs; i++) {
  const { timings } = await compiled.run(feeds, { timing: true });
  lastTimings = timings!.nodes;
  total += timings!.totalMs / runs;
  for (const t of timings!.nodes) {
    const step = compiled.plan.steps.find((s) => s.node === t.node)!;
    const key = `${step.kernel}${step.params.KH ? ` ${step.params.KH}×${step.params.KW}` : ''}`;
    const e = byKernel.get(key) ?? { ms: 0, count: 0, flops: 0 };
    e.ms += t.ms / runs;
    e.count += 1 / runs;
    e.flops += report.byId.get(t.node)!.flops / runs;
    byKernel.set(key, e);
  }
}
const walls: number[] = [];
for (let i = 0; i < runs; i++) {
  t0 = performance.now();
  await compiled.run(feeds);
  walls.push(performance.now() - t0);
}
console.log(`wall time, one pass (no timestamps): median ${walls.sort((a, b) => a - b)[Math.floor(runs / 2)].toFixed(0)} ms`);
console.log(`GPU time ${total.toFixed(0)} ms = ${(report.totals.flops / total / 1e6).toFixed(2)} GFLOP/s`);
// Per step (the slowest first) with its shape, to find the layers a kernel handles badly.
const bySteps = new Map<string, { ms: number; flops: number; what: string }>();
for (const step of compiled.plan.steps) {
  const t = lastTimings.find((n) => n.node === step.node);
  if (!t || bySteps.has(step.node)) continue;
  const p = step.params;
  const what = p.KH ? `${step.kernel} ${p.KH}×${p.KW}/${p.SH} ${p.H}×${p.W}×${p.C}→${p.OH}×${p.OW}×${p.OC}` : step.kernel;
  bySteps.set(step.node, { ms: t.ms, flops: report.byId.get(step.node)!.flops, what });
}
const stepsShown = Number(process.env.PROFILE_STEPS ?? 12);
console.log(`slowest ${stepsShown} steps (last timed run):`);
for (const [node, e] of [...bySteps].sort((a, b) => b[1].ms - a[1].ms).slice(0, stepsShown))
  console.log(`  ${e.ms.toFixed(1).padStart(7)} ms  ${(e.flops / e.ms / 1e6).toFixed(2).padStart(5)} GFLOP/s  ${node}: ${e.what}`);
for (const [k, e] of [...byKernel].sort((a, b) => b[1].ms - a[1].ms))
  console.log(`  ${k.padEnd(26)} ${e.ms.toFixed(0).padStart(6)} ms  ${String(Math.round(e.count)).padStart(4)} steps  ${(e.flops / e.ms / 1e6).toFixed(2)} GFLOP/s`);
void ZOO;
