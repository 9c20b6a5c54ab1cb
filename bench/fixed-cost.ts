// `npm run bench:fixed`: where a warm run's wall time goes, per workload, in headless Chromium on whatever
// WebGPU adapter it finds (issue 20: on a fast GPU, W1 and W2 take 0.1–0.4 ms of GPU time but ~4 ms of
// wall time). Prints, per workload, the median of each phase of deepwire's run (bench/fixed-cost-page.ts,
// RunPhases) beside the browser's own floor on this adapter, and writes --out (bench/fixed-cost.json).
//   --workloads W1,W2,W3  --runs 30  --idle 100 (ms of nothing before each "after idle" run)  --port 5197
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import { createServer } from 'vite';
import { benchChromiumArgs, chromiumPath } from '../scripts/gpu-env.mjs';
import type { FixedCostReport } from './fixed-cost-page.ts';
import { median } from './report.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const option = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const workloads = option('workloads', 'W1,W2,W3');
const runs = Number(option('runs', '30'));
const idle = Number(option('idle', '100'));
const port = Number(option('port', '5197'));
const outFile = option('out', `${root}bench/fixed-cost.json`);

// Cross-origin isolation: performance.now() then ticks in 5 µs steps instead of 100 µs.
const ISOLATED = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };
const server = await createServer({ configFile: false, root, logLevel: 'warn', server: { host: '127.0.0.1', port, strictPort: true, headers: ISOLATED }, optimizeDeps: { entries: ['bench/fixed-cost.html'] } });
await server.listen();
const browser = await chromium.launch({ executablePath: chromiumPath(), args: benchChromiumArgs() });
try {
  const page = await browser.newPage();
  page.on('pageerror', (e) => console.error(e.message));
  let done!: (r: FixedCostReport) => void;
  const reported = new Promise<FixedCostReport>((r) => (done = r));
  await page.exposeFunction('fixedCostReport', (r: FixedCostReport) => done(r));
  await page.goto(`http://127.0.0.1:${port}/bench/fixed-cost.html?workloads=${workloads}&runs=${runs}&idle=${idle}`);
  const r = await reported;
  if (!r.ok) throw new Error(r.error);
  // The harness's own round trip (a Playwright evaluate): not in any in-page time, for scale.
  const evaluate: number[] = [];
  for (let i = 0; i < 20; i++) {
    const t = performance.now();
    await page.evaluate(() => 0);
    evaluate.push(performance.now() - t);
  }
  const ms = (xs: number[]) => (xs.length ? median(xs).toFixed(2) : '–');
  console.log(`${r.adapter} · Chromium ${browser.version()} · median of ${runs} warm runs, ms`);
  console.log(`browser floor: idle queue ${ms(r.floors!.idleQueue)} · 16-byte copy + mapAsync ${ms(r.floors!.mapRoundTrip)} · Playwright evaluate ${ms(evaluate)}`);
  const columns = ['wall', 'into', 'into, nudged', `after ${idle} ms idle`, 'prepare', 'upload', 'encode', 'waiting', 'GPU time', 'error scopes', 'gather', 'gather (into)', 'I/O floor', 'dispatches', 'output'];
  console.log(`| workload | ${columns.join(' | ')} |`);
  console.log(`|---|${columns.map(() => '---:').join('|')}|`);
  for (const w of r.workloads!) {
    if (w.skipped) {
      console.log(`| ${w.id} | skipped: ${w.skipped} |`);
      continue;
    }
    const phase = (k: keyof (typeof w.phases)[0], of = w.phases) => median(of.map((p) => p[k])).toFixed(2);
    console.log(`| ${w.id} | ${[ms(w.wall), ms(w.wallInto), ms(w.wallPoked), ms(w.wallAfterIdle), phase('prepare'), phase('upload'), phase('encode'), phase('waiting'), ms(w.gpu),
      phase('errorScopes'), phase('gather'), phase('gather', w.phasesInto), ms(w.ioRoundTrip), w.dispatches, `${(w.outputBytes / 1024).toFixed(0)} KiB`].join(' | ')} |`);
  }
  console.log('wall: a run reading its output into a new array; into: into one array given every run (RunOptions.into); nudged: with the empty submits Firefox needs while waiting, forced on (gpu-wait.ts). waiting: submit until the readback is mapped (GPU work + the browser\'s round trip); GPU time: the dispatches alone (timestamp queries); I/O floor: the input\'s upload and the output\'s readback with no compute.');
  writeFileSync(outFile, `${JSON.stringify({ date: new Date().toISOString(), chromium: browser.version(), evaluate, ...r }, null, 1)}\n`);
  console.log(`wrote ${outFile}`);
} finally {
  await browser.close();
  await server.close();
}
