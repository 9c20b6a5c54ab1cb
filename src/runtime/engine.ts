// The WebGPU runtime: turns a Plan into buffers, pipelines and bind groups on a device and runs it —
// one command encoder and one submit per forward pass, reading back only the tensors asked for.
// Pipelines are cached per device by what changes their code; a lost device is replaced on the next run.
import type { GraphReport } from '../graph/analyze.ts';
import { formatShape, sizeOf, type Tensor } from '../tensor.ts';
import { KERNELS, orderedBindings, packParams, stepReadingWhatItWrites } from '../compile/kernels.ts';
import { lowerGraph, type ConvKernel, type LowerOptions } from '../compile/lower.ts';
import type { KernelName } from '../compile/kernels.ts';
import { isContiguous, viewSpan, type Plan, type Step, type View } from '../compile/plan.ts';
import { OpError } from '../ops/op.ts';
import { acquireDevice, type DeviceInfo } from './device.ts';
import { cachedTune, tuneConvKernel, type Tuned, type TuneResult } from './autotune.ts';
import { EngineError, GpuRunError, scopedGpuWork, type CapturedGpuError } from './errors.ts';
import { mapForReading } from './gpu-wait.ts';

export { EngineError, GpuRunError };

export interface NodeTiming {
  node: string;
  /** Nodes fused into this node's dispatch. */
  fused: string[];
  ms: number;
}

export interface RunResult {
  tensors: Map<string, Tensor>;
  /** Per-node GPU time when asked for; `source` says whether it was measured or approximated. */
  timings?: {
    source: 'timestamp-query' | 'cpu-approximation'; nodes: NodeTiming[]; totalMs: number;
    /** Per step of the plan, in its order (a node's several dispatches apart: profiles by kernel). */
    steps: number[];
  };
  /** Where this run's wall time went (`performance.now()` marks, ms): `bench/fixed-cost.ts` reports it per workload. */
  phases: RunPhases;
}

export interface RunOptions {
  /** Tensors to read back (default: the graph's outputs); each must have been kept at compile time. */
  read?: string[];
  /** Per-node GPU time (timestamp queries where the adapter has them). */
  timing?: boolean;
  /**
   * Arrays to read tensors into instead of new ones (ONNX Runtime's pre-allocated outputs): a loop that
   * runs a graph again and again then allocates nothing. A fresh array costs its page faults: about
   * 4 ms per MB on the benchmark's virtual machines, where a warm W1 computes in 0.1 ms (bench:fixed).
   */
  into?: Record<string, Float32Array>;
}

/**
 * A run's wall time, phase by phase. `waiting` is the submit to the readback mapped: the GPU's work plus the
 * browser's round trip (on a fast GPU mostly the round trip); the rest is deepwire's JavaScript.
 */
export interface RunPhases {
  /** Behind an earlier run of the same graph (runs are queued). */
  queued: number;
  /** Device and GPU objects checked (built on a first run). */
  prepare: number;
  /** The feeds written to the GPU (copied into the browser's transfer memory). */
  upload: number;
  /** Every dispatch and the readback copies encoded, submitted. */
  encode: number;
  /** Submit until the readback buffers are mapped. */
  waiting: number;
  /** Mapped until the GPU error scopes answered. */
  errorScopes: number;
  /** Mapped bytes copied into tensors (the caller's `into` arrays only after the scopes answered clean). */
  gather: number;
  total: number;
}

const GiB = (bytes: number) => `${(bytes / 2 ** 30).toFixed(2)} GiB`;
const bool = (v: number | boolean) => (typeof v === 'boolean' ? (v ? 1 : 0) : v);

export class Engine {
  /** Pipelines created since this engine started: a second run of the same graph adds none. */
  pipelinesCreated = 0;
  /** Bumped whenever the device is replaced; compiled graphs rebuild their GPU objects on a change. */
  generation = 0;
  /** True between a device loss and the next run, which replaces the device. */
  lost = false;
  private pipelines = new Map<string, Promise<GPUComputePipeline>>();
  private modules = new Map<string, GPUShaderModule>();

  private constructor(private current: DeviceInfo, private readonly acquire: () => Promise<DeviceInfo | null>) {
    this.watch();
  }

  /** Opens the platform's WebGPU device; an EngineError says what to install when there is none. */
  static async create(acquire: () => Promise<DeviceInfo | null> = () => acquireDevice()): Promise<Engine> {
    const info = await acquire();
    if (!info) throw new EngineError('no WebGPU adapter found', undefined, 'use a browser with WebGPU, or in Node install the webgpu package (npm install webgpu) and, without a GPU, Debian\'s chromium (SwiftShader) and libvulkan1 — see README');
    const engine = new Engine(info, acquire);
    engine.tuned = await cachedTune(info.description);
    return engine;
  }

