// Helpers for the reliability and soak tests (e2e/reliability.spec.ts, e2e/soak.spec.ts) and the soak
// benchmark (bench/soak.ts). The soak: consecutive runs of an Inception module in the editor, each on
// the other of two photos so every node computes, counting live GPU buffers (createBuffer minus
// destroy, wrapped in the page) and the JS heap after a forced GC (Chrome DevTools Protocol).
import type { Page } from '@playwright/test';
import type { GraphFile } from '../src/index.ts';

/**
 * Keeps Vite's dev server from reloading the page mid-test when some other file of the tree changes
 * (several people edit this tree at once): its hot-reload socket never connects. The app is unaffected.
 */
export async function noHotReload(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const Native = window.WebSocket;
    window.WebSocket = class extends EventTarget {
      readyState = 0;
      constructor(url: string | URL, protocols?: string | string[]) {
        super();
        if (protocols !== 'vite-hmr') return new Native(url, protocols) as any;
      }
      send(): void {}
      close(): void {}
    } as any;
  });
}

/** An Inception module (1×1 reductions) on a small photo: every kind of kernel, quick on SwiftShader. */
export function inceptionModule(size = 32): GraphFile {
  const conv = (id: string, name: string, input: string, filters: number, k: number) =>
    ({ id, name, op: 'Conv2D', inputs: [input], attrs: { filters, kernel_size: k, padding: 'same', activation: 'relu' } });
  return {
    format: 'deepwire-graph', version: 1, name: 'inception', seed: 0,
    nodes: [
      { id: 'input', op: 'Input', name: 'input_1', attrs: { shape: [size, size, 3] } },
      conv('b1', 'b1_1x1', 'input', 16, 1),
      conv('b2r', 'b2_reduce', 'input', 12, 1),
      conv('b2', 'b2_3x3', 'b2r', 24, 3),
      conv('b3r', 'b3_reduce', 'input', 4, 1),
      conv('b3', 'b3_5x5', 'b3r', 8, 5),
      { id: 'pool', op: 'MaxPool2D', name: 'b4_pool', inputs: ['input'], attrs: { pool_size: 3, strides: 1, padding: 'same' } },
      conv('proj', 'b4_proj', 'pool', 8, 1),
      { id: 'cat', op: 'Concatenate', name: 'inception_output', inputs: ['b1', 'b2', 'b3', 'proj'], attrs: { axis: -1 } },
    ],
    outputs: ['cat'],
  };
}

/** Before the page loads: counts GPU buffers created and destroyed, whatever creates them. */
export async function countGpuBuffers(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const counts = { created: 0, destroyed: 0 };
    (window as any).__gpuBuffers = counts;
    const alive = new WeakSet<GPUBuffer>();
    const create = GPUDevice.prototype.createBuffer;
    GPUDevice.prototype.createBuffer = function (this: GPUDevice, descriptor: GPUBufferDescriptor) {
      const buffer = create.call(this, descriptor);
      alive.add(buffer);
      counts.created++;
      return buffer;
    };
    const destroy = GPUBuffer.prototype.destroy;
    GPUBuffer.prototype.destroy = function (this: GPUBuffer) {
      if (alive.delete(this)) counts.destroyed++;
      return destroy.call(this);
    };
  });
}

export interface SoakSample { run: number; liveBuffers: number; heapBytes: number }
export interface SoakResult { start: SoakSample; end: SoakSample; runMs: number[]; medianMs: number }

const PHOTOS = ['coffee.png', 'chelsea.png'];

/** Live buffers and the JS heap once the page is idle and garbage-collected. */
async function sample(page: Page, run: number): Promise<SoakSample> {
  await page.waitForTimeout(300);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('Performance.enable');
  const { metrics } = await cdp.send('Performance.getMetrics');
  await cdp.detach();
  const heapBytes = metrics.find((m: { name: string }) => m.name === 'JSHeapUsedSize')!.value;
  const liveBuffers = await page.evaluate(() => {
    const c = (window as any).__gpuBuffers;
    return c.created - c.destroyed;
  });
  return { run, liveBuffers, heapBytes };
}

/**
 * `runs` consecutive runs after `warmup` (pipelines built, caches filled); the page must be open on the
 * editor with countGpuBuffers installed. Each run: switch photo (a bundled sample), run, wait for the
 * mosaics. `onSample` hears the counts after the warm-up, every `every` runs and at the end.
 */
export async function soak(page: Page, runs: number, { warmup = 3, every = 0, onSample }: { warmup?: number; every?: number; onSample?: (s: SoakSample, runMs: number[]) => void } = {}): Promise<SoakResult> {
  const runMs: number[] = [];
  let start: SoakSample | undefined;
  for (let i = 0; i < warmup + runs; i++) {
    if (i === warmup) {
      start = await sample(page, 0);
      onSample?.(start, runMs);
    } else if (onSample && every && i > warmup && (i - warmup) % every === 0) onSample(await sample(page, i - warmup), runMs);
    const photo = PHOTOS[i % 2];
    await page.getByTestId(`sample-${photo}`).click();
    await page.getByTestId('input-source').filter({ hasText: photo }).waitFor();
    const ms = await page.evaluate(async () => {
      const t0 = performance.now();
      const r = await window.deepwire.run();
      if (r.ran.length !== 8) throw new Error(`expected 8 nodes to run, ran ${r.ran.length}`);
      return performance.now() - t0;
    });
    // every node's mosaic redrawn for this run before the next one starts
    await page.waitForFunction(() => (document.querySelector('dw-app') as unknown as { mosaics: Map<string, string> }).mosaics.size === 9, undefined, { timeout: 30_000 });
    if (i >= warmup) runMs.push(ms);
  }
  const end = await sample(page, runs);
  onSample?.(end, runMs);
  const sorted = [...runMs].sort((a, b) => a - b);
  return { start: start!, end, runMs, medianMs: sorted[Math.floor(sorted.length / 2)] };
}
