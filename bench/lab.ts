// Kernel lab: deepwire lowering variants on one workload in headless Chromium, runs interleaved in one
// page so their ratio survives a busy machine. Not part of `npm run bench`.
//   node --import ./bin/register.mjs bench/lab.ts W1 'q16={}' 'q8={"quadPixels":8}' [--runs 15] [--port 5199]
// LAB_STEPS=N prints the N slowest dispatches of each variant (GPU time); LAB_PIPELINES=1 first creates
// each distinct pipeline alone and prints how long it took (cold: pipeline creation is much of a first run).
import { fileURLToPath } from 'node:url';
import { loadavg } from 'node:os';
import { chromium } from '@playwright/test';
import { createServer } from 'vite';
import { benchChromiumArgs, chromiumPath } from '../scripts/gpu-env.mjs';
import type { LabReport } from './lab-page.ts';
import { median } from './report.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const flag = (name: string, dflt: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args.splice(i, 2)[1] : dflt;
};
const runs = Number(flag('runs', '15'));
const port = Number(flag('port', '5199'));
const [workload, ...specs] = args;
const variants = specs.map((s) => {
  const eq = s.indexOf('=');
  return { label: s.slice(0, eq), lower: JSON.parse(s.slice(eq + 1)) };
});

const server = await createServer({ configFile: false, root, logLevel: 'warn', server: { host: '127.0.0.1', port, strictPort: true }, optimizeDeps: { entries: ['bench/lab.html'] } });
await server.listen();
const browser = await chromium.launch({ executablePath: chromiumPath(), args: [...benchChromiumArgs(), '--disable-gpu-shader-disk-cache'] });
try {
  const page = await browser.newPage();
  page.on('pageerror', (e) => console.error(e.message));
  page.on('console', (m) => m.text().startsWith('pipeline ') && console.log(m.text()));
  let done!: (r: LabReport) => void;
  const report = new Promise<LabReport>((r) => (done = r));
  await page.exposeFunction('labReport', (r: LabReport) => done(r));
  const load0 = loadavg()[0];
  await page.goto(`http://127.0.0.1:${port}/bench/lab.html?workload=${workload}&runs=${runs}&variants=${encodeURIComponent(JSON.stringify(variants))}${process.env.LAB_PIPELINES ? '&pipelines' : ''}`);
  const r = await report;
  if (!r.ok) throw new Error(r.error);
  console.log(`${workload} · ${r.adapter} · ${runs} interleaved runs · load ${load0.toFixed(1)} → ${loadavg()[0].toFixed(1)}`);
  const base = median(r.variants![0].times_ms);
  for (const v of r.variants!) {
    const m = median(v.times_ms);
    if (process.env.LAB_STEPS)
      for (const [step, ms] of Object.entries(v.gpu_steps).sort((a, b) => median(b[1]) - median(a[1])).slice(0, Number(process.env.LAB_STEPS)))
        console.log(`      ${median(ms).toFixed(2).padStart(8)} ms  ${step}`);
    console.log(`  ${v.label.padEnd(10)} median ${m.toFixed(1).padStart(7)} ms  min ${Math.min(...v.times_ms).toFixed(1).padStart(7)} ms  first ${v.first_ms.toFixed(0).padStart(5)} ms  gpu ${v.gpu_ms.length ? median(v.gpu_ms).toFixed(1) : '–'} ms  ×${(base / m).toFixed(2)} vs ${r.variants![0].label}  steps ${v.steps}  diff ${v.max_diff_vs_first.toExponential(1)}  ${v.kernels}`);
  }
} finally {
  await browser.close();
  await server.close();
}
