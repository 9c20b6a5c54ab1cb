// Soak benchmark: 500 consecutive runs of an Inception module in the editor (Chromium, WebGPU; SwiftShader
// without a GPU), each on the other of two photos so all 8 nodes compute and their mosaics are redrawn.
// Prints live GPU buffers (createBuffer − destroy) and the JS heap after a forced GC at the start, every
// 50 runs and at the end, and the median run time. `npm run bench:soak [-- --runs N]`.
import { chromium } from '@playwright/test';
import { createServer } from 'vite';
import { countGpuBuffers, inceptionModule, noHotReload, soak, type SoakSample } from '../e2e/reliability-helpers.ts';
import { benchChromiumArgs, chromiumPath } from '../scripts/gpu-env.mjs';

const arg = (name: string) => process.argv[process.argv.indexOf(name) + 1];
const runs = process.argv.includes('--runs') ? Number(arg('--runs')) : 500;
const server = await createServer({ logLevel: 'warn', server: { host: '127.0.0.1', port: Number(process.env.SOAK_PORT ?? 5189), strictPort: false } });
await server.listen();
const url = server.resolvedUrls!.local[0];
const args = benchChromiumArgs();
const browser = await chromium.launch({ executablePath: chromiumPath(), args });
try {
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  await noHotReload(page);
  await countGpuBuffers(page);
  await page.goto(url);
  await page.getByTestId('node').first().waitFor();
  const loaded = await page.evaluate((g) => window.deepwire.loadGraph(g), inceptionModule());
  if (!loaded.ok) throw new Error(loaded.message);
  const adapter = await page.evaluate(async () => {
    const info = (await navigator.gpu.requestAdapter())?.info;
    return [info?.vendor, info?.architecture, info?.description].filter(Boolean).join(' ');
  });
  console.log(`soak: ${runs} runs of an Inception module (32×32×3, 8 nodes) in the editor · adapter: ${adapter}`);
  const mb = (b: number) => `${(b / 1e6).toFixed(2)} MB`;
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
  const line = (s: SoakSample, ms: number[]) => console.log(`  after ${String(s.run).padStart(4)} runs: live GPU buffers ${s.liveBuffers}, JS heap ${mb(s.heapBytes)}${ms.length ? `, median run ${median(ms).toFixed(1)} ms` : ''}`);
  const { start, end, medianMs, runMs } = await soak(page, runs, { every: 50, onSample: line });
  console.log(`start → end: live GPU buffers ${start.liveBuffers} → ${end.liveBuffers} (${end.liveBuffers - start.liveBuffers >= 0 ? '+' : ''}${end.liveBuffers - start.liveBuffers}), JS heap ${mb(start.heapBytes)} → ${mb(end.heapBytes)} (${((end.heapBytes - start.heapBytes) / 1e3).toFixed(0)} kB)`);
  console.log(`run time (window.deepwire.run, ${runMs.length} runs): median ${medianMs.toFixed(1)} ms, min ${Math.min(...runMs).toFixed(1)} ms, max ${Math.max(...runMs).toFixed(1)} ms`);
} finally {
  await browser.close();
  await server.close();
}