  /**
   * The conv kernel this adapter favours: register tiles on CPU-like adapters (SwiftShader, where
   * loads dominate and workgroup memory is no faster), workgroup-memory GEMM tiles on GPUs.
   */
  get convKernel(): ConvKernel {
    return this.tuned?.kernel ?? (/swiftshader|llvmpipe|lavapipe|cpu/i.test(this.current.description) ? 'direct' : 'gemm');
  }

  /**
   * What the autotune kept for this adapter — the conv kernel, the GEMM's split-K target
   * (LowerOptions.gemmWorkgroups; absent: the default) and whether pools run in the 1×1 convs' loads
   * (LowerOptions.fusePools) — set from its cache at creation or by `tune()`; until then `convKernel`
   * guesses by adapter and pools run apart.
   */
  tuned?: Tuned;

  /** Measures the conv kernels on this adapter and keeps the fastest (src/runtime/autotune.ts). */
  async tune(): Promise<TuneResult> {
    const result = await tuneConvKernel(this);
    // The choice without the measurements behind it (tuneConvKernel leaves out what it did not set).
    const { ms: _ms, pruned: _pruned, splitMs: _splitMs, poolMs: _poolMs, ...tuned } = result;
    this.tuned = tuned;
    return result;
  }

  private tuning: Promise<TuneResult | null> | null = null;
  /** A tune failed in this session: the guess stays, and no run pays for another try. */
  private tuneFailed = false;

  /** True until the conv kernel is known or a tune has failed: the next first use will measure. */
  get needsTune(): boolean {
    return this.tuned === undefined && !this.tuneFailed;
  }

  /**
   * The autotune on first use: measures once on an adapter with no cached choice (about a second on
   * SwiftShader, less on a GPU) and resolves to the result; null at once when a choice is known.
   * The editor and the CLI call it before their first compile; a failed tune keeps the guess.
   */
  async tuneOnFirstUse(): Promise<TuneResult | null> {
    if (!this.needsTune) return null;
    // A device lost mid-tune: the run that follows reports and recovers it.
    this.tuning ??= this.tune().catch(() => {
      this.tuneFailed = true;
      return null;
    }).finally(() => (this.tuning = null));
    return this.tuning;
  }

  get info(): DeviceInfo {
    return this.current;
  }

  get device(): GPUDevice {
    return this.current.device;
  }

  private watch(): void {
    const device = this.current.device;
    device.lost.then(() => {
      if (this.current.device === device) this.lost = true;
    });
  }

  /** Replaces a lost device; compiled graphs notice the new generation and rebuild. */
  async ensureDevice(): Promise<void> {
    if (!this.lost) return;
    const info = await this.acquire();
    if (!info) throw new EngineError('the GPU device was lost and no adapter is available any more', undefined, 'reload the page or restart the browser');
    this.current = info;
    this.lost = false;
    this.generation++;
    this.pipelines.clear();
    this.modules.clear();
    this.unbuildable.clear();
    this.poolsUnbuildable = false;
    this.watch();
  }

  /** Lowers a validated graph for this engine; nothing touches the GPU until the first run. */
  compile(report: GraphReport, weights: Map<string, Record<string, Tensor>>, options: Partial<LowerOptions> = {}): CompiledGraph {
    const keep = new Set([...(options.keep ?? []), ...report.outputs]);
    // Read once: a tune that ends between this compile and its first run does not change its plan.
    const convKernel = options.convKernel ?? this.convKernel;
    const gemmWorkgroups = options.gemmWorkgroups ?? this.tuned?.gemmWorkgroups;
    const fusePools = options.fusePools ?? this.tuned?.fusePools;
    // Lowered again, past the kernels this device failed to build, if one of its kernels fails (CompiledGraph.prepare).
    const lower = () => {
      const plan = lowerGraph(report, weights, {
        ...options, batch: options.batch ?? 1, keep, convKernel, gemmWorkgroups, fusePools: fusePools && !this.poolsUnbuildable,
        subgroups: options.subgroups ?? this.info.features.subgroups, avoidKernels: new Set(this.unbuildable),
      });
      this.checkLimits(plan);
      return plan;
    };
    return new CompiledGraph(this, lower(), keep, lower);
  }

  /**
   * Kernels this device failed to build (a driver's or browser's shader compiler that refuses one):
   * lowering takes the next choice for them, the naive conv for a conv kernel (conv-kernel.ts).
   */
  readonly unbuildable = new Set<KernelName>();

