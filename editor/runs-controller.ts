/** Runs as the page shows them: Run and Cancel, progress, the run's summary and regularization losses, the
 *  faces of the nodes (times, heat, mosaics, staleness) and the activation viewer. The engine side (device,
 *  session, pictures) is run-engine.ts. A Lit reactive controller: the host re-renders on every change. */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import {
  GpuRunError, RunCancelled, fingerprints, formatLosses, formatShape, isRegularized, materializeNodeWeights, nodeLosses, summarize, totalLosses,
  type Engine, type GraphFile, type GraphReport, type Losses, type NodeLosses, type WeightStore,
} from '../src/index.ts';
import type { ActivationSource } from './activation-viewer.ts';
import type { Feeds } from './feeds.ts';
import type { NodeRunFace } from './op-node.ts';
import { RunEngine, type RunReport } from './run-engine.ts';
import { getWeightStore, weightsReady } from './weight-store.ts';

/** What window.deepwire.run() resolves to. */
export interface RunSummary { ran: string[]; reused: string[]; ms: number; gpuMs: number; timing: string; nodesRun: number }

/** Keras' model.losses as of run `run`, per regularized node and in all. */
export interface RunLosses { run: number; byNode: Map<string, NodeLosses>; total: Losses }

export interface RunsHooks {
  graph(): GraphFile;
  report(): GraphReport;
  feeds(): Feeds;
  selected(): string[];
  /** An info message, or an error; `holds` says whether an error is still true (it goes once it is not). */
  say(kind: 'info' | 'error', text: string, holds?: () => boolean): void;
  /** 'conv2_3x3: ', the node a message is about. */
  where(node?: string): string;
}

export class RunsController implements ReactiveController {
  running = false;
  progress: { text: string; fraction: number | null } | null = null;
  summary = '';
  /** Null when nothing is regularized. */
  losses: RunLosses | null = null;
  heatmap = false;
  mapsOpen = false;
  faces = new Map<string, NodeRunFace>();
  viewer: { id: string; name: string; source: ActivationSource | null; message: string } = { id: '', name: '', source: null, message: '' };
  compareSource: ActivationSource | null = null;
  globalRange: [number, number] | null = null;
  /** Every node's output of the last run: the viewer's global scope (range and percentiles) over them. */
  globalSources: ActivationSource[] | null = null;
  /** Each node's mosaic of its last result, as a data URL. */
  readonly mosaics = new Map<string, string>();
  private engine = new RunEngine();
  /** Imported weights of opened models, by the graph's weight references (restored from IndexedDB on reload). */
  private store: WeightStore = getWeightStore();
  private abort: AbortController | null = null;
  private inFlight: Promise<RunSummary> | null = null;
  /** The node a failed run stopped at (out of memory, say): its face says so until a run succeeds. */
  private runError: { node: string; text: string } | null = null;
  /** Counts failed runs: the message of one holds until a run succeeds (which sets this to 0). */
  private failures = 0;
  private nodeRanges = new Map<string, [number, number]>();
  private mosaicToken = 0;

  constructor(private host: ReactiveControllerHost, private hooks: RunsHooks) {
    host.addController(this);
  }

  hostConnected(): void {}

  /** The number of the last run (0 before the first). */
  get runNumber(): number {
    return this.engine.runNumber;
  }

  /** The device runs use (opened on first use): training shares it. */
  openEngine(): Promise<Engine> {
    return this.engine.engine();
  }

  /** A node's output as read back from the GPU after the last run that computed it; null without one. */
  async activation(id: string): Promise<{ shape: number[]; data: Float32Array } | null> {
    const t = await this.engine.activation(id);
    return t ? { shape: [...t.shape], data: t.data } : null;
  }

  /** A node's output of the last run that computed it, for pictures (the maps on the canvas); null without one. */
  source(id: string): Promise<ActivationSource | null> {
    const r = this.hooks.report().byId.get(id);
    return r ? this.engine.source(id, r.name) : Promise.resolve(null);
  }

