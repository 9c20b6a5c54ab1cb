/** Training as the page runs it: the Train panel's fields, a fit() on the runs' WebGPU device on the built-in
 *  data, pause / resume / stop between batches (the page gets its turn after every batch), the progress and
 *  the curves, and at the end the trained weights put into the graph as an undoable edit, kept in the
 *  session's weight store (and IndexedDB) like an imported model's. A Lit reactive controller. */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import {
  GpuTrainer, fit, formatShape, materializeWeights,
  type BatchProgress, type Engine, type EpochLog, type GraphFile, type GraphReport, type Tensor, type TrainingEvaluation, type TrainingRun, type WeightStore,
} from '../src/index.ts';
import { BUILTIN_DATASETS, loadBuiltinDataset } from './builtin-data.ts';
import type { TrainCurves } from './train-chart.ts';
import { trainingBusy, type TrainFields, type TrainProgress, type TrainStatus } from './train-panel.ts';
import { TRAIN_DEFAULTS, learningRateOf, kerasCode, kerasHistory, labelsFor, resolveTrainOptions, trainConfigs, trainProblem, type TrainOptions } from './train-options.ts';
import { adoptWeights, getWeightStore, weightsKept, weightsReady } from './weight-store.ts';
import { downloadFile, exportInWorker, type ExportFormat } from './model-export.ts';
import { loadLibrary, rememberRun } from './run-library.ts';
import { EMPTY_RESULTS, type TrainResultsView } from './train-results.ts';
import { evaluateHeldOut, heldOut, heldOutImage, imageCanvas } from './train-evaluation.ts';
import { curvesOf, describeRun, graphRuns, recordRun, runChoices, withRun } from './train-runs.ts';
import { ProbeSources, firstConv, probeSnapshot, type ProbeSnapshot } from './probe-maps.ts';
import type { ProbeView } from './probe-view.ts';
import type { ActivationSource } from './activation-viewer.ts';

/** What window.deepwire.fit() resolves to: Keras' History (its `history` and `epoch`). */
export type KerasHistory = ReturnType<typeof kerasHistory>;

export interface TrainHooks {
  graph(): GraphFile;
  report(): GraphReport;
  /** The device the runs use (opened on first use). */
  engine(): Promise<Engine>;
  /** Puts a graph in place as one undoable edit. */
  commit(graph: GraphFile): void;
  /** Feeds a held-out image (drawn on a canvas of its size) as the input and shows its maps. */
  openExample(canvas: HTMLCanvasElement, label: string): void;
  /** Opens the activation viewer (the probe's maps are shown there). */
  showMaps(): void;
  /** The number of the runs' last Run: one after the probe was shown puts the viewer back on Run's results. */
  runNumber(): number;
}

type Weights = Map<string, Record<string, Tensor>>;

const fieldsOf = (o: TrainOptions): TrainFields => Object.fromEntries(
  Object.entries({ ...o, learningRate: o.learningRate ?? '', stepsPerEpoch: o.stepsPerEpoch ?? '' }).map(([k, v]) => [k, String(v)]),
);

/** The nodes of a graph as far as its maps go: ids, ops and shapes. */
const nodesOf = (report: GraphReport): string => report.nodes.map((n) => `${n.id}:${n.op}:${n.shape?.join('x')}`).join(',');

const messageOf = (e: unknown): string => {
  const error = e as Error & { hint?: string };
  return `${error?.message ?? e}${error?.hint ? ` — ${error.hint}` : ''}`;
};

