/** Training as the page runs it: the Train panel's fields, a fit() on the runs' WebGPU device on the built-in
 *  data, pause / resume / stop between batches (the page gets its turn after every batch), the progress and
 *  the curves, and at the end the trained weights put into the graph as an undoable edit, kept in the
 *  session's weight store (and IndexedDB) like an imported model's. A Lit reactive controller. */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import {
  GpuTrainer, fit, formatShape, materializeWeights, stepsPerEpochNote,
  type BatchProgress, type Engine, type EpochLog, type GraphFile, type GraphReport, type Tensor, type TrainingRun, type WeightStore,
} from '../src/index.ts';
import { BUILTIN_SOURCE, type DatasetSource } from './dataset-source.ts';
import type { TrainCurves } from './train-chart.ts';
import { trainingBusy, type TrainFields, type TrainProgress, type TrainStatus } from './train-panel.ts';
import { TRAIN_DEFAULTS, batchProblem, learningRateOf, kerasCode, kerasHistory, labelsFor, resolveTrainOptions, trainConfigs, trainProblem, type TrainOptions } from './train-options.ts';
import { adoptWeights, getWeightStore, weightsKept, weightsReady } from './weight-store.ts';
import { RunResults, type RunResultsHooks } from './run-results.ts';
import { withRun } from './train-runs.ts';

/** What window.deepwire.fit() resolves to: Keras' History (its `history` and `epoch`). */
export type KerasHistory = ReturnType<typeof kerasHistory>;

export interface TrainHooks {
  graph(): GraphFile;
  report(): GraphReport;
  /** The device the runs use (opened on first use). */
  engine(): Promise<Engine>;
  /** Puts a graph in place as one undoable edit. */
  commit(graph: GraphFile): void;
  /** The data sets to offer (the user's own too); the built-in one alone when absent. */
  datasets?: DatasetSource;
  /** What the kept runs, the confusion matrix and the probe's maps need of the page (run-results.ts). */
  results: Pick<RunResultsHooks, 'openExample' | 'classPicture' | 'showMaps' | 'runNumber'>;
}

type Weights = Map<string, Record<string, Tensor>>;

