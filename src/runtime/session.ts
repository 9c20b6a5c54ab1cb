// Incremental runs, as ComfyUI does them: a Session remembers each node's result under its fingerprint
// (fingerprint.ts); a new run recomputes only the nodes whose fingerprint changed (and so their
// descendants), by compiling that part of the graph with the unchanged nodes at its frontier fed as Inputs.
// Results stay on the GPU, inside the compiled graph that made them, and are read back only when asked for.
import { analyzeGraph, type GraphReport } from '../graph/analyze.ts';
import type { GraphFile, GraphNode } from '../graph/types.ts';
import { sizeOf, type Tensor } from '../tensor.ts';
import type { View } from '../compile/plan.ts';
import { KERNELS } from '../compile/kernels.ts';
import { EngineError, GpuRunError, type CompiledGraph, type Engine, type RunResult } from './engine.ts';
import { fingerprints, hashString } from './fingerprint.ts';
import { materializeWeights, type WeightStore } from './reference.ts';
import { workDone } from './gpu-wait.ts';

export interface SessionProgress {
  /** 'tune': the editor's autotune on first use (Engine.tuneOnFirstUse), before the session runs. */
  phase: 'tune' | 'plan' | 'weights' | 'compile' | 'kernels' | 'run';
  done: number;
  total: number;
  text: string;
}

export interface SessionRunOptions {
  /** Input node id → [N, ...shape] tensor. */
  feeds: Record<string, Tensor>;
  /** Initializer seed; default the graph's `seed`, else 0. */
  seed?: number;
  /** Imported weights (pretrained models). */
  store?: WeightStore;
  timing?: boolean;
  signal?: AbortSignal;
  onProgress?: (p: SessionProgress) => void;
  /**
   * Keep every node's output for inspection (no fusion, no buffer reuse). Default: when they all fit in
   * KEEP_ALL_BYTES; otherwise only the dispatches' outputs are kept and fused-away nodes have no result.
   */
  inspectAll?: boolean;
  /** An analysis of `graph` already at hand. */
  report?: GraphReport;
}

export interface SessionRun {
  /** Nodes computed by this run, in topological order (Inputs are fed, never computed). */
  ran: string[];
  /** Nodes whose previous result still held. */
  reused: string[];
  /** Whether a compiled graph was built for this run or an earlier one fitted. */
  compiled: 'new' | 'reused' | 'none';
  timings?: RunResult['timings'];
  /** Wall time of the whole run, planning included. */
  ms: number;
}

/** Where a node's current result is: a fed tensor, or a kept view inside a compiled graph. */
interface NodeResult {
  fingerprint: string;
  shape: number[];
  compiled?: CompiledGraph;
  /** The engine's device generation at the run: a replaced device lost the buffers. */
  generation?: number;
  /** Read back (or fed) copy. */
  tensor?: Tensor;
}

/** Thrown when a run's AbortSignal fires; nothing of the run is kept. */
export class RunCancelled extends Error {
  constructor() {
    super('run cancelled');
    this.name = 'AbortError';
  }
}

/** Every node's output kept on the GPU up to this many bytes; past it only the dispatches' own outputs. */
export const KEEP_ALL_BYTES = 512 * 2 ** 20;
const CACHED_GRAPHS = 4;

const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

export class Session {
  /** Counters for tests and the UI: nodes computed and compiled graphs built over the session's life. */
  readonly stats = { runs: 0, nodesRun: 0, compiles: 0, compileReuses: 0 };
  private results = new Map<string, NodeResult>();
  private cache = new Map<string, CompiledGraph>();
  private busy: Promise<unknown> = Promise.resolve();

  constructor(readonly engine: Engine) {}

  /** Runs `graph`, recomputing only what changed since the last run; one run at a time. */
  run(graph: GraphFile, options: SessionRunOptions): Promise<SessionRun> {
    const result = this.busy.then(() => this.forgetOnGpuError(() => this.runOnce(graph, options)));
    this.busy = result.catch(() => undefined);
    return result;
  }