  /** Runs what changed since the last run; a second call while one is in flight waits for it. */
  run(): Promise<RunSummary> {
    this.inFlight ??= this.runOnce().finally(() => (this.inFlight = null));
    return this.inFlight;
  }

  /** Whether there was a run to cancel. */
  cancel(): boolean {
    if (!this.running) return false;
    this.abort?.abort();
    return true;
  }

  toggleHeatmap(): void {
    this.heatmap = !this.heatmap;
    this.host.requestUpdate();
    this.refreshFaces();
  }

  toggleMaps(): Promise<void> {
    this.mapsOpen = !this.mapsOpen;
    this.host.requestUpdate();
    return this.refreshViewer();
  }

  closeMaps(): void {
    this.mapsOpen = false;
    this.host.requestUpdate();
  }

  /** A graph is shown: the faces follow it; a viewed node that is gone (New, another file) moves the viewer to what is there. */
  graphShown(): void {
    this.refreshFaces();
    if (this.viewer.id && !this.hooks.report().byId.has(this.viewer.id)) void this.refreshViewer();
  }

  selectionChanged(ids: string[]): void {
    if (ids.length === 1 && ids[0] !== this.viewer.id) void this.refreshViewer();
  }

  private async runOnce(): Promise<RunSummary> {
    await weightsReady();
    const report = this.hooks.report();
    if (!report.ok) {
      const p = report.problems[0];
      // Said while the graph still has this problem: a rewire that mends it takes the message away.
      const holds = () => this.hooks.report().problems.some((q) => q.node === p.node && q.message === p.message);
      this.hooks.say('error', `Cannot run: ${this.hooks.where(p.node)}${p.message}${p.hint ? ` — ${p.hint}` : ''}`, holds);
      throw new Error(`the graph has problems: ${p.message}`);
    }
    const feeds = this.hooks.feeds();
    if (feeds.error) {
      this.hooks.say('error', `Cannot run: ${feeds.error}`, () => this.hooks.feeds().error === feeds.error);
      throw new Error(feeds.error);
    }
    const abort = (this.abort = new AbortController());
    this.running = true;
    this.progress = { text: 'starting…', fraction: null };
    this.host.requestUpdate();
    const graph = this.hooks.graph();
    try {
      const result = await this.engine.run(graph, feeds.tensors, {
        store: this.store, signal: abort.signal,
        onProgress: (p) => {
          this.progress = { text: p.text, fraction: p.phase === 'kernels' && p.total ? p.done / p.total : null };
          this.host.requestUpdate();
        },
      });
      if (result.ran.length) this.losses = await this.regularization(result.run);
      this.summary = [this.describe(result), this.losses ? `losses ${formatLosses(this.losses.total)}` : ''].filter(Boolean).join(' · ');
      this.runError = null;
      this.failures = 0;
      if (result.ran.length) this.globalSources = null;
      for (const id of [...result.ran, ...Object.keys(feeds.tensors)]) {
        this.mosaics.delete(id);
        this.nodeRanges.delete(id);
      }
      if (!this.mapsOpen && result.ran.length) this.mapsOpen = true;
      this.refreshFaces();
      await this.refreshViewer();
      void this.drawMosaics();
      return { ran: result.ran, reused: result.reused, ms: result.ms, gpuMs: result.gpuMs, timing: result.timing, nodesRun: this.engine.stats.nodesRun };
    } catch (e) {
      if (e instanceof RunCancelled) this.hooks.say('info', 'Run cancelled: the results of the last complete run stay.');
      else {
        const error = e as Error & { node?: string; hint?: string };
        this.runError = error.node && this.hooks.report().byId.has(error.node) ? { node: error.node, text: `${error.message}${error.hint ? ` — ${error.hint}` : ''}` } : null;
        if (e instanceof GpuRunError) this.forgetPictures(`The run failed on the GPU, so no maps are shown: ${error.message}`);
        this.refreshFaces();
        const failure = ++this.failures;
        this.hooks.say('error', `The run failed: ${this.hooks.where(error.node)}${error.message}${error.hint ? ` — ${error.hint}` : ''}`, () => this.failures === failure);
      }
      throw e;
    } finally {
      this.running = false;
      this.progress = null;
      this.abort = null;
      this.host.requestUpdate();
    }
  }

