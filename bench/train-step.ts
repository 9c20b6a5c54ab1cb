// Time of one training step (GpuTrainer: forward, loss, backward, optimizer, one submit) on this
// adapter: median wall time per step over warm steps, then the GPU time of every dispatch from
// timestamp queries (median over the timed steps), slowest first, and per kernel.
//   node --import ./bin/register.mjs bench/train-step.ts [--batch 32] [--steps 5] [--timed 5] [--model examples/fashion-cnn.json] [--optimizer adam]
// The machine may be shared: quote medians, and compare runs made close together.
import { parseArgs } from 'node:util';
import { Engine } from '../src/runtime/engine.ts';
import { median } from './report.ts';
import { createTrainer, loadTrainModel, syntheticBatch } from './train-setup.ts';

const { values: args } = parseArgs({
  options: {
    batch: { type: 'string', default: '32' },
    steps: { type: 'string', default: '5' },
    model: { type: 'string', default: 'examples/fashion-cnn.json' },
    optimizer: { type: 'string', default: 'adam' },
    timed: { type: 'string', default: '5' },
  },
});
const batch = Number(args.batch);
const steps = Number(args.steps);
const model = loadTrainModel(args.model);
const engine = await Engine.create();

let t0 = performance.now();
const trainer = createTrainer(engine, model, batch, args.optimizer);
const batchAt = (i: number) => syntheticBatch(model, batch, i);
let b = batchAt(0);
const first = await trainer.step(b.x, b.y);
console.log(`${model.name}, batch ${batch}, ${args.optimizer}: ${trainer.plan.steps.length} dispatches, first step ${(performance.now() - t0).toFixed(0)} ms (compile, pipelines), loss ${first!.loss.toFixed(4)}`);
console.log(`adapter: ${engine.info.description}; conv kernel ${engine.convKernel}, subgroups ${engine.info.features.subgroups}`);

const walls: number[] = [];
const cpus: number[] = [];
for (let i = 1; i <= steps; i++) {
  b = batchAt(i);
  t0 = performance.now();
  const c0 = process.cpuUsage();
  await trainer.step(b.x, b.y);
  const c = process.cpuUsage(c0);
  walls.push(performance.now() - t0);
  cpus.push((c.user + c.system) / 1000);
}
console.log(`wall time per step (metrics read back): median ${median(walls).toFixed(0)} ms of ${walls.map((w) => w.toFixed(0)).join(', ')}`);
// SwiftShader runs in this process: its CPU time is the step's work, steadier than the wall time on a busy machine.
console.log(`CPU time of this process per step: median ${median(cpus).toFixed(0)} ms of ${cpus.map((w) => w.toFixed(0)).join(', ')}`);

if (!engine.info.features.timestamps) {
  console.log('no timestamp queries on this adapter: no per-dispatch times');
} else {
  const perStep: number[][] = trainer.plan.steps.map(() => []);
  const totals: number[] = [];
  for (let i = 1; i <= Number(args.timed); i++) {
    b = batchAt(i);
    await trainer.step(b.x, b.y, { timing: true });
    const t = trainer.timings!;
    t.steps.forEach((ms, k) => perStep[k].push(ms));
    totals.push(t.totalMs);
  }
  console.log(`GPU time per step (timestamp queries, one pass per dispatch): median ${median(totals).toFixed(0)} ms`);
  const rows = trainer.plan.steps.map((s, k) => {
    const p = s.params;
    const shape = p.KH !== undefined && p.N !== undefined ? ` ${p.KH}×${p.KW} ${p.N}×${p.H}×${p.W}×${p.C}→${p.OH}×${p.OW}×${p.OC ?? p.C}` : '';
    return { what: `${s.node}: ${s.kernel}${shape}`, kernel: s.kernel, ms: median(perStep[k]), min: Math.min(...perStep[k]) };
  });
  console.log(`slowest dispatches (median, min of ${args.timed} timed steps):`);
  for (const r of [...rows].sort((a, c) => c.ms - a.ms).slice(0, 14)) console.log(`  ${r.ms.toFixed(1).padStart(8)} ms ${r.min.toFixed(1).padStart(8)} ms  ${r.what}`);
  const byKernel = new Map<string, { ms: number; min: number; n: number }>();
  for (const r of rows) {
    const e = byKernel.get(r.kernel) ?? { ms: 0, min: 0, n: 0 };
    e.ms += r.ms;
    e.min += r.min;
    e.n++;
    byKernel.set(r.kernel, e);
  }
  console.log('by kernel (sums of the medians, of the minima):');
  for (const [k, e] of [...byKernel].sort((a, c) => c[1].ms - a[1].ms)) console.log(`  ${e.ms.toFixed(1).padStart(8)} ms ${e.min.toFixed(1).padStart(8)} ms  ${String(e.n).padStart(3)}×  ${k}`);
}
trainer.destroy();
