// The benchmark page: runs ONE engine on ONE workload (?engine=…&workload=…&runs=…), fresh page each
// time so no engine inherits another's device, caches or memory; reports to bench/run.ts through
// window.benchReport. Timing includes the output's readback for every engine.
import { gpuMemory, resetGpuPeak, trackGpuMemory } from './gpu-memory.ts';
import { loadWorkload, Skip, type WorkloadId } from './workloads.ts';
import { pageSources } from './page-sources.ts';
import type { EngineName, Prepare } from './engines/types.ts';

trackGpuMemory(); // before any engine opens a device

export interface PageReport {
  ok: boolean;
  skipped?: string;
  error?: string;
  adapter?: string;
  note?: string;
  /** Page start to the engine ready (runtime, device, workload built): not part of any timing. */
  setup_ms?: number;
  first_ms?: number;
  times_ms?: number[];
  /** Page start to the report. */
  total_ms?: number;
  peak_gpu_bytes?: number;
  /** Longest main-thread task during the warm runs (PerformanceObserver 'longtask'). */
  longest_task_ms?: number;
  /** The output, NHWC, base64 of its float32 bytes. */
  output?: string;
}

declare global {
  interface Window {
    benchReport?: (report: PageReport) => Promise<void>;
  }
}


async function engine(name: EngineName): Promise<Prepare> {
  if (name === 'deepwire') return (await import('./engines/deepwire.ts')).prepare;
  if (name === 'tfjs-webgpu') return (await import('./engines/tfjs.ts')).prepare;
  return (await import('./engines/ort.ts')).prepareOrt(name);
}

function base64(data: Float32Array): string {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

const log = (line: string) => (document.getElementById('log')!.textContent = line);

async function bench(): Promise<PageReport> {
  const params = new URLSearchParams(location.search);
  const name = params.get('engine') as EngineName;
  const runs = Number(params.get('runs') ?? 10);
  let workload;
  try {
    workload = await loadWorkload(params.get('workload') as WorkloadId, pageSources);
  } catch (e) {
    if (e instanceof Skip) return { ok: false, skipped: e.message };
    throw e;
  }
  if (name !== 'ort-wasm' && !navigator.gpu) return { ok: false, error: 'no navigator.gpu in this browser' };
  const prepared = await (await engine(name))(workload);
  const setup = performance.now();
  resetGpuPeak();

  log('cold run');
  const t0 = performance.now();
  await prepared.build();
  let output = await prepared.run();
  const first = performance.now() - t0;

  let longest = 0;
  const observer = typeof PerformanceObserver !== 'undefined' && PerformanceObserver.supportedEntryTypes?.includes('longtask')
    ? new PerformanceObserver((list) => list.getEntries().forEach((e) => (longest = Math.max(longest, e.duration))))
    : null;
  observer?.observe({ type: 'longtask', buffered: false });
  const times: number[] = [];
  // `runs` warm runs (10 by default), 5 when one takes over 5 s.
  for (let target = runs; times.length < target; ) {
    log(`warm run ${times.length + 1}/${target}`);
    const t = performance.now();
    output = await prepared.run();
    times.push(performance.now() - t);
    if (times.length === 1 && times[0] > 5000) target = Math.min(target, 5);
  }
  await new Promise((r) => setTimeout(r, 0)); // let the observer deliver
  observer?.disconnect();
  const peak = gpuMemory.peak;
  const nhwc = prepared.toNhwc(output);
  await prepared.dispose();
  return { ok: true, adapter: prepared.adapter, note: prepared.note, setup_ms: setup, first_ms: first, times_ms: times, total_ms: performance.now(), peak_gpu_bytes: peak, longest_task_ms: observer ? longest : undefined, output: base64(nhwc) };
}

bench()
  .catch((e: unknown): PageReport => ({ ok: false, error: e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e) }))
  .then((report) => {
    log(report.ok ? 'done' : report.skipped ?? report.error ?? 'failed');
    return window.benchReport?.(report);
  });