  /** The regularized nodes' penalties after a run: weights as the run used them, activations read back. */
  private async regularization(run: number): Promise<RunLosses | null> {
    const nodes = this.hooks.report().nodes.filter(isRegularized);
    if (!nodes.length) return null;
    const weights = materializeNodeWeights(nodes, this.hooks.graph().seed ?? 0, this.store);
    const byNode = new Map<string, NodeLosses>();
    for (const node of nodes) {
      const output = node.attrs.activity_regularizer ? await this.engine.activation(node.id) : null;
      byNode.set(node.id, nodeLosses(node, weights.get(node.id), output));
    }
    return { run, byNode, total: totalLosses(byNode.values()) };
  }

  private describe(r: RunReport): string {
    const total = r.ran.length + r.reused.length;
    if (!r.ran.length) return `nothing changed: ${total} node${total === 1 ? '' : 's'} reused`;
    const what = r.reused.length ? `ran ${r.ran.length} of ${total} nodes (${r.reused.length} reused)` : `ran ${r.ran.length} node${r.ran.length === 1 ? '' : 's'}`;
    const gpu = r.timing === 'timestamp-query' ? `GPU ${r.gpuMs.toFixed(1)} ms` : `≈GPU ${r.gpuMs.toFixed(1)} ms`;
    return `run ${r.run}: ${what} · ${gpu} · ${r.ms.toFixed(0)} ms in all`;
  }

  /** Times, heat, mosaics and staleness on the nodes, from the engine's results and the current graph. */
  refreshFaces(): void {
    const times = this.engine.times;
    if (!times.size && !this.runError) {
      if (this.faces.size) {
        this.faces = new Map();
        this.host.requestUpdate();
      }
      return;
    }
    const report = this.hooks.report();
    const current = report.ok ? fingerprints(report, { seed: this.hooks.graph().seed ?? 0, store: this.store, feeds: this.hooks.feeds().tensors }) : new Map<string, string>();
    const lastRun = this.engine.runNumber;
    const max = Math.max(1e-6, ...[...times.values()].map((t) => t.ms ?? 0));
    const faces = new Map<string, NodeRunFace>();
    for (const r of report.nodes) {
      const t = times.get(r.id);
      const mosaic = this.mosaics.get(r.id) ?? null;
      if (this.runError?.node === r.id) {
        faces.set(r.id, { time: 'run failed', title: this.runError.text, heat: null, mosaic, stale: true });
        continue;
      }
      if (!t && !mosaic) continue;
      const stale = this.engine.fingerprint(r.id) !== current.get(r.id);
      const time = !t ? '' : t.ms != null ? `${t.ms < 10 ? t.ms.toFixed(2) : t.ms.toFixed(1)} ms` : t.fusedInto ? 'fused' : 'in place';
      const why = !t ? 'fed' : t.ms != null ? 'GPU time of its dispatches' : t.fusedInto ? `computed inside ${report.byId.get(t.fusedInto)?.name ?? t.fusedInto}'s dispatch` : 'no dispatch of its own: its inputs write into its buffer';
      const when = t ? (t.run === lastRun ? `run ${t.run}` : `run ${t.run}, reused since`) : '';
      faces.set(r.id, {
        time, title: [why, when, stale ? 'changed since: run again to update' : ''].filter(Boolean).join(' · '),
        heat: this.heatmap && t?.ms != null ? t.ms / max : null, mosaic, stale,
      });
    }
    this.faces = faces;
    this.host.requestUpdate();
  }

  /** After a GPU error every result is gone (RunEngine.reset): so are the pictures drawn from them. */
  private forgetPictures(message: string): void {
    this.mosaicToken++;
    this.mosaics.clear();
    this.nodeRanges.clear();
    this.globalSources = null;
    this.globalRange = null;
    this.compareSource = null;
    this.viewer = { id: this.viewer.id, name: this.viewer.name, source: null, message };
    this.host.requestUpdate();
  }

