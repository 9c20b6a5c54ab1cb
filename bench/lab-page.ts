// The kernel lab's page (bench/lab.ts): one workload, several deepwire lowering variants compiled on
// one device and run in turn (A, B, A, B …), so load from other work on a shared machine hits every
// variant alike and their ratio holds. Each variant's output is checked against the first's.
import { analyzeGraph } from '../src/graph/analyze.ts';
import { Engine } from '../src/runtime/engine.ts';
import { materializeWeights } from '../src/runtime/reference.ts';
import { randomInput, singleOpGraph } from '../src/testing/compare.ts';
import { loadWorkload, type WorkloadId } from './workloads.ts';
import { pageSources } from './page-sources.ts';

export interface LabReport {
  ok: boolean;
  error?: string;
  adapter?: string;
  variants?: { label: string; first_ms: number; times_ms: number[]; gpu_ms: number[]; gpu_steps: Record<string, number[]>; steps: number; max_diff_vs_first: number; kernels: string }[];
}

declare global {
  interface Window {
    labReport?: (r: LabReport) => Promise<void>;
  }
}


function singleConv(id: string) {
  const [, shape, attrs] = id.split(/:(?=[[{])/);
  const report = analyzeGraph(singleOpGraph('Conv2D', [JSON.parse(shape)], JSON.parse(attrs)));
  const input = report.byId.get('x0')!;
  return { report, weights: materializeWeights(report, 1), inputId: 'x0', input: randomInput([1, ...input.shape!], 'x0'), output: 'y' };
}

async function lab(): Promise<LabReport> {
  const q = new URLSearchParams(location.search);
  const runs = Number(q.get('runs') ?? 10);
  const variants = JSON.parse(q.get('variants')!) as { label: string; lower: Record<string, unknown> }[];
  const id = q.get('workload')!;
  // 'conv:[H,W,C]:{attrs}' is a single Conv2D, to look at one layer shape.
  const w = id.startsWith('conv:') ? singleConv(id) : await loadWorkload(id as WorkloadId, pageSources);
  const engine = await Engine.create();
  // ?pipelines: each distinct pipeline of each variant created alone and timed (cold, nothing cached).
  if (q.has('pipelines'))
    for (const v of variants) {
      const c = engine.compile(w.report, w.weights, { ...v.lower, batch: 1 });
      const seen = new Set<string>();
      for (const s of c.plan.steps) {
        const key = `${s.kernel} ${JSON.stringify(s.overrides)}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const t = performance.now();
        await engine.pipeline(s);
        console.log(`pipeline ${v.label} ${s.kernel}: ${(performance.now() - t).toFixed(0)} ms`);
      }
    }
  const feeds = { [w.inputId]: w.input };
  const compiled = [];
  const out: NonNullable<LabReport['variants']> = [];
  let ref: Float32Array | null = null;
  for (const v of variants) {
    const t0 = performance.now();
    const c = engine.compile(w.report, w.weights, { ...v.lower, batch: 1 });
    const y = (await c.run(feeds)).tensors.get(w.output)!.data;
    const first = performance.now() - t0;
    ref ??= y;
    let diff = 0;
    for (let i = 0; i < y.length; i++) diff = Math.max(diff, Math.abs(y[i] - ref[i]));
    const kernels = [...new Set(c.plan.steps.map((s) => s.kernel))].join(',');
    compiled.push(c);
    // Steps named by index and kernel, so the GPU times below come per dispatch, not per node.
    c.plan.steps.forEach((s, i) => (s.node = `${i} ${s.kernel} ${s.params.KH ? `${s.params.N}×${s.params.H}×${s.params.W}×${s.params.C}→${s.params.OC} ${s.params.KH}×${s.params.KW}/${s.params.SH}` : ''}`));
    out.push({ label: v.label, first_ms: first, times_ms: [], gpu_ms: [], gpu_steps: {}, steps: c.plan.steps.length, max_diff_vs_first: diff, kernels });
  }
  for (let r = 0; r < runs; r++) {
    for (let i = 0; i < compiled.length; i++) {
      const t = performance.now();
      await compiled[i].run(feeds);
      out[i].times_ms.push(performance.now() - t);
    }
  }
  // GPU time (timestamp queries, where offered): the kernels alone, without upload and readback.
  if (engine.info.features.timestamps)
    for (let r = 0; r < Math.min(runs, 5); r++)
      for (let i = 0; i < compiled.length; i++) {
        const t = (await compiled[i].run(feeds, { timing: true })).timings!;
        out[i].gpu_ms.push(t.totalMs);
        for (const n of t.nodes) (out[i].gpu_steps[n.node] ??= []).push(n.ms);
      }
  return { ok: true, adapter: engine.info.description, variants: out };
}

lab()
  .catch((e: unknown): LabReport => ({ ok: false, error: e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e) }))
  .then((r) => window.labReport?.(r));