export class TrainController implements ReactiveController {
  open = false;
  fields: TrainFields = fieldsOf(TRAIN_DEFAULTS);
  status: TrainStatus = 'idle';
  progress: TrainProgress | null = null;
  /** The curves of the run under way (or the last one run here). */
  curves: TrainCurves = { batches: [], epochs: [] };
  /** The live curves are of a run not kept with the graph (under way, or failed): the chart shows them until a kept run is picked. */
  private liveUnkept = false;
  /** The kept run the chart shows (null: the graph's latest) and the one overlaid ('auto': the run before it; null: none). */
  private selectionOf: { shown: string | null; compare: string | null | 'auto'; graph: string } = { shown: null, compare: 'auto', graph: '' };
  private library: TrainingRun[] = loadLibrary();
  /** The graph (by name) the live curves are of. */
  private liveGraph = '';
  private curvesMemo = new WeakMap<TrainingRun, TrainCurves>();
  /** The held-out images of the shown run's evaluation, once loaded (its misclassified thumbnails). */
  private evaluationImages: { key: string; images: Tensor | null } = { key: '', images: null };
  private exportError = '';
  /**
   * The probe image and its maps per snapshot (probe-maps.ts); `index` null follows the latest; `shownAtRun`:
   * the Run after which the viewer shows them (null: not shown).
   */
  private probe: {
    image: Tensor; label: string; snapshots: ProbeSnapshot[]; index: number | null; shownAtRun: number | null; kernelName: string;
    /** The graph's nodes (ids and ops) the maps are of: another graph (opened, or edited since) shows Run's results. */
    nodes: string;
  } | null = null;
  private probeSources = new ProbeSources(() => this.hooks.engine());
  private probeShown: { key: string; source: ActivationSource | null } = { key: '', source: null };
  /** What a snapshot taken between batches runs with; set while training. */
  private active: { engine: Engine; report: GraphReport; trainer: GpuTrainer; epoch: number; step: number } | null = null;
  private snapshotAsked = false;
  error = '';
  result = '';
  private stopRequested = false;
  private resume: (() => void) | null = null;
  private pausing: Promise<void> | null = null;
  private inFlight: Promise<KerasHistory> | null = null;
  /** What the current curves are of, in short: "adam 0.001, batch 32, fashion-cnn". */
  private runLabel = '';
  /**
   * The speed's clock: when the first batch was reported (its time carries the pipelines' compilation, so
   * it is left out), the time since spent paused or validating, and when such a stretch began (0: none).
   * fit reports batches a few at a time (their metrics are read back together), so the rate is over the run.
   */
  private clock = { firstBatchAt: 0, excludedMs: 0, excludedSince: 0 };

  constructor(private host: ReactiveControllerHost, private hooks: TrainHooks) {
    host.addController(this);
  }

  hostConnected(): void {}

  get busy(): boolean {
    return trainingBusy(this.status);
  }

  /** The Keras code of the fields, or null while they do not check (optionsError says why). */
  get code(): string[] | null {
    try {
      return kerasCode(resolveTrainOptions(this.fields));
    } catch {
      return null;
    }
  }

  get optionsError(): string {
    try {
      resolveTrainOptions(this.fields);
      return '';
    } catch (e) {
      return `Check the options: ${messageOf(e)}.`;
    }
  }

  toggle(): void {
    this.open = !this.open;
    this.host.requestUpdate();
  }

  setFields(fields: TrainFields): void {
    if (this.busy) return;
    this.fields = fields;
    // What the last run failed on was about the options or graph of then.
    this.error = '';
    this.host.requestUpdate();
  }

  command(name: string): void {
    if (name === 'start') void this.start().catch(() => undefined);
    if (name === 'pause') this.pause();
    if (name === 'resume') this.resumeTraining();
    if (name === 'stop') this.stop();
    if (name === 'close') this.toggle();
  }

