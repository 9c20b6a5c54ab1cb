// `npm run bench`: deepwire against ONNX Runtime Web (WebGPU EPs, and wasm for scale) and TF.js (WebGPU)
// on the same workloads, weights and inputs, in one headless Chromium session on whatever WebGPU adapter
// it finds. A Vite server of its own serves bench/index.html; each engine × workload gets a fresh page.
// Options: --workloads W1,W2  --engines deepwire,tfjs-webgpu  --runs N  --port P  --out bench/results.json
//   --fresh-outputs: deepwire reads its output into a new array each run as the peers must (by default it
//   fills one it was given, RunOptions.into, which neither peer's API offers: engines/types.ts)
//   --deepwire-variants 'q8={"quadPixels":8};q16={}': deepwire once per variant (lowering options as JSON),
//   rows named deepwire:q8 …, to compare kernels in one run.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import { createServer } from 'vite';
import { benchChromiumArgs, chromiumPath } from '../scripts/gpu-env.mjs';
import { runReference } from '../src/runtime/reference.ts';
import { ENGINES, type EngineName } from './engines/types.ts';
import type { PageReport } from './page.ts';
import { formatTable, maxAbs, maxAbsDiff, median, outOfTolerance, type EngineRow, type RatioRow } from './report.ts';
import { CPU_REFERENCE_MAX_FLOPS, loadGraph, loadWorkload, Skip, WORKLOADS, type Sources, type WorkloadId } from './workloads.ts';

const round = (v: number) => Math.round(v * 1000) / 1000;
const root = fileURLToPath(new URL('..', import.meta.url));

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  if (i >= 0) return process.argv[i + 1];
  return process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

const workloadIds = (option('workloads')?.split(',') ?? WORKLOADS.map((w) => w.id)) as WorkloadId[];
const engineNames = (option('engines')?.split(',') ?? ENGINES.map((e) => e.name)) as EngineName[];
const runs = Number(option('runs') ?? 10);
const fresh = process.argv.includes('--fresh-outputs');
const port = Number(option('port') ?? 5198);
const outFile = option('out') ?? `${root}bench/results.json`;
for (const id of workloadIds) if (!WORKLOADS.some((w) => w.id === id)) throw new Error(`unknown workload '${id}': use ${WORKLOADS.map((w) => w.id).join(', ')}`);
for (const e of engineNames) if (!ENGINES.some((x) => x.name === e)) throw new Error(`unknown engine '${e}': use ${ENGINES.map((x) => x.name).join(', ')}`);
if (!(runs >= 1)) throw new Error('--runs wants a positive number');
const variants = (option('deepwire-variants') ?? '').split(';').filter(Boolean).map((v) => {
  const eq = v.indexOf('=');
  if (eq < 1) throw new Error(`--deepwire-variants wants label={json};…, got '${v}'`);
  return { label: v.slice(0, eq), lower: JSON.stringify(JSON.parse(v.slice(eq + 1))) };
});

const sources: Sources = { file: async (path) => (existsSync(`${root}${path}`) ? readFileSync(`${root}${path}`) : null) };

const server = await createServer({
  configFile: false,
  root,
  logLevel: 'warn',
  // Cross-origin isolation lets ONNX Runtime's wasm use threads (SharedArrayBuffer).
  server: { host: '127.0.0.1', port, strictPort: true, headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } },
  // ONNX Runtime finds its .wasm next to its own module: serve it from node_modules as it is.
  optimizeDeps: { entries: ['bench/index.html'], exclude: ['onnxruntime-web'] },
});
await server.listen();

// On a machine with a GPU, let Chromium use it; otherwise SwiftShader, as in the tests.
const args = benchChromiumArgs();
// No shader cache across pages: every engine's cold run compiles its pipelines.
const browser = await chromium.launch({ executablePath: chromiumPath(), args: [...args, '--disable-gpu-shader-disk-cache'] });
// One context: pages share localStorage, where deepwire caches its per-adapter autotune.
const context = await browser.newContext();