  /**
   * A conv kernel's pooled variant (POOL, LowerOptions.fusePools) failed to build here: lowering runs
   * the pools apart again, and the kernel itself stays in use.
   */
  poolsUnbuildable = false;

  /** Refuses a plan with a buffer past what this device binds, naming the node whose tensor it holds. */
  checkLimits(plan: Plan): void {
    const limit = Math.min(this.device.limits.maxStorageBufferBindingSize, this.device.limits.maxBufferSize);
    plan.allocations.forEach((a, i) => {
      const bytes = a.floats * 4;
      if (bytes <= limit) return;
      const view = [...plan.views.values()].find((v) => v.alloc === i);
      throw new EngineError(
        `its output ${view ? formatShape(view.shape) : ''} needs ${GiB(bytes)}, more than this GPU can bind in one buffer (${GiB(limit)}, maxStorageBufferBindingSize)`,
        a.owner, 'use a smaller input size or batch, or fewer filters in this layer');
    });
    plan.constants.forEach((c) => {
      if (c.length * 4 > limit) throw new EngineError(`a weight tensor of ${GiB(c.length * 4)} exceeds this GPU's ${GiB(limit)} per-buffer limit`);
    });
  }

  /** The pipeline for a step, created once per device and code variant. */
  pipeline(step: Step): Promise<GPUComputePipeline> {
    const k = KERNELS[step.kernel];
    const constants = Object.fromEntries(Object.entries(step.overrides).sort().map(([key, v]) => [key, bool(v)]));
    const key = `${k.name} ${JSON.stringify(constants)}`;
    let p = this.pipelines.get(key);
    if (!p) {
      p = this.createPipeline(k.name, k.code, constants, step.node);
      this.pipelines.set(key, p);
      p.catch(() => {
        this.pipelines.delete(key);
        if (this.lost) return;
        if (step.overrides.POOL) this.poolsUnbuildable = true;
        else this.unbuildable.add(step.kernel);
      });
    }
    return p;
  }

  private async createPipeline(name: string, code: string, constants: Record<string, number>, node: string): Promise<GPUComputePipeline> {
    const device = this.device;
    let module = this.modules.get(code);
    if (!module) {
      module = device.createShaderModule({ code, label: name });
      this.modules.set(code, module);
    }
    // A pipeline that does not build rejects; the scope catches an implementation that reports it as a
    // validation error instead. It closes before the await, so it holds this call's errors only: left
    // open across the compile, it swallowed those of whatever other code called the device meanwhile.
    device.pushErrorScope('validation');
    let creating: Promise<GPUComputePipeline>;
    try {
      creating = device.createComputePipelineAsync({ layout: 'auto', label: name, compute: { module, entryPoint: 'main', constants } });
    } catch (e) {
      creating = Promise.reject(e); // a binding that throws instead of rejecting
    }
    const reported = device.popErrorScope();
    try {
      const [pipeline, error] = await Promise.all([creating, reported]);
      if (error) throw error;
      this.pipelinesCreated++;
      return pipeline;
    } catch (e) {
      const info = await module.getCompilationInfo();
      const messages = info.messages.filter((m) => m.type === 'error').map((m) => `${m.lineNum}:${m.linePos} ${m.message}`);
      throw new EngineError(`kernel ${name} failed to build: ${messages.join('; ') || (e as Error).message}`, node, 'this is a deepwire bug: please report it with the graph');
    }
  }
}

interface GpuState {
  generation: number;
  buffers: GPUBuffer[];
  constants: GPUBuffer[];
  uniform: GPUBuffer;
  /** Bound for an unused optional input; a second one for unused outputs, as WebGPU refuses one buffer read and written by a dispatch. */
  dummy: GPUBuffer;
  writableDummy: GPUBuffer;
  pipelines: GPUComputePipeline[];
  bindGroups: GPUBindGroup[];
  grids: [number, number][];
  /** Readback buffers by node, made on first read and reused by later runs. */
  staging: Map<string, GPUBuffer>;
  /** Timestamp queries (two per step) and their readback, made on the first timed run. */
  timer?: { querySet: GPUQuerySet; resolve: GPUBuffer; times: GPUBuffer };
}

/** A graph lowered for one engine: run it as often as you like; GPU objects are built on first use. */
export class CompiledGraph {
  private gpu: GpuState | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private building: Promise<GpuState> | null = null;

  constructor(private readonly engine: Engine, private current: Plan, readonly kept: ReadonlySet<string>, private readonly relower?: () => Plan) {}

  /** The plan it runs: lowered again when one of its kernels did not build on this device. */
  get plan(): Plan {
    return this.current;
  }