  private async runOnce(graph: GraphFile, options: SessionRunOptions): Promise<SessionRun> {
    const started = performance.now();
    const { signal, onProgress } = options;
    const check = () => {
      if (signal?.aborted) throw new RunCancelled();
    };
    const progress = (phase: SessionProgress['phase'], done: number, total: number, text: string) => onProgress?.({ phase, done, total, text });
    check();
    progress('plan', 0, 1, 'checking what changed');
    const report = options.report ?? analyzeGraph(graph);
    if (!report.ok) {
      const p = report.problems[0];
      throw new EngineError(`the graph has ${report.problems.length} problem(s); first: ${p.message}`, p.node, p.hint ?? 'fix the problems shown on the nodes first');
    }
    const seed = options.seed ?? graph.seed ?? 0;
    const feeds = options.feeds;
    const batch = this.checkFeeds(report, feeds);
    const fps = fingerprints(report, { seed, store: options.store, feeds });
    for (const id of [...this.results.keys()]) if (!report.byId.has(id)) this.results.delete(id);

    const isInput = (id: string) => report.byId.get(id)!.op === 'Input';
    for (const id of report.order)
      if (isInput(id)) this.results.set(id, { fingerprint: fps.get(id)!, shape: feeds[id].shape, tensor: feeds[id] });

    const keepAll = options.inspectAll ?? this.outputBytes(report, batch) <= KEEP_ALL_BYTES;
    const current = (id: string) => this.results.get(id)?.fingerprint === fps.get(id);
    const available = (id: string) => {
      const r = this.results.get(id);
      return !!r && current(id) && (!!r.tensor || (r.generation === this.engine.generation && !!r.compiled?.gpuTensor(id)));
    };
    // Results spread over many compiled graphs hold many graphs' buffers: past a few, start over.
    const holders = new Set(report.order.filter(available).map((id) => this.results.get(id)!.compiled).filter(Boolean));
    const startOver = holders.size > CACHED_GRAPHS;
    // Changed nodes run; so do unchanged ones without a tensor when every node is to be inspected.
    const dirty = new Set(report.order.filter((id) => !isInput(id) && (startOver || !current(id) || (keepAll && !available(id)))));
    // A frontier node without a tensor (fused away last time) is recomputed too, and so on upwards.
    for (let grew = true; grew;) {
      grew = false;
      for (const id of [...dirty])
        for (const i of report.byId.get(id)!.inputs)
          if (!dirty.has(i) && !isInput(i) && !available(i)) {
            dirty.add(i);
            grew = true;
          }
    }
    const ran = report.order.filter((id) => dirty.has(id));
    const reused = report.order.filter((id) => !isInput(id) && !dirty.has(id));
    this.stats.runs++;
    if (!ran.length) return { ran, reused, compiled: 'none', ms: performance.now() - started };

    const frontier = [...new Set(ran.flatMap((id) => report.byId.get(id)!.inputs))].filter((id) => !dirty.has(id));
    const sub = this.subgraph(graph, report, ran, frontier);
    const structure = fingerprints(report, { seed, store: options.store });
    const key = hashString(JSON.stringify([batch, keepAll, sub.nodes.map((n) => [n.id, frontier.includes(n.id) ? report.byId.get(n.id)!.shape : structure.get(n.id)])]));

    let compiled = this.cache.get(key);
    const reusedCompile = !!compiled;
    if (compiled) {
      this.cache.delete(key); // re-inserted below: most recently used last
      this.stats.compileReuses++;
    } else {
      progress('weights', 0, 1, 'preparing weights');
      await nextTask();
      check();
      const subReport = analyzeGraph(sub);
      const weights = materializeWeights(subReport, seed, options.store);
      progress('compile', 0, 1, `compiling ${ran.length} node${ran.length > 1 ? 's' : ''}`);
      await nextTask();
      check();
      let keep = ran;
      if (!keepAll) keep = [...this.engine.compile(subReport, weights, { batch, keep: [] }).plan.views.keys()].filter((id) => dirty.has(id));
      compiled = this.engine.compile(subReport, weights, { batch, keep });
      this.stats.compiles++;
    }
    this.cache.set(key, compiled);

    await this.buildKernels(compiled, progress, check);
    check();
    const subFeeds: Record<string, Tensor> = {};
    for (const id of frontier) {
      const t = await this.tensor(id);
      if (!t) throw new EngineError(`internal: no result for '${id}' to feed the rerun`, id, 'run again');
      subFeeds[id] = t;
    }
    check();
    progress('run', 0, 1, `running ${ran.length} node${ran.length > 1 ? 's' : ''} on the GPU`);
    const result = await compiled.run(subFeeds, { read: [], timing: options.timing });
    if (!options.timing) await workDone(this.engine.device);

    const generation = this.engine.generation;
    for (const id of ran) this.results.set(id, { fingerprint: fps.get(id)!, shape: [batch, ...report.byId.get(id)!.shape!], compiled, generation });
    this.stats.nodesRun += ran.length;
    this.evict();
    progress('run', 1, 1, 'done');
    return { ran, reused, compiled: reusedCompile ? 'reused' : 'new', timings: result.timings, ms: performance.now() - started };
  }