const fieldsOf = (o: TrainOptions): TrainFields => Object.fromEntries(
  Object.entries({ ...o, learningRate: o.learningRate ?? '', stepsPerEpoch: o.stepsPerEpoch ?? '' }).map(([k, v]) => [k, String(v)]),
);

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
  /** The kept runs, the chart's choice of them, the confusion matrix, export and the probe's maps. */
  readonly runs: RunResults;
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
    this.runs = new RunResults({
      ...hooks.results, graph: hooks.graph, report: hooks.report, engine: hooks.engine,
      requestUpdate: () => host.requestUpdate(), busy: () => this.busy, running: () => this.status === 'running', liveCurves: () => this.curves,
    });
  }

  hostConnected(): void {}

  /** Where the data sets come from. */
  get source(): DatasetSource {
    return this.hooks.datasets ?? BUILTIN_SOURCE;
  }

  private resolve(given: Record<string, unknown>): TrainOptions {
    return resolveTrainOptions(given, this.source.list().map((d) => d.id));
  }

  get busy(): boolean {
    return trainingBusy(this.status);
  }

  /** The Keras code of the fields, or null while they do not check (optionsError says why). */
  get code(): string[] | null {
    try {
      return kerasCode(this.resolve(this.fields));
    } catch {
      return null;
    }
  }

  get optionsError(): string {
    try {
      this.resolve(this.fields);
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

  /** Trains with `given` (Keras' arguments, camel-cased) or the panel's fields; resolves to Keras' History. */
  start(given?: Record<string, unknown>): Promise<KerasHistory> {
    if (this.inFlight) return Promise.reject(new Error('training is already running: stop it first'));
    let options: TrainOptions;
    try {
      options = this.resolve(given ?? this.fields);
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
    const datasetLabel = this.source.list().find((d) => d.id === options.dataset)?.label.split(':')[0] ?? options.dataset;
    this.status = 'loading';
    this.error = this.result = '';
    this.curves = { batches: [], epochs: [] };
    this.runs.runStarted();
    this.runLabel = `${options.optimizer} ${learningRateOf(options)}, batch ${options.batchSize}, ${this.hooks.graph().name ?? 'graph'}`;
    this.stopRequested = false;
    this.clock = { firstBatchAt: 0, excludedMs: 0, excludedSince: 0 };
    this.setPhase(`loading ${datasetLabel}…`);
    const report = this.hooks.report();
    const seed = this.hooks.graph().seed ?? 0;
    let trainer: GpuTrainer | null = null;
    try {
      await weightsReady();
      const loaded = await this.source.load(options.dataset, report);
      const data = loaded.train;
      const classes = data.classNames.length;
      const problem = trainProblem(report, data.x.shape.slice(1), classes) ?? batchProblem(data.x.shape[0], options);
      if (problem) throw new Error(`This graph cannot train on ${datasetLabel}: ${problem}.`);
      const { compile, fit: config } = trainConfigs(options);
      const train = { ...data, y: labelsFor(options.loss, data.y, classes) };
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
      this.setPhase('running the probe image…');
      await this.runs.trainerReady(engine, report, trainer, weights, loaded, datasetLabel);
      this.status = 'running';
      const history = await fit(engine, report, trainer, train, compile, config, {
        // Awaited by fit: the page's turn after each batch, and where a pause holds.
        onBatch: (p) => (this.onBatch(p, options), this.between()),
        // Stop pressed while an epoch's last batch ran stops nothing of it: that epoch's snapshot is no stopped one.
        onEpoch: (log) => (this.onEpoch(log), this.runs.epochEnded(log, this.stopRequested && !this.ended(log.epoch))),
        shouldStop: () => this.stopRequested,
      });
      const steps = this.curves.batches.length;
      // Stop during the very last batch stops nothing: fit calls that run done.
      const stopped = history.stopped;
      const trained = await trainer.weights();
      this.setPhase(`evaluating on the ${options.validationSplit > 0 ? 'validation split' : 'test set'}…`);
      const run = await this.runs.record(engine, report, trained, loaded, options, { label: this.runLabel, stopped });
      const applied = await this.applyWeights(trained, data.classNames, run);
      const last = history.epochs[history.epochs.length - 1];
      this.status = stopped ? 'stopped' : 'done';
      const capped = stepsPerEpochNote('steps_per_epoch', options.stepsPerEpoch, this.progress?.batches ?? 0, options.batchSize);
      this.result = `${stopped ? `Stopped after ${steps} step${steps === 1 ? '' : 's'}` : `Trained ${history.epochs.length} epoch${history.epochs.length === 1 ? '' : 's'} (${steps} steps)`}: `
        + `loss ${last.loss.toFixed(4)}, accuracy ${last.accuracy.toFixed(4)}${last.valLoss !== undefined ? `, val_loss ${last.valLoss.toFixed(4)}, val_accuracy ${last.valAccuracy!.toFixed(4)}` : ''}. ${applied}`
        + (capped ? ` (${capped}.)` : '');
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
      this.runs.runEnded();
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

  /** Whether the batches read back so far end epoch `epoch` (its last batch done). */
  private ended(epoch: number): boolean {
    const p = this.progress;
    return !!p && p.epoch === epoch && p.batches > 0 && p.batch === p.batches;
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
    await this.runs.betweenBatches();
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
      // A frozen node's weights are as they were (a frozen BatchNormalization does not update its statistics):
      // its references stay, and a pretrained backbone is not stored a second time.
      if (!r?.weights.length || !w || r.attrs.trainable === false) return n;
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
    this.runs.kept(run);
    return [
      'The graph has the trained weights: Run uses them (Undo goes back).',
      changed.length ? `Edited while training, kept as they are: ${changed.join(', ')}.` : '',
      kept ? `Note: ${kept}.` : '',
    ].filter(Boolean).join(' ');
  }
}