  /** The kept runs (the graph's, then the library's of other graphs), the one shown, the overlay, its evaluation. */
  get results(): TrainResultsView {
    const own = graphRuns(this.hooks.graph());
    const runs = runChoices(own, this.library);
    // The live curves are of the graph they trained; another graph opened since shows its own runs.
    if (this.liveUnkept && !this.busy && this.liveGraph !== (this.hooks.graph().name ?? '')) this.liveUnkept = false;
    const live = this.busy || (this.liveUnkept && this.selection.shown === null);
    const shown = live ? null : runs.find((r) => r.id === this.selection.shown) ?? own.at(-1) ?? null;
    let compare: TrainingRun | null = null;
    if (this.selection.compare === 'auto') {
      // The run before the shown one: while training, the graph's latest (a new run is drawn over the last).
      const at = shown ? own.indexOf(shown) : own.length;
      compare = (at >= 0 ? own[at - 1] : own.at(-1)) ?? null;
    } else if (this.selection.compare) compare = runs.find((r) => r.id === this.selection.compare && r !== shown) ?? null;
    const evaluation = shown?.evaluation ?? null;
    if (shown && evaluation) void this.loadEvaluationImages(shown, evaluation);
    return {
      ...EMPTY_RESULTS,
      runs: [...runs].reverse().map((r) => ({ id: r.id, text: describeRun(r) })),
      shown: shown?.id ?? null,
      compare: compare?.id ?? null,
      live,
      curves: live ? this.curves : shown ? this.curvesOfRun(shown) : EMPTY_RESULTS.curves,
      compareCurves: compare ? { curves: this.curvesOfRun(compare), label: describeRun(compare) } : null,
      evaluation,
      images: evaluation && this.evaluationImages.key === shown!.id ? this.evaluationImages.images : null,
      exportError: this.exportError,
      busy: this.busy,
      probe: this.probeView(),
    };
  }

  private probeView(): ProbeView | null {
    const p = this.probe;
    // Maps of another graph (one opened since, or edited) are not this graph's.
    if (!p?.snapshots.length || p.nodes !== nodesOf(this.hooks.report())) return null;
    const index = p.index ?? p.snapshots.length - 1;
    return {
      labels: p.snapshots.map((s) => s.label), index, showing: this.probeActive, probe: p.image, probeLabel: p.label,
      kernel: p.snapshots[index].kernel, kernelName: p.kernelName, canSnapshot: this.status === 'running',
    };
  }

  /** The viewer shows the probe's maps: asked for, no Run since, and the graph still has the nodes they are of. */
  private get probeActive(): boolean {
    const p = this.probe;
    return p?.shownAtRun != null && p.shownAtRun === this.hooks.runNumber() && p.nodes === nodesOf(this.hooks.report());
  }

  /**
   * What the activation viewer shows for node `id` while the probe is shown: its map on the probe at the
   * chosen snapshot (null source until uploaded), or null when the viewer shows Run's results.
   */
  probeFor(id: string, name: string): { source: ActivationSource | null; label: string } | null {
    const p = this.probe;
    if (!p || !id || !this.probeActive) return null;
    const index = p.index ?? p.snapshots.length - 1;
    const snapshot = p.snapshots[index];
    if (!snapshot) return null;
    const key = `${index}|${id}|${snapshot.label}`;
    if (this.probeShown.key !== key) {
      this.probeShown = { key, source: null };
      void this.probeSources.sourceFor(snapshot, index, id, name).then((source) => {
        if (this.probeShown.key !== key) return;
        this.probeShown = { key, source };
        this.host.requestUpdate();
      }, () => undefined);
    }
    return { source: this.probeShown.source, label: snapshot.label };
  }

  private showProbe(): void {
    if (!this.probe) return;
    this.probe.shownAtRun = this.hooks.runNumber();
    this.hooks.showMaps();
  }

  /** Runs the probe with the trainer's weights of now; shown in the viewer when the probe is. */
  private async snapshot(weights: Weights, at: { label: string; epoch: number; step: number }): Promise<void> {
    const p = this.probe, a = this.active;
    if (!p || !a) return;
    try {
      p.snapshots.push(await probeSnapshot(a.engine, a.report, weights, p.image, at));
    } catch (e) {
      // The curves matter more than the maps: training goes on, the panel says why there is no snapshot.
      this.error = `The probe's maps could not be taken (${messageOf(e)}); training goes on.`;
    }
    this.host.requestUpdate();
  }