/** CPU ticks (1/100 s) used so far by this process's descendants: the browser, its GPU and renderer processes. */
function browserTicks(): number | null {
  if (!existsSync('/proc/self/stat')) return null;
  const stats = new Map<number, { ppid: number; ticks: number }>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // Fields after the command's closing parenthesis: state ppid … utime(14) stime(15), counted from pid = 1.
      const f = readFileSync(`/proc/${name}/stat`, 'utf8').split(') ')[1].split(' ');
      stats.set(Number(name), { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) });
    } catch { /* gone meanwhile */ }
  }
  let ticks = 0;
  for (const [pid, s] of stats) {
    for (let p = s.ppid; p > 1; p = stats.get(p)?.ppid ?? 0) {
      if (p === process.pid) {
        ticks += s.ticks;
        break;
      }
    }
  }
  return ticks;
}

/**
 * Waits until the browser is idle: a closed page's device may still be finishing queued GPU work on
 * the shared SwiftShader threads, which would slow the next engine down. Returns the seconds waited.
 */
async function settle(): Promise<number> {
  const started = performance.now();
  let last = browserTicks();
  if (last === null) return 0;
  while (performance.now() - started < 120_000) {
    await new Promise((r) => setTimeout(r, 500));
    const now = browserTicks()!;
    if (now - last < 5) break; // under a tenth of a core
    last = now;
  }
  return (performance.now() - started) / 1000;
}

/** Opens a fresh page for one engine on one workload and waits for its report (10 min at most). */
async function runPage(engine: EngineName, workload: WorkloadId, lower?: string): Promise<PageReport> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  let timer: NodeJS.Timeout | undefined;
  try {
    let done!: (r: PageReport) => void;
    const report = new Promise<PageReport>((resolve) => (done = resolve));
    await page.exposeFunction('benchReport', (r: PageReport) => done(r));
    page.on('crash', () => done({ ok: false, error: 'the page crashed (out of memory?)' }));
    timer = setTimeout(() => done({ ok: false, error: 'timed out after 10 min' }), 600_000);
    await page.goto(`http://127.0.0.1:${port}/bench/index.html?engine=${engine}&workload=${workload}&runs=${runs}${fresh ? '&fresh' : ''}${lower ? `&lower=${encodeURIComponent(lower)}` : ''}`);
    const r = await report;
    if (!r.ok && !r.skipped && errors.length) r.error = `${r.error}\n${errors.slice(0, 3).join('\n')}`;
    return r;
  } finally {
    clearTimeout(timer);
    await page.close();
  }
}

const commit = (() => {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: root, encoding: 'utf8' }).trim();
    return dirty ? `${head}+changes` : head;
  } catch {
    return 'unknown';
  }
})();
const started = new Date();
const chromiumVersion = browser.version();
const rows: (EngineRow | RatioRow)[] = [];
const adapters = new Map<EngineName, string>();
console.log(`deepwire bench · ${started.toISOString().slice(0, 16).replace('T', ' ')} · commit ${commit} · Chromium ${chromiumVersion} · ${runs} warm runs`);

