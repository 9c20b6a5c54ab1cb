// The runtime's promises: device limits handled, a lost device replaced, per-node timing.
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../graph/analyze.ts';
import type { GraphFile } from '../graph/types.ts';
import { materializeWeights, runReference } from './reference.ts';
import { Engine, EngineError } from './engine.ts';
import { compareWithReference, randomInput, singleOpGraph } from '../testing/compare.ts';
import { expectClose, TOLERANCE } from '../testing/expect-close.ts';
import { testGpu } from '../testing/gpu.ts';
import { acquireDevice } from './device.ts';
import { KERNELS } from '../compile/kernels.ts';
import { TUNE_CANDIDATES } from './autotune.ts';
import { zooModel } from '../models/zoo.ts';

const gpu = await testGpu();

describe.skipIf(!gpu)('Engine', () => {
  it('lowers only to kernels this adapter can build: no subgroup kernel without the feature (wgpu has none)', async () => {
    const engine = await Engine.create(async () => gpu);
    for (const name of ['ResNet50', 'InceptionV3', 'MobileNetV2']) {
      const report = analyzeGraph(zooModel(name, { include_top: false, input_shape: [75, 75, 3] }));
      const weights = materializeWeights(report, 0);
      for (const convKernel of ['direct', 'gemm', 'gemm64'] as const) {
        const compiled = engine.compile(report, weights, { convKernel });
        const kernels = new Set(compiled.plan.steps.map((s) => s.kernel));
        const needSubgroups = [...kernels].filter((k) => /^\s*enable subgroups/m.test(KERNELS[k].code));
        if (!gpu!.features.subgroups) expect(needSubgroups, `${name} with ${convKernel}`).toEqual([]);
        // Every pipeline it picked builds on this adapter.
        if (convKernel === engine.convKernel) await compiled.prepare();
        compiled.destroy();
      }
    }
  });

  /**
   * A fresh engine whose device refuses the pipelines `refused` picks out, as a browser whose shader
   * compiler refused them — by rejecting, or (`reports`) by a validation error in the caller's scope and
   * a pipeline all the same, as an implementation may; `body` gets the engine and the warnings said meanwhile.
   */
  async function withRefusedPipelines(refused: (d: GPUComputePipelineDescriptor) => boolean, body: (engine: Engine, warnings: string[]) => Promise<void>, how: 'rejects' | 'reports' = 'rejects') {
    const engine = await Engine.create(async () => gpu);
    const device = engine.device;
    const create = device.createComputePipelineAsync;
    device.createComputePipelineAsync = function (this: GPUDevice, descriptor: GPUComputePipelineDescriptor) {
      if (refused(descriptor) && how === 'rejects') return Promise.reject(new Error(`simulated: the shader compiler refused ${descriptor.label}`));
      if (refused(descriptor)) this.createBuffer({ size: 4, usage: 0, label: `simulated: the shader compiler refused ${descriptor.label}` });
      return create.call(this, descriptor);
    } as GPUDevice['createComputePipelineAsync'];
    const warn = console.warn;
    const warnings: string[] = [];
    console.warn = (message: string) => void warnings.push(message);
    try {
      await body(engine, warnings);
    } finally {
      device.createComputePipelineAsync = create;
      console.warn = warn;
    }
  }
  const kernelsOf = (engine: Engine, graph: GraphFile, options: Parameters<Engine['compile']>[2]) => {
    const report = analyzeGraph(graph);
    const compiled = engine.compile(report, materializeWeights(report, 1), options);
    compiled.destroy();
    return compiled.plan.steps.map((s) => s.kernel);
  };

  it('falls back to the naive conv where a conv kernel does not build on the adapter, and remembers it', async () => {
    await withRefusedPipelines((d) => d.label === 'conv2d-gemm', async (engine, warnings) => {
      const graph = singleOpGraph('Conv2D', [[9, 7, 8]], { filters: 12, kernel_size: 3, padding: 'same', activation: 'relu' });
      const { gpu: out, reference } = await compareWithReference(engine, graph, { convKernel: 'gemm' });
      expectClose(out.tensors.get('y')!.data, reference.get('y')!.data, TOLERANCE.conv);
      expect([...engine.unbuildable]).toEqual(['conv2dGemm']);
      expect(warnings.join()).toMatch(/kernel conv2d-gemm failed to build: simulated.*lowering again without conv2dGemm/);
      // The next compile knows: it lowers to the naive conv from the start.
      expect(kernelsOf(engine, graph, { convKernel: 'gemm' })).toEqual(['conv2dNaive']);
    });
  });

  it('counts a pipeline the device reported as a validation error, not a rejection, as not built', async () => {
    await withRefusedPipelines((d) => d.label === 'conv2d-gemm', async (engine, warnings) => {
      const graph = singleOpGraph('Conv2D', [[9, 7, 8]], { filters: 12, kernel_size: 3, padding: 'same' });
      const { gpu: out, reference } = await compareWithReference(engine, graph, { convKernel: 'gemm' });
      expectClose(out.tensors.get('y')!.data, reference.get('y')!.data, TOLERANCE.conv);
      expect([...engine.unbuildable]).toEqual(['conv2dGemm']);
      expect(warnings.join()).toMatch(/kernel conv2d-gemm failed to build: .*usage/i);
    }, 'reports');
  });

  it('a pipeline being built does not hold the errors of other calls made meanwhile', async () => {
    const engine = await Engine.create(async () => gpu);
    const device = engine.device;
    const report = analyzeGraph(singleOpGraph('Conv2D', [[5, 5, 4]], { filters: 4, kernel_size: 3, padding: 'same' }));
    const compiled = engine.compile(report, materializeWeights(report, 1), { convKernel: 'naive' });
    const building = engine.pipeline(compiled.plan.steps[0]);
    // Someone else's mistake while the compile is under way, in no scope of its own: WebGPU reports it as uncaptured.
    device.createBuffer({ size: 4, usage: 0, label: 'not the pipeline\'s' });
    await building;
    await device.queue.onSubmittedWorkDone();
    for (let i = 0; i < 50 && gpu!.errors.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    // The harness's list of uncaptured errors (emptied here: it fails any test that leaves one).
    const uncaptured = gpu!.errors.splice(0);
    expect(uncaptured).toHaveLength(1);
    expect(uncaptured[0]).toMatch(/usage/i);
    compiled.destroy();
  });

  it('falls back from the 64×64 GEMM to the 32×32 one where only the former does not build', async () => {
    await withRefusedPipelines((d) => d.label === 'conv2d-gemm64', async (engine) => {
      const graph = singleOpGraph('Conv2D', [[9, 7, 8]], { filters: 12, kernel_size: 3, padding: 'same', activation: 'relu' });
      const { gpu: out, reference } = await compareWithReference(engine, graph, { convKernel: 'gemm64' });
      expectClose(out.tensors.get('y')!.data, reference.get('y')!.data, TOLERANCE.conv);
      expect([...engine.unbuildable]).toEqual(['conv2dGemm64']);
      expect(kernelsOf(engine, graph, { convKernel: 'gemm64' })).toEqual(['conv2dGemm']);
    });
  });

  it('runs the pools apart again where a conv kernel\'s pooled variant does not build, and keeps the kernel', async () => {
    await withRefusedPipelines((d) => !!d.compute.constants?.POOL, async (engine, warnings) => {
      const graph: GraphFile = { format: 'deepwire-graph', version: 1, outputs: ['y'], nodes: [
        { id: 'x', op: 'Input', attrs: { shape: [6, 7, 8] } },
        { id: 'pool', op: 'MaxPool2D', inputs: ['x'], attrs: { pool_size: 3, strides: 1, padding: 'same' } },
        { id: 'y', op: 'Conv2D', inputs: ['pool'], attrs: { filters: 12, kernel_size: 1, activation: 'relu' } }] };
      const { gpu: out, reference } = await compareWithReference(engine, graph, { convKernel: 'gemm', fusePools: true });
      expectClose(out.tensors.get('y')!.data, reference.get('y')!.data, TOLERANCE.conv);
      expect(engine.poolsUnbuildable).toBe(true);
      expect([...engine.unbuildable]).toEqual([]);
      expect(warnings.join()).toMatch(/simulated.*lowering again without pools in the conv loads/);
      // The next compile knows: its pool is a dispatch of its own, its conv still the GEMM.
      expect(kernelsOf(engine, graph, { convKernel: 'gemm', fusePools: true })).toEqual(['pool2d', 'conv2dGemm']);
    });
  });

  it('spreads a dispatch of more than 65 535 workgroups over a 2-D grid (1024×1024 input)', async () => {
    const engine = await Engine.create(async () => gpu);
    const graph = singleOpGraph('Conv2D', [[1024, 1024, 1]], { filters: 4, kernel_size: 3, padding: 'same' });
    const report = analyzeGraph(graph);
    const compiled = engine.compile(report, materializeWeights(report, 1), { convKernel: 'naive' });
    expect(compiled.plan.steps[0].workgroups).toBeGreaterThan(65_535);
    compiled.destroy();
    const { gpu: out, reference } = await compareWithReference(engine, graph, { convKernel: 'naive' });
    expectClose(out.tensors.get('y')!.data, reference.get('y')!.data, TOLERANCE.conv);
  });

  it('refuses a tensor beyond maxStorageBufferBindingSize, naming the node, the size and the limit', async () => {
    const engine = await Engine.create(async () => gpu);
    const report = analyzeGraph(singleOpGraph('Conv2D', [[4096, 4096, 3]], { filters: 64, kernel_size: 3, padding: 'same' }));
    let error: unknown;
    try {
      engine.compile(report, materializeWeights(report, 1));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EngineError);
    expect((error as EngineError).node).toBe('y');
    expect((error as Error).message).toMatch(/^its output 1×4096×4096×64 needs 4\.00 GiB, more than this GPU can bind in one buffer \(\d+\.\d\d GiB, maxStorageBufferBindingSize\)/);
  });

  it('replaces a device destroyed between runs and runs again', async () => {
    const engine = await Engine.create(() => acquireDevice());
    const graph = singleOpGraph('Conv2D', [[6, 6, 4]], { filters: 8, kernel_size: 3, padding: 'same', activation: 'relu' });
    const first = await compareWithReference(engine, graph);
    const oldDevice = engine.device;
    oldDevice.destroy();
    await oldDevice.lost;
    expect(engine.lost).toBe(true);
    const second = await compareWithReference(engine, graph);
    expect(engine.device).not.toBe(oldDevice);
    expect(engine.generation).toBe(1);
    expectClose(second.gpu.tensors.get('y')!.data, first.reference.get('y')!.data, TOLERANCE.conv);
  });

  it('allocates nothing after the first run: 20 more runs create no buffer, pipeline or query set', async () => {
    const engine = await Engine.create(async () => gpu);
    const report = analyzeGraph(singleOpGraph('Conv2D', [[8, 8, 4]], { filters: 8, kernel_size: 3, padding: 'same' }));
    const compiled = engine.compile(report, materializeWeights(report, 1));
    const x0 = { shape: [1, 8, 8, 4], data: new Float32Array(256).fill(1) };
    const first = await compiled.run({ x0 }, { timing: true });
    const device = gpu!.device;
    let created = 0;
    const { createBuffer, createQuerySet } = device;
    device.createBuffer = (d) => (created++, createBuffer.call(device, d));
    device.createQuerySet = (d) => (created++, createQuerySet.call(device, d));
    const pipelines = engine.pipelinesCreated;
    try {
      for (let i = 0; i < 20; i++) {
        const again = await compiled.run({ x0 }, { timing: true });
        expect(again.tensors.get('y')!.data).toEqual(first.tensors.get('y')!.data);
      }
    } finally {
      Object.assign(device, { createBuffer, createQuerySet });
      compiled.destroy();
    }
    expect(created).toBe(0);
    expect(engine.pipelinesCreated).toBe(pipelines);
  });

  it("reads into the caller's arrays (RunOptions.into), a concat slice's strided view too, and refuses a wrong size", async () => {
    const engine = await Engine.create(async () => gpu);
    // 'a' is a slice of the Concatenate's buffer (channels 0–3 of 7): its readback is a strided gather.
    const report = analyzeGraph({
      format: 'deepwire-graph', version: 1, outputs: ['cat', 'a'],
      nodes: [
        { id: 'x', op: 'Input', attrs: { shape: [5, 6, 3] } },
        { id: 'a', op: 'Conv2D', inputs: ['x'], attrs: { filters: 4, kernel_size: 3, padding: 'same' } },
        { id: 'b', op: 'Conv2D', inputs: ['x'], attrs: { filters: 3, kernel_size: 1 } },
        { id: 'cat', op: 'Concatenate', inputs: ['a', 'b'] },
      ],
    });
    const compiled = engine.compile(report, materializeWeights(report, 2));
    expect(compiled.plan.views.get('a')!.strides.at(-1)).toBe(1);
    expect(compiled.plan.views.get('a')!.strides.at(-2)).toBe(7);
    const x = randomInput([1, 5, 6, 3], 'x');
    const fresh = await compiled.run({ x });
    const into = { a: new Float32Array(5 * 6 * 4).fill(NaN), cat: new Float32Array(5 * 6 * 7).fill(NaN) };
    for (let i = 0; i < 3; i++) {
      const again = await compiled.run({ x }, { into });
      expect(again.tensors.get('a')!.data).toBe(into.a);
      expect(again.tensors.get('cat')!.data).toBe(into.cat);
    }
    expect(into.a).toEqual(fresh.tensors.get('a')!.data);
    expect(into.cat).toEqual(fresh.tensors.get('cat')!.data);
    const reference = runReference(report, { x }, { weights: materializeWeights(report, 2), outputs: ['a'] }).tensors;
    expectClose(into.a, reference.get('a')!.data, TOLERANCE.conv);
    await expect(compiled.run({ x }, { into: { a: new Float32Array(3) } })).rejects.toThrow(/'into' gives 3 floats for 'a', which has 120 \(1×5×6×4\)/);
    await expect(compiled.run({ x }, { read: ['cat'], into: { a: into.a } })).rejects.toThrow(/'into' names 'a', which this run does not read/);
    compiled.destroy();
  });

  it("says where a run's wall time went: its phases add up to the run, the wait holds the GPU's work", async () => {
    const engine = await Engine.create(async () => gpu);
    const report = analyzeGraph(singleOpGraph('Conv2D', [[32, 32, 16]], { filters: 16, kernel_size: 3, padding: 'same' }));
    const compiled = engine.compile(report, materializeWeights(report, 1));
    const feeds = { x0: randomInput([1, 32, 32, 16], 'x0') };
    const cold = (await compiled.run(feeds)).phases;
    const t = performance.now();
    const { phases } = await compiled.run(feeds);
    const wall = performance.now() - t;
    const { total, ...parts } = phases;
    for (const ms of Object.values(phases)) expect(ms).toBeGreaterThanOrEqual(0);
    expect(Object.values(parts).reduce((a, b) => a + b, 0)).toBeCloseTo(total, 6);
    expect(total).toBeLessThanOrEqual(wall + 1e-6);
    // The first run builds the pipelines and buffers in `prepare`; a warm one finds them built.
    expect(cold.prepare).toBeGreaterThan(phases.prepare);
    compiled.destroy();
  });

  it('autotunes the conv kernel once per adapter and remembers the choice', async () => {
    const { mkdtemp, writeFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const before = process.env.XDG_CACHE_HOME;
    process.env.XDG_CACHE_HOME = await mkdtemp(`${tmpdir()}/deepwire-cache-`);
    try {
      const engine = await Engine.create(async () => gpu);
      expect(engine.tuned).toBeUndefined();
      // On first use: two callers at once share one measurement; once known, nothing is measured again.
      const [first, second] = await Promise.all([engine.tuneOnFirstUse(), engine.tuneOnFirstUse()]);
      expect(second).toBe(first);
      const { kernel, ms } = first!;
      expect(engine.tuned?.kernel).toBe(kernel);
      expect(await engine.tuneOnFirstUse()).toBeNull();
      // Every candidate timed on both convs or dropped for being far behind (the policy: autotune.test.ts); the fastest kept.
      const timed = TUNE_CANDIDATES.filter((k) => !first!.pruned.includes(k));
      expect(Object.keys(ms)).toEqual(timed);
      for (const k of timed) expect(ms[k], k).toBeGreaterThan(0);
      expect(kernel).toBe(timed.find((k) => ms[k] === Math.min(...timed.map((c) => ms[c]!))));
      const next = await Engine.create(async () => gpu);
      expect(next.tuned).toEqual(engine.tuned);
      expect(next.tuned?.kernel).toBe(kernel);
      expect(next.convKernel).toBe(kernel);
      // A cache an older deepwire wrote (the kernel's name alone) is read as it is for the direct conv;
      // a GEMM cached before pools were timed, or a kernel name this one does not know, is measured again.
      const file = `${process.env.XDG_CACHE_HOME}/deepwire/conv-kernel.json`;
      await writeFile(file, JSON.stringify({ [gpu!.description]: 'direct', 'another adapter': 'gemm' }));
      expect((await Engine.create(async () => gpu)).tuned).toEqual({ kernel: 'direct' });
      for (const stale of ['gemm', { kernel: 'gemm64', gemmWorkgroups: 0 }, 'gemm128']) {
        await writeFile(file, JSON.stringify({ [gpu!.description]: stale }));
        expect((await Engine.create(async () => gpu)).tuned, JSON.stringify(stale)).toBeUndefined();
      }
      // The GEMM with the default split K and pools apart, as this version caches it.
      await writeFile(file, JSON.stringify({ [gpu!.description]: { kernel: 'gemm', fusePools: false } }));
      const gemmDefaults = await Engine.create(async () => gpu);
      expect(gemmDefaults.tuned).toEqual({ kernel: 'gemm', fusePools: false });
      // A tuned split-K target reaches the compiles: 0 never splits the late conv that splits by default.
      await writeFile(file, JSON.stringify({ [gpu!.description]: { kernel: 'gemm', gemmWorkgroups: 0, fusePools: false } }));
      const unsplit = await Engine.create(async () => gpu);
      expect(unsplit.tuned).toEqual({ kernel: 'gemm', gemmWorkgroups: 0, fusePools: false });
      const late = analyzeGraph({ format: 'deepwire-graph', version: 1, outputs: ['y'], nodes: [
        { id: 'x', op: 'Input', attrs: { shape: [7, 7, 512] } },
        { id: 'y', op: 'Conv2D', inputs: ['x'], attrs: { filters: 512, kernel_size: 3, padding: 'same' } }] });
      const kernels = (e: Engine) => {
        const compiled = e.compile(late, materializeWeights(late, 1));
        compiled.destroy();
        return compiled.plan.steps.map((s) => s.kernel);
      };
      expect(kernels(unsplit)).toEqual(['conv2dGemm']);
      expect(kernels(gemmDefaults)).toEqual(['conv2dGemm', 'conv2dSplitKReduce']);
      // With a GEMM kept, the pool projection was timed both ways and pools fuse where that won; with
      // the direct conv (SwiftShader) it was not timed and they stay apart.
      const { poolMs } = first!;
      if (kernel === 'direct') expect(poolMs).toBeUndefined();
      else expect(poolMs!.apart * poolMs!.fused).toBeGreaterThan(0);
      expect(engine.tuned?.fusePools).toBe(poolMs ? poolMs.fused < poolMs.apart : undefined);
      await writeFile(file, JSON.stringify({ [gpu!.description]: { kernel: 'direct', fusePools: true } }));
      const fusing = await Engine.create(async () => gpu);
      expect(fusing.tuned).toEqual({ kernel: 'direct', fusePools: true });
      const projection = analyzeGraph({ format: 'deepwire-graph', version: 1, outputs: ['y'], nodes: [
        { id: 'x', op: 'Input', attrs: { shape: [6, 6, 8] } },
        { id: 'pool', op: 'MaxPool2D', inputs: ['x'], attrs: { pool_size: 3, strides: 1, padding: 'same' } },
        { id: 'y', op: 'Conv2D', inputs: ['pool'], attrs: { filters: 8, kernel_size: 1 } }] });
      const poolSteps = (e: Engine) => {
        const compiled = e.compile(projection, materializeWeights(projection, 1));
        compiled.destroy();
        return compiled.plan.steps.filter((s) => s.kernel === 'pool2d').length;
      };
      expect(poolSteps(fusing)).toBe(0);
      expect(poolSteps(gemmDefaults)).toBe(1);
    } finally {
      if (before === undefined) delete process.env.XDG_CACHE_HOME;
      else process.env.XDG_CACHE_HOME = before;
    }
  });

  it('times every node: GPU timestamps where the adapter has them, labelled otherwise', async () => {
    const engine = await Engine.create(async () => gpu);
    const report = analyzeGraph({
      format: 'deepwire-graph', version: 1, outputs: ['p'],
      nodes: [
        { id: 'x', op: 'Input', attrs: { shape: [16, 16, 8] } },
        { id: 'c', op: 'Conv2D', inputs: ['x'], attrs: { filters: 8, kernel_size: 3, padding: 'same' } },
        { id: 'r', op: 'Activation', inputs: ['c'], attrs: { activation: 'relu' } },
        { id: 'p', op: 'MaxPool2D', inputs: ['r'] },
      ],
    });
    const compiled = engine.compile(report, materializeWeights(report, 1));
    const x = { shape: [1, 16, 16, 8], data: new Float32Array(16 * 16 * 8).fill(0.5) };
    const { timings } = await compiled.run({ x }, { timing: true });
    expect(timings!.source).toBe(gpu!.features.timestamps ? 'timestamp-query' : 'cpu-approximation');
    expect(timings!.nodes.map((t) => [t.node, t.fused])).toEqual([['c', ['r']], ['p', []]]);
    // A tiny dispatch can fall under the adapter's timestamp resolution (SwiftShader): ≥ 0 each, > 0 in all.
    for (const t of timings!.nodes) expect(t.ms).toBeGreaterThanOrEqual(0);
    expect(timings!.totalMs).toBeGreaterThan(0);
    expect(timings!.totalMs).toBeCloseTo(timings!.nodes.reduce((a, t) => a + t.ms, 0), 6);
  });
});