  private checkFeeds(report: GraphReport, feeds: Record<string, Tensor>): number {
    let batch: number | undefined;
    for (const id of report.order) {
      const r = report.byId.get(id)!;
      if (r.op !== 'Input') continue;
      const feed = feeds[id];
      if (!feed) throw new EngineError(`Input '${r.name}' has nothing to run on`, id, 'give it a photo or a tensor');
      const want = [feed.shape[0], ...r.shape!];
      if (feed.shape.length !== want.length || feed.shape.some((d, i) => d !== want[i]) || feed.data.length !== sizeOf(want))
        throw new EngineError(`Input '${r.name}' expects N×${r.shape!.join('×')}, got ${feed.shape.join('×')}`, id, 'feed it again after changing its shape');
      if (batch !== undefined && feed.shape[0] !== batch) throw new EngineError(`every Input needs the same batch size`, id, 'feed each Input the same number of samples');
      batch = feed.shape[0];
    }
    if (batch === undefined) throw new EngineError('the graph has no Input', undefined, 'add an Input node');
    return batch;
  }

  private outputBytes(report: GraphReport, batch: number): number {
    return report.nodes.reduce((sum, n) => sum + (n.shape ? sizeOf(n.shape) * batch * 4 : 0), 0);
  }

  /** The nodes to run as a graph of their own: frontier nodes become Inputs of their shape. */
  private subgraph(graph: GraphFile, report: GraphReport, ran: string[], frontier: string[]): GraphFile {
    const raw = new Map(graph.nodes.map((n) => [n.id, n]));
    const nodes: GraphNode[] = [
      ...frontier.map((id) => ({ id, op: 'Input', name: report.byId.get(id)!.name, attrs: { shape: [...report.byId.get(id)!.shape!] } })),
      ...ran.map((id) => {
        const { layout: _layout, ...node } = raw.get(id)!;
        return { ...node, name: report.byId.get(id)!.name };
      }),
    ];
    const consumed = new Set(ran.flatMap((id) => report.byId.get(id)!.inputs));
    return { format: 'deepwire-graph', version: 1, seed: graph.seed, nodes, outputs: ran.filter((id) => !consumed.has(id)) };
  }

  /**
   * Creates the graph's pipelines one at a time before the run, for progress and a chance to cancel
   * between them (SwiftShader compiles one at a time anyway); the run then finds them cached.
   */
  private async buildKernels(compiled: CompiledGraph, progress: (phase: SessionProgress['phase'], done: number, total: number, text: string) => void, check: () => void): Promise<void> {
    const { plan } = compiled;
    const distinct = new Map(plan.steps.map((s) => [`${KERNELS[s.kernel].name} ${JSON.stringify(Object.entries(s.overrides).sort())}`, s]));
    let done = 0;
    for (const s of distinct.values()) {
      check();
      progress('kernels', done, distinct.size, `building kernels ${done}/${distinct.size}`);
      // A kernel this device cannot build is not fatal here: prepare() lowers past it where it can.
      await this.engine.pipeline(s).catch(() => undefined);
      done++;
    }
    await compiled.prepare();
  }

  /** Drops compiled graphs beyond the cache size that no current result lives in. */
  private evict(): void {
    const used = new Set([...this.results.values()].map((r) => r.compiled));
    for (const [key, g] of this.cache) {
      if (this.cache.size <= CACHED_GRAPHS) break;
      if (used.has(g)) continue;
      this.cache.delete(key);
      g.destroy();
    }
  }

  /** A node's current result as a tensor, read back from the GPU on first use; null when there is none. */
  async tensor(id: string): Promise<Tensor | null> {
    const r = this.results.get(id);
    if (!r) return null;
    if (!r.tensor && r.compiled) {
      const compiled = r.compiled;
      r.tensor = (await this.forgetOnGpuError(() => compiled.read([id]))).get(id);
    }
    return r.tensor ?? null;
  }

  /**
   * A GPU error may have left any buffer half written: every result goes, so that nothing computed
   * before or during the failure is shown as valid, and the error passes on.
   */
  private async forgetOnGpuError<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (e) {
      if (e instanceof GpuRunError) this.clear();
      throw e;
    }
  }

  /** Where a node's current result lives on the GPU (null for fed Inputs and nodes without one). */
  gpuTensor(id: string): { buffer: GPUBuffer; view: View } | null {
    return this.results.get(id)?.compiled?.gpuTensor(id) ?? null;
  }

  /** Shape (batch first) of a node's current result, or null. */
  shape(id: string): number[] | null {
    return this.results.get(id)?.shape ?? null;
  }

  fingerprint(id: string): string | null {
    return this.results.get(id)?.fingerprint ?? null;
  }

  /** Nodes holding a result. */
  get nodes(): string[] {
    return [...this.results.keys()];
  }

  /** Forgets every result and frees every compiled graph. */
  clear(): void {
    for (const g of this.cache.values()) g.destroy();
    for (const r of this.results.values()) r.compiled?.destroy();
    this.cache.clear();
    this.results.clear();
  }
}