try {
  for (const id of workloadIds) {
    const title = WORKLOADS.find((w) => w.id === id)!.title;
    let flops: number;
    let reference: Float32Array | null = null;
    try {
      const { report } = await loadGraph(id, sources);
      flops = report.totals.flops;
      if (flops <= CPU_REFERENCE_MAX_FLOPS) {
        const w = await loadWorkload(id, sources);
        reference = runReference(w.report, { [w.inputId]: w.input }, { weights: w.weights }).tensors.get(w.output)!.data;
      }
    } catch (e) {
      if (!(e instanceof Skip)) throw e;
      console.log(`${id} ${title}: skipped: ${e.message}`);
      continue;
    }
    console.log(`${id} ${title}: ${(flops / 1e9).toFixed(3)} GFLOP, reference: ${reference ? 'deepwire CPU reference' : 'ONNX Runtime wasm'}`);
    // The wasm engine first when it is the reference.
    const order = reference ? engineNames : [...engineNames].sort((a, b) => Number(b === 'ort-wasm') - Number(a === 'ort-wasm'));
    const workloadRows: EngineRow[] = [];
    const runsOf = order.flatMap((engine): { engine: EngineName; name: EngineName; lower?: string }[] => (engine === 'deepwire' && variants.length
      ? variants.map((v) => ({ engine, name: `deepwire:${v.label}` as EngineName, lower: v.lower }))
      : [{ engine, name: engine }]));
    for (const { engine: kind, name: engine, lower } of runsOf) {
      const waited = await settle();
      if (waited > 1) console.log(`  (waited ${waited.toFixed(0)} s for the browser to go idle)`);
      const t = performance.now();
      const r = await runPage(kind, id, lower);
      const row: EngineRow = { engine, workload: id, median_ms: null, min_ms: null, first_ms: null, gflops: null, peak_gpu_bytes: null, max_abs_diff: null };
      if (kind === 'deepwire') row.reused_output = !fresh;
      if (r.ok) {
        const med = median(r.times_ms!);
        const output = new Float32Array(Uint8Array.from(Buffer.from(r.output!, 'base64')).buffer);
        if (!reference && engine === 'ort-wasm') reference = output;
        Object.assign(row, {
          median_ms: round(med), min_ms: round(Math.min(...r.times_ms!)), first_ms: round(r.first_ms!), gflops: round(flops / med / 1e6),
          peak_gpu_bytes: engine === 'ort-wasm' ? 0 : r.peak_gpu_bytes!, max_abs_diff: reference ? maxAbsDiff(output, reference) : null,
          ref_max_abs: reference ? maxAbs(reference) : null, runs: r.times_ms!.length, adapter: r.adapter, longest_task_ms: r.longest_task_ms,
          load_avg: round(loadavg()[0]),
        });
        if (!adapters.has(engine)) adapters.set(engine, r.adapter!);
      } else row.error = r.skipped ? `skipped: ${r.skipped}` : r.error!.split('\n').slice(0, 4).join(' | ');
      workloadRows.push(row);
      console.log(`  ${engine.padEnd(18)} ${r.ok ? `median ${row.median_ms!.toFixed(1)} ms, first ${row.first_ms!.toFixed(0)} ms (page ${((performance.now() - t) / 1000).toFixed(0)} s, in page ${(r.total_ms! / 1000).toFixed(0)} s, setup ${(r.setup_ms! / 1000).toFixed(1)} s, load ${loadavg()[0].toFixed(1)})${r.note ? `; ${r.note}` : ''}` : row.error}`);
    }
    rows.push(...workloadRows);
    // With variants, the ratio is the first variant's.
    const deepwire = workloadRows.find((r) => r.engine.split(':')[0] === 'deepwire' && r.median_ms !== null);
    const peers = workloadRows.filter((r) => r.engine.split(':')[0] !== 'deepwire' && ENGINES.find((e) => e.name === r.engine)!.webgpu && r.median_ms !== null);
    if (deepwire && peers.length) {
      const fastest = peers.reduce((a, b) => (b.median_ms! < a.median_ms! ? b : a));
      const fastestFirst = Math.min(...peers.map((p) => p.first_ms!));
      const leastMemory = Math.min(...peers.map((p) => p.peak_gpu_bytes!));
      rows.push({
        workload: id, ratio_vs_fastest_webgpu_peer: round(fastest.median_ms! / deepwire.median_ms!), fastest_webgpu_peer: fastest.engine,
        first_run_ratio: round(fastestFirst / deepwire.first_ms!), peak_gpu_bytes_vs_least_peer: round(deepwire.peak_gpu_bytes! / leastMemory),
      });
    }
  }
} finally {
  await browser.close();
  await server.close();
}

console.log(`\n${started.toISOString().slice(0, 10)} · commit ${commit} · Chromium ${chromiumVersion} · adapters: ${[...adapters].map(([e, a]) => `${e}: ${a}`).join('; ') || 'none'}\n`);
console.log(formatTable(rows));
console.log(`\n${ENGINES.filter((e) => engineNames.includes(e.name)).map((e) => `${e.name}: ${e.label}`).join(' · ')}`);
console.log(`Timings include reading the output back (${fresh ? 'into a new array every run, --fresh-outputs' : 'deepwire into one array it was given on every run, the peers into new ones: their APIs have no other way; --fresh-outputs for deepwire allocating too'}); first run = model built from graph + weights, pipelines created, first output read.`);
console.log(`The machine's load average is in each row (load_avg): other work on a shared machine skews single rows, so compare ratios from quiet runs.`);
writeFileSync(outFile, `${JSON.stringify(rows, null, 2)}\n`);
console.log(`\nwrote ${outFile}`);
const wrong = rows.filter((r): r is EngineRow => 'engine' in r && outOfTolerance(r));
if (wrong.length) {
  console.log(`\nOUTPUT MISMATCH (beyond 1e-4 + 1e-3·max|ref|): ${wrong.map((r) => `${r.workload} ${r.engine}`).join(', ')}`);
  process.exitCode = 1;
}