  /** Builds (or rebuilds after a device loss) every buffer, pipeline and bind group. */
  async prepare(): Promise<void> {
    await this.engine.ensureDevice();
    if (this.gpu?.generation === this.engine.generation) return;
    await this.fallBackPastUnbuildable();
    if (!this.building) this.building = this.build().finally(() => (this.building = null));
    this.gpu = await this.building;
  }

  /**
   * Builds every pipeline first; where one fails and lowering has another choice for it (the naive
   * conv for a conv kernel this device cannot build; its pools apart where only a conv's pooled
   * variant fails), the graph is lowered again without it. Kept views stay: fusion does not depend on
   * the conv kernel, and a pool run apart again was never kept.
   */
  private async fallBackPastUnbuildable(): Promise<void> {
    for (;;) {
      try {
        await Promise.all(this.current.steps.map((s) => this.engine.pipeline(s)));
        return;
      } catch (e) {
        const next = this.relower?.();
        const kernels = (p: Plan) => p.steps.map((s) => s.kernel).join();
        if (!next || kernels(next) === kernels(this.current)) throw e;
        // Said, not hidden: a kernel that does not build is a gap in this adapter's support (or a bug).
        const without = [...this.engine.unbuildable, ...(this.engine.poolsUnbuildable ? ['pools in the conv loads'] : [])];
        console.warn(`deepwire: ${(e as Error).message}; lowering again without ${without.join(', ')}`);
        this.current = next;
      }
    }
  }