  /** Colour-mapped mosaics of every node with a result, a few at a time so the page stays responsive. */
  private async drawMosaics(): Promise<void> {
    const token = ++this.mosaicToken;
    let drawn = 0;
    for (const r of this.hooks.report().nodes) {
      if (token !== this.mosaicToken) return;
      if (this.mosaics.has(r.id)) continue;
      try {
        const source = await this.engine.source(r.id, r.name);
        if (!source) continue;
        const s = summarize(await source.stats());
        if (Number.isFinite(s.min)) this.nodeRanges.set(r.id, [s.min, s.max]);
        const url = await this.engine.mosaic(r.id, r.name, 'viridis');
        if (url) this.mosaics.set(r.id, url);
      } catch {
        continue; // a node whose pictures fail still ran; its maps say why when opened
      }
      if (++drawn % 6 === 0) this.refreshFaces();
    }
    if (token !== this.mosaicToken) return;
    const ranges = [...this.nodeRanges.values()];
    this.globalRange = ranges.length ? [Math.min(...ranges.map((r) => r[0])), Math.max(...ranges.map((r) => r[1]))] : null;
    this.host.requestUpdate();
    const sources = await Promise.all(this.hooks.report().nodes.map((r) => this.engine.source(r.id, r.name).catch(() => null)));
    if (token !== this.mosaicToken) return;
    this.globalSources = sources.filter((s): s is ActivationSource => !!s);
    this.host.requestUpdate();
    this.refreshFaces();
  }

  /** Points the viewer at the selected node (or the graph's output) and its latest result. */
  async refreshViewer(): Promise<void> {
    if (!this.mapsOpen) return;
    const report = this.hooks.report();
    const selected = this.hooks.selected();
    const id = selected.length === 1 ? selected[0] : this.viewer.id && report.byId.has(this.viewer.id) ? this.viewer.id : report.outputs[0] ?? '';
    const r = report.byId.get(id);
    if (!r) {
      this.viewer = { id: '', name: '', source: null, message: 'Select a node to see its activation maps.' };
      this.host.requestUpdate();
      return;
    }
    const t = this.engine.times.get(id);
    const source = await this.engine.source(id, r.name).catch(() => null);
    const message = source ? '' : t?.fusedInto
      ? `${r.name} is computed inside ${report.byId.get(t.fusedInto)?.name ?? t.fusedInto}'s dispatch (fused), so it has no tensor of its own.`
      : `Run the graph (▶ Run or Ctrl+Enter) to see what ${r.name} computes.`;
    this.viewer = { id, name: r.name, source, message };
    if (this.compareSource) this.compareSource = null;
    this.host.requestUpdate();
  }

  /** Nodes with a result of the viewed node's shape. */
  compareOptions(): { id: string; label: string }[] {
    const report = this.hooks.report();
    const shape = report.byId.get(this.viewer.id)?.shape;
    if (!shape) return [];
    return report.nodes.filter((n) => n.id !== this.viewer.id && n.shape && formatShape(n.shape) === formatShape(shape) && this.engine.times.has(n.id))
      .map((n) => ({ id: n.id, label: n.name }));
  }

  async loadCompare(id: string): Promise<void> {
    const r = this.hooks.report().byId.get(id);
    this.compareSource = r ? await this.engine.source(id, r.name) : null;
    this.host.requestUpdate();
  }

  /** The status bar's losses: of the last run, while something is regularized. */
  lossesText(): string {
    return this.losses && this.hooks.report().nodes.some(isRegularized) ? `${formatLosses(this.losses.total)} (run ${this.losses.run})` : '';
  }

  /** A node's losses for the inspector; undefined when it has none. */
  nodeLossText(id: string): string | undefined {
    const l = this.losses?.byNode.get(id);
    if (!l || !this.losses) return undefined;
    const stale = this.faces.get(id)?.stale ? ', changed since: run again' : '';
    const activity = l.activity === null ? 'activity not kept in this run' : '';
    return `${[formatLosses(totalLosses([l])), activity].filter(Boolean).join(', ')} (run ${this.losses.run}${stale})`;
  }
}