  /** What the results part of the panel asks for: another run shown or overlaid, an export, a misclassified image opened. */
  resultsAction(action: string, value: unknown): void {
    if (action === 'show') {
      this.selection = { ...this.selection, shown: value as string | null, compare: 'auto' };
      if (value) this.liveUnkept = false;
    }
    if (action === 'compare') this.selection = { ...this.selection, compare: (value as string | null) ?? null };
    if (action === 'export') void this.exportModel(value as ExportFormat);
    if (action === 'probe-index' && this.probe) {
      this.probe.index = Math.min(value as number, this.probe.snapshots.length - 1);
      this.showProbe();
    }
    if (action === 'probe-show' && this.probe) {
      if (value) this.showProbe();
      else this.probe.shownAtRun = null;
    }
    if (action === 'probe-now') this.snapshotAsked = true;
    if (action === 'open-example') void this.openExample(value as TrainingEvaluation['misclassified'][number]);
    this.host.requestUpdate();
  }

  /** The chosen runs, for the graph they were chosen on (by name): another graph opened starts from its own latest. */
  private get selection(): { shown: string | null; compare: string | null | 'auto' } {
    const graph = this.hooks.graph().name ?? '';
    return this.selectionOf.graph === graph ? this.selectionOf : { shown: null, compare: 'auto' };
  }

  private set selection(s: { shown: string | null; compare: string | null | 'auto' }) {
    this.selectionOf = { ...s, graph: this.hooks.graph().name ?? '' };
  }

  private curvesOfRun(run: TrainingRun): TrainCurves {
    let curves = this.curvesMemo.get(run);
    if (!curves) this.curvesMemo.set(run, (curves = curvesOf(run)));
    return curves;
  }

  /** The shown run's held-out images (the built-in set, fetched once per page), for its thumbnails. */
  private async loadEvaluationImages(run: TrainingRun, evaluation: TrainingEvaluation): Promise<void> {
    if (this.evaluationImages.key === run.id) return;
    this.evaluationImages = { key: run.id, images: null };
    try {
      const data = await loadBuiltinDataset(run.params.dataset as (typeof BUILTIN_DATASETS)[number]['id']);
      if (this.evaluationImages.key !== run.id) return;
      this.evaluationImages = { key: run.id, images: heldOut(data, evaluation.split, run.params.validationSplit).x };
      this.host.requestUpdate();
    } catch {
      // No thumbnails (a data set this editor does not have): the matrix and the list still say it all.
    }
  }

  private async openExample(m: TrainingEvaluation['misclassified'][number]): Promise<void> {
    const shown = runChoices(graphRuns(this.hooks.graph()), this.library).find((r) => r.id === this.results.shown);
    const evaluation = shown?.evaluation;
    if (!shown || !evaluation) return;
    const found = await heldOutImage(shown.params.dataset, evaluation.split, shown.params.validationSplit, m.index).catch(() => null);
    if (!found) {
      this.exportError = `image ${m.index} of the ${evaluation.split} set is not in this editor's data any more`;
      return this.host.requestUpdate();
    }
    const names = evaluation.classNames;
    this.hooks.openExample(imageCanvas(found.image), `${evaluation.split} image ${m.index}: ${names[m.label]}, called ${names[m.predicted]}`);
  }

  /** Downloads the graph with the weights Run uses (the trained ones once trained). */
  private async exportModel(format: ExportFormat): Promise<void> {
    this.exportError = '';
    const report = this.hooks.report();
    try {
      // The page's report knows what the worker's cannot: weights gone from this browser's storage.
      if (!report.ok) throw new Error(`the graph has problems to fix first (${this.problemText(report)})`);
      for (const file of await exportInWorker(format, this.hooks.graph(), getWeightStore())) downloadFile(file);
    } catch (e) {
      this.exportError = `Not exported: ${messageOf(e)}.`;
    }
    this.host.requestUpdate();
  }

  private problemText(report: GraphReport): string {
    const p = report.problems[0];
    return `${p.node ? `${report.byId.get(p.node)?.name ?? p.node}: ` : ''}${p.message}`;
  }