  private async build(): Promise<GpuState> {
    const { plan } = this;
    const device = this.engine.device;
    const generation = this.engine.generation;
    const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
    // All distinct pipelines at once, first: their creation (100s of ms each on a CPU adapter)
    // overlaps the buffer creation and weight uploads below.
    const pipelinesReady = Promise.all(plan.steps.map((s) => this.engine.pipeline(s)));
    pipelinesReady.catch(() => undefined); // awaited below; an out-of-memory error may be thrown first
    const align = device.limits.minUniformBufferOffsetAlignment;
    const uniformOffsets: number[] = [];
    let uniformBytes = 0;
    for (const s of plan.steps) {
      uniformOffsets.push(uniformBytes);
      uniformBytes += Math.ceil(KERNELS[s.kernel].uniformSize / align) * align;
    }

    const params = new ArrayBuffer(Math.max(16, uniformBytes));
    plan.steps.forEach((s, i) => packParams(KERNELS[s.kernel], s.params, params, uniformOffsets[i]));

    // A validation error in the uploads below would leave weights unwritten and a run's numbers wrong:
    // caught here, it fails the build. Both scopes are popped before any await, whatever happens (an
    // open scope takes in the errors of whatever else calls the device meanwhile).
    const made: GPUBuffer[] = [];
    const newBuffer = (descriptor: GPUBufferDescriptor) => {
      const b = device.createBuffer(descriptor);
      made.push(b);
      return b;
    };
    const destroyAll = () => {
      for (const b of made) b.destroy();
    };
    // Sizes round up to 16 bytes: kernels may read and write any buffer as an array of vec4.
    const size16 = (bytes: number) => Math.max(16, Math.ceil(bytes / 16) * 16);
    // A scope per tensor buffer, so that an out-of-memory error names the node whose output did not fit.
    const bufferErrors: Promise<GPUError | null>[] = [];
    let buffers: GPUBuffer[], constants: GPUBuffer[], uniform: GPUBuffer, dummy: GPUBuffer, writableDummy: GPUBuffer;
    device.pushErrorScope('validation');
    device.pushErrorScope('out-of-memory');
    try {
      buffers = plan.physicalFloats.map((floats, i) => {
        device.pushErrorScope('out-of-memory');
        try {
          return newBuffer({ size: size16(floats * 4), usage, label: `tensor ${i}` });
        } finally {
          bufferErrors.push(device.popErrorScope());
        }
      });
      constants = plan.constants.map((data, i) => {
        // COPY_SRC: a trainer reads its learnt weights back (readConstants).
        const b = newBuffer({ size: size16(data.byteLength), usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST, label: `weights ${i}` });
        device.queue.writeBuffer(b, 0, data.buffer, data.byteOffset, data.byteLength);
        return b;
      });
      uniform = newBuffer({ size: Math.max(16, uniformBytes), usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
      dummy = newBuffer({ size: 16, usage: GPUBufferUsage.STORAGE });
      writableDummy = newBuffer({ size: 16, usage: GPUBufferUsage.STORAGE });
      device.queue.writeBuffer(uniform, 0, params);
    } catch (e) {
      Promise.all([device.popErrorScope(), device.popErrorScope(), ...bufferErrors]).catch(() => undefined);
      destroyAll();
      throw e;
    }
    // Popped innermost first; awaited together, so no rejection goes unhandled.
    const [oom, invalid, ...perBuffer] = await Promise.all([device.popErrorScope(), device.popErrorScope(), ...bufferErrors]);
    const failed = perBuffer.findIndex(Boolean);
    if (oom || failed >= 0) {
      destroyAll();
      const bytes = plan.physicalFloats.reduce((a, f) => a + f * 4, 0) + plan.constants.reduce((a, c) => a + c.byteLength, 0);
      const hint = 'use a smaller input or batch, or fewer filters, or close other GPU-heavy tabs';
      if (failed < 0) throw new EngineError(`the GPU ran out of memory allocating ${GiB(bytes)} for this graph: ${oom!.message.split('\n')[0]}`, undefined, hint);
      // the largest tensor living in the buffer that did not fit is the one to make smaller
      const [id, view] = [...plan.views].filter(([, v]) => plan.physical[v.alloc] === failed).sort(([, a], [, b]) => viewSpan(b) - viewSpan(a))[0] ?? [];
      const owner = id ?? plan.allocations.find((_, a) => plan.physical[a] === failed)?.owner;
      throw new EngineError(
        `the GPU ran out of memory allocating ${GiB(plan.physicalFloats[failed] * 4)} for its output${view ? ` ${formatShape(view.shape)}` : ''} (${GiB(bytes)} for the whole graph)`,
        owner, hint);
    }
    // Only after out of memory: a write into a buffer that could not be allocated is a validation error too.
    if (invalid) {
      destroyAll();
      throw new GpuRunError('validation', invalid.message, "uploading the graph's weights");
    }

    // WebGPU refuses a dispatch that reads a buffer it also writes; lowering gives such producers a
    // buffer of their own, so this would be a deepwire bug — say so on the node, not in the console.
    const selfReading = stepReadingWhatItWrites(plan);
    if (selfReading) throw new EngineError(`internal: ${selfReading.node}'s dispatch would read the buffer it writes`, selfReading.node, 'please report this graph');
    const pipelines = await pipelinesReady;
    const bindGroups = plan.steps.map((s, i) => {
      const k = KERNELS[s.kernel];
      const entries: GPUBindGroupEntry[] = orderedBindings(k, s.bindings, s.node).map((b, j) => ({
        binding: k.bindings[j].index,
        resource: { buffer: b.kind === 'view' ? buffers[plan.physical[b.view.alloc]] : b.kind === 'constant' ? constants[b.index] : k.bindings[j].write ? writableDummy : dummy },
      }));
      entries.push({ binding: k.uniformBinding, resource: { buffer: uniform, offset: uniformOffsets[i], size: k.uniformSize } });
      return device.createBindGroup({ layout: pipelines[i].getBindGroupLayout(0), entries, label: s.node });
    });
    const maxPerDim = device.limits.maxComputeWorkgroupsPerDimension;
    const grids = plan.steps.map((s): [number, number] => {
      const x = Math.max(1, Math.min(s.workgroups, maxPerDim));
      const y = Math.ceil(s.workgroups / x);
      if (y > maxPerDim) throw new EngineError(`${s.node} needs ${s.workgroups} workgroups, more than this GPU dispatches`, s.node, 'use a smaller input');
      return [x, y];
    });
    if (this.gpu) this.release(this.gpu);
    return { generation, buffers, constants, uniform, dummy, writableDummy, pipelines, bindGroups, grids, staging: new Map() };
  }

  /**
   * One forward pass: writes the feeds, encodes every dispatch into one command buffer, submits once,
   * reads back `read` (default: the graph's outputs; each must have been kept at compile time).
   */
  run(feeds: Record<string, Tensor>, options: RunOptions = {}): Promise<RunResult> {
    const called = performance.now();
    // One run at a time: they share the readback and query buffers.
    const result = this.queue.then(() => this.runOnce(feeds, options, called));
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async runOnce(feeds: Record<string, Tensor>, options: RunOptions, called: number): Promise<RunResult> {
    const dequeued = performance.now();
    await this.prepare();
    const prepared = performance.now();
    const gpu = this.gpu!;
    const device = this.engine.device;
    const { plan } = this;
    for (const [id, view] of plan.inputs) {
      const feed = feeds[id];
      if (!feed) throw new EngineError(`no tensor given for Input '${id}'`, id, 'feed every Input node');
      if (formatShape(feed.shape) !== formatShape(view.shape))
        throw new EngineError(`Input '${id}' expects ${formatShape(view.shape)} (batch first), got ${formatShape(feed.shape)}`, id, 'resize the input or change the Input shape');
    }
    // Each id once: a tensor named twice would map its one readback buffer twice.
    const read = [...new Set(options.read ?? [...this.kept].filter((id) => plan.views.has(id) && !plan.inputs.has(id)))];
    for (const id of read)
      if (!this.kept.has(id) || !plan.views.has(id))
        throw new EngineError(`'${id}' was not kept when the graph was compiled`, id, 'compile with it in `keep` to read it back');
    for (const [id, array] of Object.entries(options.into ?? {})) {
      if (!read.includes(id)) throw new EngineError(`'into' names '${id}', which this run does not read`, id, 'name only tensors in `read` (by default the outputs)');
      const { shape } = plan.views.get(id)!; // every id read was checked against the views above
      if (array.length !== sizeOf(shape)) throw new EngineError(`'into' gives ${array.length} floats for '${id}', which has ${sizeOf(shape)} (${formatShape(shape)})`, id, 'pass an array of the tensor\'s size');
    }

    // A plan with no dispatch (the output is an input, or a view of it) has nothing to time.
    if (options.timing && this.engine.info.features.timestamps && !gpu.timer && plan.steps.length) {
      const bytes = 16 * plan.steps.length;
      gpu.timer = {
        querySet: device.createQuerySet({ type: 'timestamp', count: 2 * plan.steps.length }),
        resolve: device.createBuffer({ size: bytes, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC }),
        times: device.createBuffer({ size: bytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST }),
      };
    }
    const timer = options.timing ? gpu.timer : undefined;
    const querySet = timer?.querySet;
    // Everything from the feeds' upload to the submit runs inside error scopes: any GPU error fails the run.
    let started = 0;
    let uploaded = 0;
    const { value: staging, errors } = scopedGpuWork(device, () => {
      for (const [id, view] of plan.inputs) {
        const feed = feeds[id];
        device.queue.writeBuffer(gpu.buffers[plan.physical[view.alloc]], view.offset * 4, feed.data.buffer, feed.data.byteOffset, feed.data.byteLength);
      }
      uploaded = performance.now();
      const encoder = device.createCommandEncoder();
      let pass: GPUComputePassEncoder | null = null;
      started = performance.now();
      plan.steps.forEach((s, i) => {
        if (s.clear) {
          if (pass) pass = (pass.end(), null);
          encoder.clearBuffer(gpu.buffers[plan.physical[s.clear.alloc]], s.clear.offset * 4, viewSpan(s.clear) * 4);
        }
        if (querySet) pass = encoder.beginComputePass({ timestampWrites: { querySet, beginningOfPassWriteIndex: 2 * i, endOfPassWriteIndex: 2 * i + 1 } });
        else pass ??= encoder.beginComputePass();
        encodeStep(pass, gpu, i);
        if (querySet) pass = (pass.end(), null);
      });
      (pass as GPUComputePassEncoder | null)?.end();

      const staging = this.encodeReadback(gpu, encoder, read);
      if (timer) {
        encoder.resolveQuerySet(timer.querySet, 0, 2 * plan.steps.length, timer.resolve, 0);
        encoder.copyBufferToBuffer(timer.resolve, 0, timer.times, 0, 16 * plan.steps.length);
      }
      device.queue.submit([encoder.finish()]);
      return staging;
    });
    const submitted = performance.now();
    const times = timer?.times ?? null;

    // The readback and the timestamps in one wait (one nudging loop where the browser needs it).
    const readBuffers = [...staging.map((s) => s.buffer), ...(times ? [times] : [])];
    const [maps] = await Promise.allSettled([mapForReading(device, readBuffers)]);
    const mapped = performance.now();
    const error = await errors;
    const answered = performance.now();
    if (error || maps.status === 'rejected' || this.engine.lost) {
      for (const b of readBuffers) if (b.mapState === 'mapped') b.unmap();
      if (error) throw await this.gpuError(error, gpu, 'during the run');
      if (this.engine.lost) throw new EngineError('the GPU device was lost during the run; deepwire will reconnect', undefined, 'run again');
      throw (maps as PromiseRejectedResult).reason;
    }
    // Only now, with the error scopes clean, do results reach the caller's arrays (`into`).
    const tensors = this.gatherMapped(staging, options.into);
    const gathered = performance.now();
    const elapsed = performance.now() - started;
    const phases: RunPhases = {
      queued: dequeued - called, prepare: prepared - dequeued, upload: uploaded - prepared, encode: submitted - uploaded, waiting: mapped - submitted,
      errorScopes: Math.max(0, answered - mapped), gather: gathered - answered, total: gathered - called,
    };
    const result: RunResult = { tensors, phases };
    if (options.timing) result.timings = this.timings(times, elapsed);
    times?.unmap();
    return result;
  }

  /**
   * A GPU error as an EngineError on the node it concerns: named by the bind group label (the node id)
   * in the message, else, for a validation error, found by encoding each step on its own (no submit).
   */
  private async gpuError(error: CapturedGpuError, gpu: GpuState, what: string): Promise<GpuRunError> {
    const nodes = new Set(this.plan.steps.map((s) => s.node));
    let node = [...error.message.matchAll(/"([^"]+)"/g)].map((m) => m[1]).find((label) => nodes.has(label));
    if (!node && error.kind === 'validation' && !this.engine.lost) {
      const device = this.engine.device;
      const checks = this.plan.steps.map((_, i) => {
        device.pushErrorScope('validation');
        const encoder = device.createCommandEncoder();
        const pass = encoder.beginComputePass();
        encodeStep(pass, gpu, i);
        pass.end();
        encoder.finish();
        return device.popErrorScope();
      });
      const failed = (await Promise.all(checks)).findIndex(Boolean);
      node = failed >= 0 ? this.plan.steps[failed].node : undefined;
    }
    return new GpuRunError(error.kind, error.message, what, node);
  }

  /**
   * Where a kept tensor lives on the GPU: valid after a run until this graph runs again or is destroyed.
   * Lets visualisation kernels read activations in place instead of reading them back first.
   */
  gpuTensor(id: string): { buffer: GPUBuffer; view: View } | null {
    const v = this.plan.views.get(id);
    if (!this.gpu || !v || !this.kept.has(id)) return null;
    return { buffer: this.gpu.buffers[this.plan.physical[v.alloc]], view: v };
  }

  /** Reads kept tensors as the last run left them, without running again (queued behind any run). */
  read(ids: string[]): Promise<Map<string, Tensor>> {
    const result = this.queue.then(() => this.readOnce(ids));
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async readOnce(ids: string[]): Promise<Map<string, Tensor>> {
    const gpu = this.gpu;
    if (!gpu || gpu.generation !== this.engine.generation) throw new EngineError('nothing to read: this graph has not run on the current device', undefined, 'run it first');
    for (const id of ids)
      if (!this.plan.views.has(id) || !this.kept.has(id)) throw new EngineError(`'${id}' was not kept when the graph was compiled`, id, 'compile with it in `keep` to read it back');
    const device = this.engine.device;
    const { value: staging, errors } = scopedGpuWork(device, () => {
      const encoder = device.createCommandEncoder();
      const staging = this.encodeReadback(gpu, encoder, ids);
      device.queue.submit([encoder.finish()]);
      return staging;
    });
    const [tensors, error] = await Promise.all([this.collect(staging).catch((e: unknown) => e), errors]);
    if (error) throw await this.gpuError(error, gpu, 'reading results back');
    if (!(tensors instanceof Map)) throw tensors;
    return tensors;
  }

  /**
   * Reads constants (weights) as the GPU holds them: a training step updates them in place. Queued
   * behind any run; a GPU error fails the read and returns nothing.
   */
  readConstants(indices: number[]): Promise<Float32Array[]> {
    const result = this.queue.then(async () => {
      await this.prepare();
      const gpu = this.gpu!;
      const device = this.engine.device;
      const { value: staging, errors } = scopedGpuWork(device, () => {
        const encoder = device.createCommandEncoder();
        const staging = indices.map((i) => {
          const bytes = this.plan.constants[i].byteLength;
          const buffer = device.createBuffer({ size: Math.max(16, Math.ceil(bytes / 16) * 16), usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST, label: `read weights ${i}` });
          encoder.copyBufferToBuffer(gpu.constants[i], 0, buffer, 0, buffer.size);
          return { buffer, floats: bytes / 4 };
        });
        device.queue.submit([encoder.finish()]);
        return staging;
      });
      const mapped = await Promise.allSettled([mapForReading(device, staging.map((s) => s.buffer))]);
      const error = await errors;
      try {
        if (error) throw await this.gpuError(error, gpu, 'reading weights back');
        const failed = mapped.find((m) => m.status === 'rejected');
        if (failed) throw (failed as PromiseRejectedResult).reason;
        return staging.map((s) => new Float32Array(s.buffer.getMappedRange()).slice(0, s.floats));
      } finally {
        for (const s of staging) s.buffer.destroy();
      }
    });
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** Copies each kept tensor's span into its (reused) readback buffer. */
  private encodeReadback(gpu: GpuState, encoder: GPUCommandEncoder, ids: string[]) {
    return ids.map((id) => {
      const v = this.plan.views.get(id)!;
      const bytes = viewSpan(v) * 4;
      let buffer = gpu.staging.get(id);
      if (!buffer) gpu.staging.set(id, (buffer = this.engine.device.createBuffer({ size: bytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST, label: `read ${id}` })));
      encoder.copyBufferToBuffer(gpu.buffers[this.plan.physical[v.alloc]], v.offset * 4, buffer, 0, bytes);
      return { id, v, buffer };
    });
  }

  /** Maps the readback buffers once the GPU is done and gathers each view into a tensor. */
  private async collect(staging: { id: string; v: View; buffer: GPUBuffer }[]): Promise<Map<string, Tensor>> {
    await mapForReading(this.engine.device, staging.map((s) => s.buffer));
    return this.gatherMapped(staging);
  }

  /** Each mapped readback buffer's view as a tensor (into the caller's array where `into` has one), unmapped. */
  private gatherMapped(staging: { id: string; v: View; buffer: GPUBuffer }[], into?: Record<string, Float32Array>): Map<string, Tensor> {
    const tensors = new Map<string, Tensor>();
    for (const { id, v, buffer } of staging) {
      tensors.set(id, gather(new Float32Array(buffer.getMappedRange()), v, into?.[id]));
      buffer.unmap();
    }
    return tensors;
  }

  private timings(times: GPUBuffer | null, elapsedMs: number): RunResult['timings'] {
    const { steps } = this.plan;
    const perStep = new Array<number>(steps.length).fill(0);
    let source: 'timestamp-query' | 'cpu-approximation' = 'timestamp-query';
    if (!steps.length) source = this.engine.info.features.timestamps ? 'timestamp-query' : 'cpu-approximation';
    else if (times) {
      const t = new BigInt64Array(times.getMappedRange());
      for (let i = 0; i < steps.length; i++) perStep[i] = Math.max(0, Number(t[2 * i + 1] - t[2 * i])) / 1e6;
    } else {
      // No timestamps: share the wall time of the pass out by each dispatch's share of the work.
      source = 'cpu-approximation';
      const work = steps.map((s) => s.work ?? s.workgroups * 64 * (s.params.KH ?? 1) * (s.params.KW ?? 1) * (s.params.C ?? 1));
      const total = work.reduce((a, b) => a + b, 0) || 1;
      work.forEach((w, i) => (perStep[i] = (elapsedMs * w) / total));
    }
    const byNode = new Map<string, NodeTiming>();
    steps.forEach((s, i) => {
      const t = byNode.get(s.node) ?? { node: s.node, fused: [], ms: 0 };
      t.ms += perStep[i];
      for (const f of s.fused) if (!t.fused.includes(f)) t.fused.push(f);
      byNode.set(s.node, t);
    });
    return { source, nodes: [...byNode.values()], totalMs: perStep.reduce((a, b) => a + b, 0), steps: perStep };
  }

  private release(g: GpuState): void {
    for (const b of [...g.buffers, ...g.constants, g.uniform, g.dummy, g.writableDummy, ...g.staging.values()]) b.destroy();
    if (g.timer) {
      g.timer.querySet.destroy();
      g.timer.resolve.destroy();
      g.timer.times.destroy();
    }
  }

  /** Frees this graph's GPU memory; the plan stays and a later run rebuilds. */
  destroy(): void {
    if (this.gpu) this.release(this.gpu);
    this.gpu = null;
  }
}

/** One step's dispatch: its pipeline, its bind group (labelled with its node) and its grid. */
function encodeStep(pass: GPUComputePassEncoder, gpu: GpuState, i: number): void {
  pass.setPipeline(gpu.pipelines[i]);
  pass.setBindGroup(0, gpu.bindGroups[i]);
  pass.dispatchWorkgroups(...gpu.grids[i]);
}

/** Copies a strided view out of the floats read back from its span, into `out` where given. */
function gather(span: Float32Array, v: View, out: Float32Array = new Float32Array(sizeOf(v.shape))): Tensor {
  if (isContiguous(v)) {
    out.set(span.subarray(0, out.length));
    return { shape: [...v.shape], data: out };
  }
  const rank = v.shape.length;
  const idx = new Array<number>(rank).fill(0);
  for (let i = 0; i < out.length; i++) {
    let at = 0;
    for (let d = 0; d < rank; d++) at += idx[d] * v.strides[d];
    out[i] = span[at];
    for (let d = rank - 1; d >= 0; d--) {
      if (++idx[d] < v.shape[d]) break;
      idx[d] = 0;
    }
  }
  return { shape: [...v.shape], data: out };
}

export { OpError };
