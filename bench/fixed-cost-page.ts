// The fixed-cost page (bench/fixed-cost.ts): one device, each workload compiled and run warm many times;
// each run's wall time split into deepwire's phases (RunPhases), beside what the browser costs on this
// adapter with no deepwire in it: an idle queue's onSubmittedWorkDone, a 16-byte copy + mapAsync, and the
// workload's own upload + readback bytes with no compute. Runs back to back and after an idle pause (a
// real GPU lowers its clocks when idle), reading into a given array (RunOptions.into) instead of a
// new one, and with the nudged wait (gpu-wait.ts) forced on. GPU time from timestamp queries where the adapter has them.
import { Engine, type RunPhases } from '../src/runtime/engine.ts';
import { waitNudged } from '../src/runtime/gpu-wait.ts';
import { loadWorkload, Skip, type WorkloadId } from './workloads.ts';
import { pageSources } from './page-sources.ts';

export interface FixedCostReport {
  ok: boolean;
  error?: string;
  adapter?: string;
  /** The browser alone, ms per round trip (all samples). */
  floors?: { idleQueue: number[]; mapRoundTrip: number[] };
  workloads?: {
    id: string;
    skipped?: string;
    dispatches: number;
    inputBytes: number;
    outputBytes: number;
    /** Upload of the input and readback of the output with no compute: this workload's transfer floor. */
    ioRoundTrip: number[];
    /** Wall time of `await compiled.run(feeds)` back to back, and after `idleMs` of nothing. */
    wall: number[];
    wallAfterIdle: number[];
    idleMs: number;
    phases: RunPhases[];
    /** The same, reading the output into one array given on every run (RunOptions.into). */
    wallInto: number[];
    phasesInto: RunPhases[];
    /** `into` runs with the nudged wait forced on (an empty submit every 1 ms while waiting: gpu-wait.ts). */
    wallPoked: number[];
    /** Sum of the dispatches' GPU time (timestamp queries), when the adapter has them. */
    gpu: number[];
  }[];
}

declare global {
  interface Window {
    fixedCostReport?: (r: FixedCostReport) => Promise<void>;
  }
}


const log = (line: string) => (document.getElementById('log')!.textContent = line);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function timed(n: number, f: () => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await f();
    times.push(performance.now() - t);
  }
  return times;
}

/** Writes `upBytes` to the GPU, copies `downBytes` back and maps them: a run's transfers with no compute. */
function transferRoundTrip(device: GPUDevice, upBytes: number, downBytes: number): () => Promise<void> {
  const size = (b: number) => Math.max(16, Math.ceil(b / 16) * 16);
  const up = new Uint8Array(size(upBytes));
  const storage = device.createBuffer({ size: Math.max(size(upBytes), size(downBytes)), usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
  const staging = device.createBuffer({ size: size(downBytes), usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  return async () => {
    if (upBytes) device.queue.writeBuffer(storage, 0, up);
    const encoder = device.createCommandEncoder();
    encoder.copyBufferToBuffer(storage, 0, staging, 0, staging.size);
    device.queue.submit([encoder.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    staging.unmap();
  };
}

async function measure(): Promise<FixedCostReport> {
  const q = new URLSearchParams(location.search);
  const runs = Number(q.get('runs') ?? 30);
  const idleMs = Number(q.get('idle') ?? 100);
  const ids = (q.get('workloads') ?? 'W1,W2').split(',') as WorkloadId[];
  const engine = await Engine.create();
  if (engine.tuned === undefined) await engine.tune();
  const device = engine.device;
  const mapRoundTrip = transferRoundTrip(device, 0, 16);
  await mapRoundTrip();
  const floors = {
    idleQueue: await timed(runs, () => device.queue.onSubmittedWorkDone()),
    mapRoundTrip: await timed(runs, mapRoundTrip),
  };
  const workloads: NonNullable<FixedCostReport['workloads']> = [];
  for (const id of ids) {
    log(`${id}…`);
    let w;
    try {
      w = await loadWorkload(id, pageSources);
    } catch (e) {
      if (e instanceof Skip) {
        workloads.push({ id, skipped: e.message, dispatches: 0, inputBytes: 0, outputBytes: 0, ioRoundTrip: [], wall: [], wallAfterIdle: [], idleMs, phases: [], wallInto: [], phasesInto: [], wallPoked: [], gpu: [] });
        continue;
      }
      throw e;
    }
    const feeds = { [w.inputId]: w.input };
    const compiled = engine.compile(w.report, w.weights, { batch: 1 });
    const first = await compiled.run(feeds);
    const outputBytes = first.tensors.get(w.output)!.data.byteLength;
    const inputBytes = w.input.data.byteLength;
    const io = transferRoundTrip(device, inputBytes, outputBytes);
    await io();
    const ioRoundTrip = await timed(runs, io);
    const phases: RunPhases[] = [];
    const wall = await timed(runs, async () => phases.push((await compiled.run(feeds)).phases));

    const into = { [w.output]: new Float32Array(outputBytes / 4) };
    const phasesInto: RunPhases[] = [];
    const wallInto = await timed(runs, async () => phasesInto.push((await compiled.run(feeds, { into })).phases));
    // With the nudged wait the engine uses where the browser polls on a timer (Firefox; gpu-wait.ts),
    // forced on: what it costs or saves on this browser.
    const wallPoked = await timed(runs, () => waitNudged(device, compiled.run(feeds, { into }).then(() => undefined), true));
    const wallAfterIdle: number[] = [];
    for (let i = 0; i < Math.min(runs, 10); i++) {
      await sleep(idleMs);
      wallAfterIdle.push(...(await timed(1, () => compiled.run(feeds))));
    }
    const gpu: number[] = [];
    if (engine.info.features.timestamps)
      for (let i = 0; i < Math.min(runs, 10); i++) gpu.push((await compiled.run(feeds, { timing: true })).timings!.totalMs);
    workloads.push({ id, dispatches: compiled.plan.steps.length, inputBytes, outputBytes, ioRoundTrip, wall, wallAfterIdle, idleMs, phases, wallInto, phasesInto, wallPoked, gpu });
    compiled.destroy();
  }
  return { ok: true, adapter: `${engine.info.description} (conv kernel ${engine.convKernel})`, floors, workloads };
}

measure()
  .catch((e: unknown): FixedCostReport => ({ ok: false, error: e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e) }))
  .then((r) => {
    log(r.ok ? 'done' : r.error!);
    return window.fixedCostReport?.(r);
  });