  /** Trains with `given` (Keras' arguments, camel-cased) or the panel's fields; resolves to Keras' History. */
  start(given?: Record<string, unknown>): Promise<KerasHistory> {
    if (this.inFlight) return Promise.reject(new Error('training is already running: stop it first'));
    let options: TrainOptions;
    try {
      options = resolveTrainOptions(given ?? this.fields);
    } catch (e) {
      this.error = `Check the options: ${messageOf(e)}.`;
      this.host.requestUpdate();
      return Promise.reject(e);
    }
    this.fields = fieldsOf(options);
    this.open = true;
    this.inFlight = this.train(options).finally(() => (this.inFlight = null));
    return this.inFlight;
  }

  pause(): void {
    if (this.status !== 'running') return;
    this.status = 'pausing';
    this.pausing = new Promise((resolve) => (this.resume = resolve));
    this.host.requestUpdate();
  }

  resumeTraining(): void {
    if (this.status !== 'paused' && this.status !== 'pausing') return;
    this.status = 'running';
    this.release();
  }

  /** Stops after the batch in flight; the graph gets the weights learnt so far. */
  stop(): void {
    if (!this.busy || this.status === 'stopping') return;
    this.stopRequested = true;
    this.status = 'stopping';
    this.release();
  }

  private release(): void {
    this.resume?.();
    this.resume = null;
    this.pausing = null;
    this.resumeClock();
    this.host.requestUpdate();
  }

  private async train(options: TrainOptions): Promise<KerasHistory> {
    const dataset = BUILTIN_DATASETS.find((d) => d.id === options.dataset)!;
    this.status = 'loading';
    this.error = this.result = this.exportError = '';
    this.curves = { batches: [], epochs: [] };
    this.liveUnkept = true;
    this.selection = { shown: null, compare: 'auto' };
    this.liveGraph = this.hooks.graph().name ?? '';
    this.runLabel = `${options.optimizer} ${learningRateOf(options)}, batch ${options.batchSize}, ${this.hooks.graph().name ?? 'graph'}`;
    this.stopRequested = false;
    this.clock = { firstBatchAt: 0, excludedMs: 0, excludedSince: 0 };
    this.setPhase(`loading ${dataset.label.split(':')[0]}…`);
    const report = this.hooks.report();
    const seed = this.hooks.graph().seed ?? 0;
    let trainer: GpuTrainer | null = null;
    try {
      await weightsReady();
      const data = await loadBuiltinDataset(options.dataset);
      const classes = data.classNames.length;
      const problem = trainProblem(report, data.train.x.shape.slice(1), classes);
      if (problem) throw new Error(`This graph cannot train on ${dataset.label.split(':')[0]}: ${problem}.`);
      const { compile, fit: config } = trainConfigs(options);
      const train = { ...data.train, y: labelsFor(options.loss, data.train.y, classes) };
      const engine = await this.hooks.engine();
      if (engine.needsTune) {
        this.setPhase('measuring the conv kernels on this GPU (once per adapter)…');
        await engine.tuneOnFirstUse();
      }
      this.setPhase('compiling the training step…');
      // From the weights Run uses: the graph's trained or imported ones, else its seeded initializers.
      const weights = materializeWeights(report, seed, getWeightStore());
      trainer = GpuTrainer.create(engine, report, weights, { batch: config.batchSize, compile, seed: config.seed });
      if (this.stopRequested) throw new Error('stopped before the first batch');
      // The probe: the first test image, fixed for the run; its maps before the first step, then per epoch.
      const per = data.test.x.data.length / data.test.x.shape[0];
      const conv = firstConv(report);
      this.probe = {
        image: { shape: [1, ...data.test.x.shape.slice(1)], data: data.test.x.data.slice(0, per) },
        label: `test image 0 of ${dataset.label.split(':')[0]} (${data.classNames[data.test.y.data[0]]})`,
        snapshots: [], index: null, shownAtRun: null, kernelName: conv?.name ?? '', nodes: nodesOf(report),
      };
      this.active = { engine, report, trainer, epoch: 1, step: 0 };
      this.setPhase('running the probe image…');
      await this.snapshot(weights, { label: 'before training', epoch: 0, step: 0 });
      this.showProbe();
      this.status = 'running';
      const history = await fit(engine, report, trainer, train, compile, config, {
        // Awaited by fit: the page's turn after each batch, and where a pause holds.
        onBatch: (p) => (this.onBatch(p, options), this.between()),
        onEpoch: async (log) => {
          this.onEpoch(log);
          const last = this.curves.batches.at(-1);
          const step = last?.step ?? 0;
          await this.snapshot(await trainer!.weights(), { label: this.stopRequested ? `epoch ${log.epoch}, step ${step} (stopped)` : `after epoch ${log.epoch}`, epoch: log.epoch, step });
        },
        shouldStop: () => this.stopRequested,
      });
      const steps = this.curves.batches.length;
      const trained = await trainer.weights();
      this.setPhase(`evaluating on the ${options.validationSplit > 0 ? 'validation split' : 'test set'}…`);
      const evaluation = await evaluateHeldOut(engine, report, trained, data, options.validationSplit, options.batchSize);
      const run = recordRun({
        id: `run-${Date.now().toString(36)}`, date: new Date(), model: this.hooks.graph().name ?? 'graph', label: this.runLabel,
        stopped: history.stopped, options, learningRate: learningRateOf(options), evaluation,
      }, this.curves);
      const applied = await this.applyWeights(trained, data.classNames, run);
      const last = history.epochs[history.epochs.length - 1];
      this.status = history.stopped ? 'stopped' : 'done';
      this.result = `${history.stopped ? `Stopped after ${steps} step${steps === 1 ? '' : 's'}` : `Trained ${history.epochs.length} epoch${history.epochs.length === 1 ? '' : 's'} (${steps} steps)`}: `
        + `loss ${last.loss.toFixed(4)}, accuracy ${last.accuracy.toFixed(4)}${last.valLoss !== undefined ? `, val_loss ${last.valLoss.toFixed(4)}, val_accuracy ${last.valAccuracy!.toFixed(4)}` : ''}. ${applied}`;
      if (this.progress) this.progress = { ...this.progress, phase: '', etaSeconds: null };
      return kerasHistory(history.epochs);
    } catch (e) {
      const stoppedEarly = this.stopRequested && !this.curves.batches.length;
      this.status = stoppedEarly ? 'stopped' : 'failed';
      if (stoppedEarly) this.result = 'Stopped before the first batch: the graph is unchanged.';
      else this.error = messageOf(e);
      this.progress = null;
      throw e;
    } finally {
      trainer?.destroy();
      this.active = null;
      this.snapshotAsked = false;
      this.resume = null;
      this.pausing = null;
      this.host.requestUpdate();
    }
  }

