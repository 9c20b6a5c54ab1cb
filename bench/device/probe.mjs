// Which WebGPU adapter headless Chromium gets on this machine, trying the benchmark's GPU flags first and
// a few alternatives after; prints one JSON line per try and `FLAGS …` for the first that reaches a GPU
// (not SwiftShader), and writes chrome://gpu's text for each try to $OUT/gpu.txt (the "Dawn Info"
// section there says which adapters Dawn saw and why one was refused).
// `CHROMIUM_PATH=… node bench/device/probe.mjs [variant]`; ~1 s a try, 25 s where Chromium hangs.
import { appendFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { chromium } from '@playwright/test';
import { chromiumArgs, chromiumPath, systemGpuChromiumArgs } from '../../scripts/gpu-env.mjs';

const base = systemGpuChromiumArgs;
const without = (prefix) => base.filter((a) => !a.startsWith(prefix));
const variants = {
  default: base,
  glOnSwiftShader: [...without('--use-angle'), '--use-angle=swiftshader'],
  withSurface: without('--disable-vulkan-surface'),
  angleDefault: without('--use-angle'),
};
// PROBE_ACCEPT_SWIFTSHADER=1: take SwiftShader too, to try this script and run.sh on a machine without a GPU.
const acceptSwiftShader = process.env.PROBE_ACCEPT_SWIFTSHADER === '1';
if (acceptSwiftShader) variants.swiftshader = chromiumArgs;
const out = process.env.OUT ?? '/tmp';
// navigator.gpu exists only in a secure context: serve a blank page from 127.0.0.1.
const server = createServer((_, res) => res.end('<!doctype html><title>probe</title>'));
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${server.address().port}/`;
const timeout = (ms, what) => new Promise((_, reject) => setTimeout(() => reject(new Error(`${what}: no answer in ${ms / 1000} s`)), ms));

let found = null;
for (const [name, args] of Object.entries(variants)) {
  if (process.argv[2] ? name !== process.argv[2] : found) continue;
  let browser;
  try {
    browser = await chromium.launch({ executablePath: chromiumPath(), args, timeout: 60_000 });
    const page = await browser.newPage();
    const console_ = [];
    page.on('console', (m) => console_.push(m.text()));
    await page.goto(url);
    // Asked at once, an H200 machine answered null three times in a row (the page's console said "A valid
    // external Instance reference no longer exists": the GPU process had dropped WebGPU's connection) where
    // the same flags had worked on two machines before, and the benchmark's pages, which ask a second or
    // more after launch, got the GPU. So: ask after a pause, and again after another.
    const info = await Promise.race([timeout(25_000, 'requestAdapter'), page.evaluate(async () => {
      if (!navigator.gpu) return { error: 'no navigator.gpu' };
      const pause = () => new Promise((resolve) => setTimeout(resolve, 1500));
      for (let attempt = 1; attempt <= 3; attempt++) {
        await pause();
        const a = await navigator.gpu.requestAdapter({ powerPreference: 'high-performance' });
        if (a) return { vendor: a.info.vendor, architecture: a.info.architecture, fallback: a.info.isFallbackAdapter, subgroups: a.features.has('subgroups'), attempt };
      }
      return { error: 'requestAdapter() returned null three times' };
    })]);
    const gpuPage = await browser.newPage();
    await gpuPage.goto('chrome://gpu', { timeout: 20_000 });
    await gpuPage.waitForTimeout(3000);
    const text = await gpuPage.evaluate(() => {
      const root = document.querySelector('info-view')?.shadowRoot ?? document.body;
      const lines = [];
      for (const el of root.querySelectorAll('h3, h4, li, tr, pre, div')) {
        if (el.querySelector('h3, h4, li, tr, pre, div')) continue; // leaves only
        const t = el.textContent.replace(/\s+/g, ' ').trim();
        if (t) lines.push(t);
      }
      return lines.join('\n');
    });
    appendFileSync(`${out}/gpu.txt`, `\n===== ${name}: ${args.join(' ')}\n${text}\n`);
    const gl = text.split('\n').find((l) => l.startsWith('GL_RENDERER'));
    console.log(JSON.stringify({ variant: name, ...info, gl, console: console_.slice(0, 3) }));
    if (!info.error && (acceptSwiftShader || (!info.fallback && !/swiftshader/i.test(info.architecture ?? '')))) found = args;
  } catch (e) {
    console.log(JSON.stringify({ variant: name, error: String(e.message ?? e).slice(0, 500) }));
  } finally {
    await browser?.close().catch(() => {});
  }
}
server.close();
if (found) console.log(`FLAGS ${found.join(' ')}`);
process.exit(found ? 0 : 1);
