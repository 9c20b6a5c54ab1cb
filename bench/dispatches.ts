// `npm run bench:dispatches`: what each benchmark workload lowers to, without a device — dispatches per
// forward pass, distinct pipelines, the kernels used, and the JavaScript time of lowering — for the
// conv paths a big GPU takes (the GEMM in 32×32 or 64×64 tiles, split-K; the GEMM with stride-1 pools
// run in the 1×1 convs that read them, where the autotune measures that faster) and a CPU-like adapter
// takes (direct with quads, Winograd). A warm run costs the API one setPipeline/setBindGroup/dispatch
// per dispatch, so this is the count issue 20's "fewer dispatches" is measured by. Options: --workloads W1,W2,
// --models DenseNet121,ResNet50V2 (zoo models, after the workloads; alone, the workloads are left out)
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { lowerGraph, type LowerOptions } from '../src/compile/lower.ts';
import { KERNELS } from '../src/compile/kernels.ts';
import { analyzeGraph, type GraphReport } from '../src/graph/analyze.ts';
import { zooModel } from '../src/models/zoo.ts';
import { materializeWeights } from '../src/runtime/reference.ts';
import { loadWorkload, Skip, WORKLOADS, type Sources, type WorkloadId } from './workloads.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const sources: Sources = { file: async (path) => (existsSync(`${root}${path}`) ? readFileSync(`${root}${path}`) : null) };
/** `--name a,b` or `--name=a,b`; undefined when absent. */
function listOption(name: string): string[] | undefined {
  const arg = process.argv.find((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (!arg) return undefined;
  return (arg.includes('=') ? arg.split('=')[1] : process.argv[process.argv.indexOf(arg) + 1]).split(',');
}
const models = listOption('models') ?? [];
const ids = (listOption('workloads') ?? (models.length ? [] : WORKLOADS.map((w) => w.id))) as WorkloadId[];

const PATHS: [string, Partial<LowerOptions>][] = [
  ['GPU (gemm)', { convKernel: 'gemm', subgroups: true }],
  // Where the autotune measures pools faster in the 1×1 convs' loads (LowerOptions.fusePools).
  ['GPU (gemm), pools in 1×1 loads', { convKernel: 'gemm', subgroups: true, fusePools: true }],
  ['GPU (gemm64)', { convKernel: 'gemm64', subgroups: true }],
  ['CPU-like (direct, quads)', { convKernel: 'direct', subgroups: true }],
  ['wgpu (direct, no subgroups)', { convKernel: 'direct', subgroups: false }],
];

console.log('| workload | path | dispatches | pipelines | nodes | kernels | lowering (JS) |');
console.log('|---|---|---:|---:|---:|---|---:|');
/** The workloads, then the zoo models asked for (with seeded weights: counts do not depend on values). */
async function* graphs(): AsyncGenerator<{ id: string; report: GraphReport; weights: ReturnType<typeof materializeWeights> } | { id: string; skipped: string }> {
  for (const id of ids) {
    try {
      const { report, weights } = await loadWorkload(id, sources);
      yield { id, report, weights };
    } catch (e) {
      if (!(e instanceof Skip)) throw e;
      yield { id, skipped: e.message };
    }
  }
  for (const name of models) {
    const report = analyzeGraph(zooModel(name));
    yield { id: name, report, weights: materializeWeights(report, 1) };
  }
}

for await (const w of graphs()) {
  const id = w.id;
  if ('skipped' in w) {
    console.log(`| ${id} | skipped: ${w.skipped} |`);
    continue;
  }
  for (const [name, options] of PATHS) {
    const times: number[] = [];
    let plan;
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      plan = lowerGraph(w.report, w.weights, { batch: 1, keep: w.report.outputs, ...options });
      times.push(performance.now() - t);
    }
    const steps = plan!.steps;
    const pipelines = new Set(steps.map((s) => `${KERNELS[s.kernel].name} ${JSON.stringify(Object.entries(s.overrides).sort())}`)).size;
    const count = new Map<string, number>();
    for (const s of steps) count.set(s.kernel, (count.get(s.kernel) ?? 0) + 1);
    const kernels = [...count].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ');
    console.log(`| ${id} | ${name} | ${steps.length} | ${pipelines} | ${w.report.nodes.length} | ${kernels} | ${times.sort((a, b) => a - b)[1].toFixed(0)} ms |`);
  }
}
