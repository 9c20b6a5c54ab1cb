/** The engine side of the editor's runs: one Engine, an incremental Session and a Visualizer on its
 *  device; per-node GPU times, activation sources for the viewer and the mosaics drawn on the nodes. */
import {
  Engine, GpuRunError, RunCancelled, Session, Visualizer, summarize, type ColormapName, type GraphFile, type SessionProgress, type Tensor, type WeightStore,
} from '../src/index.ts';
import { GpuActivation } from './activation-source.ts';
import type { ActivationSource } from './activation-viewer.ts';

export interface NodeTime {
  /** GPU ms of the node's dispatches; null when it has none (a concat written in place, fused into another). */
  ms: number | null;
  /** The dispatch it was folded into, when fused. */
  fusedInto?: string;
  /** The run that computed it (earlier than the last run: reused). */
  run: number;
}

export interface RunReport {
  run: number;
  ran: string[];
  reused: string[];
  ms: number;
  gpuMs: number;
  timing: 'timestamp-query' | 'cpu-approximation' | 'none';
}

/** `work`, or RunCancelled as soon as `signal` fires. */
function untilAborted<T>(work: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) return Promise.reject(new RunCancelled());
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(new RunCancelled());
    signal.addEventListener('abort', abort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });
}

const MOSAIC_TILES = 16;
const MOSAIC_TILE_PX = 24;

export class RunEngine {
  private engineOnce: Promise<Engine> | null = null;
  private session: Session | null = null;
  private viz: Visualizer | null = null;
  private runs = 0;
  readonly times = new Map<string, NodeTime>();
  private sources = new Map<string, { run: number; source: GpuActivation }>();
  private computedIn = new Map<string, number>();

  /** Opens the device on first use. */
  engine(): Promise<Engine> {
    this.engineOnce ??= Engine.create().then((engine) => {
      this.session = new Session(engine);
      this.viz = new Visualizer(engine.device);
      return engine;
    });
    this.engineOnce.catch(() => (this.engineOnce = null));
    return this.engineOnce;
  }

  /** Counters of the incremental session (runs, nodes computed, compiles). */
  get stats() {
    return this.session?.stats ?? { runs: 0, nodesRun: 0, compiles: 0, compileReuses: 0 };
  }

  get runNumber(): number {
    return this.runs;
  }

  async run(graph: GraphFile, feeds: Record<string, Tensor>, options: { store?: WeightStore; signal?: AbortSignal; onProgress?: (p: SessionProgress) => void } = {}): Promise<RunReport> {
    const engine = await this.engine();
    if (engine.needsTune) {
      options.onProgress?.({ phase: 'tune', done: 0, total: 1, text: 'measuring the conv kernels on this GPU (once per adapter)' });
      // Cancel works during the measurement too: it goes on in the background and the next run uses it.
      await untilAborted(engine.tuneOnFirstUse(), options.signal);
    }
    let result: Awaited<ReturnType<Session['run']>>;
    try {
      result = await this.session!.run(graph, { feeds, store: options.store, signal: options.signal, onProgress: options.onProgress, timing: true });
    } catch (e) {
      // The session forgot every result (a GPU error may have left any buffer half written): so do we.
      if (e instanceof GpuRunError) this.reset();
      throw e;
    }
    // The run replaces a lost device (Engine.ensureDevice): pictures are drawn on the new one, and the
    // old device's activation sources go.
    if (this.viz && this.viz.device !== engine.device) {
      this.viz = new Visualizer(engine.device);
      for (const id of [...this.sources.keys()]) this.dropSource(id);
    }
    if (!result.ran.length) return { run: this.runs, ran: [], reused: result.reused, ms: result.ms, gpuMs: 0, timing: 'none' };
    const run = ++this.runs;
    const byNode = new Map(result.timings?.nodes.map((t) => [t.node, t]) ?? []);
    const fusedInto = new Map(result.timings?.nodes.flatMap((t) => t.fused.filter((f) => f !== t.node).map((f) => [f, t.node] as const)) ?? []);
    for (const id of result.ran) {
      const t = byNode.get(id);
      this.times.set(id, { ms: t?.ms ?? null, run, fusedInto: t ? undefined : fusedInto.get(id) });
      this.computedIn.set(id, run);
      this.dropSource(id);
    }
    for (const id of Object.keys(feeds)) this.dropSource(id);
    for (const id of [...this.times.keys()]) if (!graph.nodes.some((n) => n.id === id)) this.times.delete(id);
    return { run, ran: result.ran, reused: result.reused, ms: result.ms, gpuMs: result.timings?.totalMs ?? 0, timing: result.timings?.source ?? 'none' };
  }