  private setPhase(phase: string): void {
    this.progress = { epoch: 0, epochs: 0, batch: 0, batches: 0, fraction: 0, imagesPerSecond: null, etaSeconds: null, ...this.progress, phase };
    this.host.requestUpdate();
  }

  private onBatch(p: BatchProgress, options: TrainOptions): void {
    const now = performance.now();
    const step = (p.epoch - 1) * p.batches + p.batch;
    if (step === 1) this.clock.firstBatchAt = now;
    const activeMs = now - this.clock.firstBatchAt - this.clock.excludedMs;
    const perBatch = step > 1 && activeMs > 0 ? activeMs / 1000 / (step - 1) : null;
    this.curves.batches.push({ step, epoch: p.epoch, batch: p.batch, loss: p.metrics.loss, accuracy: p.metrics.accuracy });
    this.curves = { ...this.curves };
    const total = options.epochs * p.batches;
    const validating = p.batch === p.batches && options.validationSplit > 0;
    // The validation pass that follows is no batch's time.
    if (validating) this.clock.excludedSince = now;
    this.progress = {
      epoch: p.epoch, epochs: options.epochs, batch: p.batch, batches: p.batches, fraction: step / total,
      imagesPerSecond: perBatch ? options.batchSize / perBatch : null,
      etaSeconds: perBatch ? (total - step) * perBatch : null,
      phase: validating ? 'validating…' : `loss ${p.loss.toFixed(4)}, accuracy ${p.accuracy.toFixed(4)}`,
    };
    this.host.requestUpdate();
  }

  private onEpoch(log: EpochLog): void {
    const step = this.curves.batches[this.curves.batches.length - 1]?.step ?? 0;
    this.curves.epochs.push({ step, epoch: log.epoch, loss: log.loss, accuracy: log.accuracy, valLoss: log.valLoss, valAccuracy: log.valAccuracy });
    this.curves = { ...this.curves };
    this.resumeClock();
    this.host.requestUpdate();
  }

  /** Ends a stretch the speed leaves out (a pause, a validation pass). */
  private resumeClock(): void {
    if (!this.clock.excludedSince) return;
    this.clock.excludedMs += performance.now() - this.clock.excludedSince;
    this.clock.excludedSince = 0;
  }

  /** The page's turn after each batch (input, drawing the progress), and the pause. */
  private async between(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 0));
    const last = this.curves.batches.at(-1);
    if (this.snapshotAsked && this.active && last) {
      this.snapshotAsked = false;
      await this.snapshot(await this.active.trainer.weights(), { label: `epoch ${last.epoch}, step ${last.step}`, epoch: last.epoch, step: last.step });
      if (this.probe) this.probe.index = null;
      this.showProbe();
    }
    while (this.pausing) {
      this.status = 'paused';
      this.clock.excludedSince ||= performance.now();
      this.host.requestUpdate();
      await this.pausing;
    }
  }

  /**
   * Puts the trained weights into the graph as it is now (edits made while training kept): each node
   * whose weights still fit refers to its trained tensors, stored like an imported model's, and the graph
   * keeps the data's class names (what predict() names the outputs with). One undo step.
   * Returns what to tell the user.
   */
  private async applyWeights(trained: Weights, classNames: string[], run: TrainingRun): Promise<string> {
    const graph = this.hooks.graph(), report = this.hooks.report();
    const prefix = `trained-${Date.now().toString(36)}/`;
    const store: WeightStore = new Map();
    const changed: string[] = [], trainedIds = new Set<string>();
    const nodes = graph.nodes.map((n) => {
      const r = report.byId.get(n.id), w = trained.get(n.id);
      if (!r?.weights.length || !w) return n;
      if (!r.weights.every((spec) => w[spec.name] && formatShape(w[spec.name].shape) === formatShape(spec.shape))) {
        changed.push(r.name);
        return n;
      }
      const refs = Object.fromEntries(r.weights.map((spec) => [spec.name, `${prefix}${n.id}/${spec.name}`]));
      for (const spec of r.weights) store.set(refs[spec.name], w[spec.name]);
      trainedIds.add(n.id);
      return { ...n, weights: { ...n.weights, ...refs } };
    });
    if (!store.size) return 'No node of the graph fits the trained weights any more (edited while training): they were left out.';
    // Stored before the edit, as an opened model's are: the autosave then names the set, and a reload finds it.
    const adopted = adoptWeights({ ...graph, nodes }, store);
    const kept = await weightsKept(adopted);
    const refs = new Map(adopted.nodes.filter((n) => trainedIds.has(n.id)).map((n) => [n.id, n.weights!]));
    // The graph as it is now: an edit made while the weights were stored stays.
    const now = this.hooks.graph();
    // The run's curves, History and confusion matrix go with the weights (the same undo step, the autosave, the file).
    this.hooks.commit(withRun({ ...now, nodes: now.nodes.map((n) => (refs.has(n.id) ? { ...n, weights: refs.get(n.id) } : n)), classNames }, run));
    this.library = rememberRun(run);
    this.liveUnkept = false;
    return [
      'The graph has the trained weights: Run uses them (Undo goes back).',
      changed.length ? `Edited while training, kept as they are: ${changed.join(', ')}.` : '',
      kept ? `Note: ${kept}.` : '',
    ].filter(Boolean).join(' ');
  }
}