  private dropSource(id: string): void {
    this.sources.get(id)?.source.release();
    this.sources.delete(id);
  }

  /**
   * The node's current activation for the viewer, read in place in the engine's buffer; a fed Input (or a
   * view with no pixels × channels form) is uploaded from its read-back tensor. Null without a result.
   */
  async source(id: string, name: string): Promise<ActivationSource | null> {
    const { session, viz } = this;
    if (!session || !viz) return null;
    const cached = this.sources.get(id);
    if (cached) return cached.source;
    const shape = session.shape(id);
    if (!shape) return null;
    const label = `${name} · run ${this.computedIn.get(id) ?? this.runs}`;
    const onGpu = session.gpuTensor(id);
    const src = onGpu && viz.source(onGpu.buffer, onGpu.view);
    let source: GpuActivation;
    if (src) source = new GpuActivation(viz, src, shape, label, async () => (await session.tensor(id))!);
    else {
      const t = await session.tensor(id);
      if (!t) return null;
      source = new GpuActivation(viz, viz.upload(t), shape, label, async () => t, true);
    }
    this.sources.set(id, { run: this.runs, source });
    return source;
  }

  /** Fingerprint of the node's current result (what decides whether it reruns). */
  fingerprint(id: string): string | null {
    return this.session?.fingerprint(id) ?? null;
  }

  /** The node's tensor as the engine read it back from the GPU. */
  async activation(id: string): Promise<Tensor | null> {
    return (await this.session?.tensor(id)) ?? null;
  }

  /** A small picture of the node's first channels (per-node range), as a data URL; null without a result. */
  async mosaic(id: string, name: string, colormap: ColormapName): Promise<string | null> {
    const source = await this.source(id, name);
    if (!source) return null;
    const s = summarize(await source.stats());
    const vector = source.height * source.width === 1;
    const count = Math.min(source.channels, vector ? 64 : MOSAIC_TILES);
    const cols = vector ? 8 : 4;
    const outW = vector ? 1 : Math.min(source.width, MOSAIC_TILE_PX), outH = vector ? 1 : Math.min(source.height, MOSAIC_TILE_PX);
    const [lo, hi] = colormap === 'diverging' ? [-Math.max(Math.abs(s.min), Math.abs(s.max)), Math.max(Math.abs(s.min), Math.abs(s.max))] : [s.min, s.max];
    const rgba = await source.tiles({ first: 0, count, ranges: [Number.isFinite(lo) ? lo : 0, Number.isFinite(hi) ? hi : 1], colormap, outW, outH });
    const rows = Math.ceil(count / cols);
    const canvas = document.createElement('canvas');
    canvas.width = cols * (outW + (vector ? 0 : 1));
    canvas.height = rows * (outH + (vector ? 0 : 1));
    const ctx = canvas.getContext('2d')!;
    for (let t = 0; t < count; t++) {
      const tile = new ImageData(rgba.slice(t * outW * outH * 4, (t + 1) * outW * outH * 4), outW, outH);
      ctx.putImageData(tile, (t % cols) * (outW + (vector ? 0 : 1)), Math.floor(t / cols) * (outH + (vector ? 0 : 1)));
    }
    return canvas.toDataURL();
  }

  /** Forgets every result. */
  reset(): void {
    for (const id of [...this.sources.keys()]) this.dropSource(id);
    this.session?.clear();
    this.times.clear();
    this.computedIn.clear();
  }
}
