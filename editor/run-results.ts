/** What training runs leave, on the page's side: the kept runs (the graph's and the library's) and which one the
 *  chart shows or overlays, the shown run's held-out images, export, and the probe's maps as the network learns
 *  (taken before the first step, after each epoch and on demand; shown in the activation viewer). The Train
 *  controller (train-controller.ts) calls in at the points of a run; the panel's results part asks through
 *  action(). Kept apart from the controller's fit so each stays readable. */
import { validationSplit, type Engine, type EpochLog, type GpuTrainer, type GraphFile, type GraphReport, type Picture, type Tensor, type TrainingEvaluation, type TrainingRun } from '../src/index.ts';
import type { ActivationSource } from './activation-viewer.ts';
import { loadBuiltinDataset, type BuiltinDatasetId } from './builtin-data.ts';
import type { ClassSetSamples } from './class-sets.ts';
import type { LoadedDataset } from './dataset-source.ts';
import { downloadFile } from './download.ts';
import { exportInWorker, type ExportFormat } from './model-export.ts';
import { pictureCanvas } from './picture-canvas.ts';
import { ProbeSources, firstConv, probeSnapshot, type ProbeSnapshot } from './probe-maps.ts';
import type { ProbeView } from './probe-view.ts';
import { loadLibrary, rememberRun } from './run-library.ts';
import type { TrainCurves } from './train-chart.ts';
import { evaluateHeldOut, heldOut, heldOutImage, imageCanvas } from './train-evaluation.ts';
import { learningRateOf, type TrainOptions } from './train-options.ts';
import { EMPTY_RESULTS, type TrainResultsView } from './train-results.ts';
import { curvesOf, describeRun, graphRuns, recordRun, runChoices } from './train-runs.ts';
import { getWeightStore } from './weight-store.ts';

type Weights = Map<string, Record<string, Tensor>>;
type Selection = { shown: string | null; compare: string | null | 'auto' };

export interface RunResultsHooks {
  graph(): GraphFile;
  report(): GraphReport;
  engine(): Promise<Engine>;
  requestUpdate(): void;
  /** A run is under way, and taking batches now (a snapshot can be asked for). */
  busy(): boolean;
  running(): boolean;
  /** The curves of the run under way (or the last one run). */
  liveCurves(): TrainCurves;
  /** Feeds a held-out image (drawn on a canvas of its size) as the input and shows its maps: a built-in set's
   *  image as the network saw it ([0, 1]); a user's photo (`photo`) with the input's own preprocessing, as training fed it. */
  openExample(canvas: HTMLCanvasElement, label: string, photo?: boolean): void;
  /** A picture of the user's class set `dataset` by its sample file name, with its thumbnail; null when it is gone. */
  classPicture(dataset: string, file: string): { picture: Picture; thumb: string } | null;
  /** Opens the activation viewer (the probe's maps are shown there). */
  showMaps(): void;
  /** The number of the runs' last Run: one after the probe was shown puts the viewer back on Run's results. */
  runNumber(): number;
}

/** The nodes of a graph as far as its maps go: ids, ops and shapes. */
const nodesOf = (report: GraphReport): string => report.nodes.map((n) => `${n.id}:${n.op}:${n.shape?.join('x')}`).join(',');

const messageOf = (e: unknown): string => {
  const error = e as Error & { hint?: string };
  return `${error?.message ?? e}${error?.hint ? ` — ${error.hint}` : ''}`;
};

export class RunResults {
  /** The live curves are of a run not kept with the graph (under way, or failed): the chart shows them until a kept run is picked. */
  private liveUnkept = false;
  /** The graph (by name) the live curves are of. */
  private liveGraph = '';
  /** The kept run the chart shows (null: the graph's latest) and the one overlaid ('auto': the run before it; null: none), for the graph (by name) they were chosen on. */
  private chosen: Selection & { graph: string } = { shown: null, compare: 'auto', graph: '' };
  private library: TrainingRun[] = loadLibrary();
  private curvesMemo = new WeakMap<TrainingRun, TrainCurves>();
  /** The held-out images of the shown run's evaluation, once loaded (its misclassified thumbnails). */
  private evaluationImages: { key: string; images: Tensor | null; pictures: ReadonlyMap<number, string> | null } = { key: '', images: null, pictures: null };
  /** Why an export, an opened image or a snapshot failed. */
  private notice = '';
  /**
   * The probe image and its maps per snapshot (probe-maps.ts); `index` null follows the latest; `shownAtRun`:
   * the Run after which the viewer shows them (null: not shown); `nodes`: the graph they are of.
   */
  private probe: { image: Tensor; label: string; snapshots: ProbeSnapshot[]; index: number | null; shownAtRun: number | null; kernelName: string; nodes: string } | null = null;
  private probeSources: ProbeSources;
  private probeShown: { key: string; source: ActivationSource | null; pending: boolean } = { key: '', source: null, pending: false };
  /** What a snapshot runs with while training. */
  private active: { engine: Engine; report: GraphReport; trainer: GpuTrainer } | null = null;
  private snapshotAsked = false;

  constructor(private hooks: RunResultsHooks) {
    this.probeSources = new ProbeSources(() => hooks.engine());
  }

  // ── a run's stages, as the controller reaches them ─────────────────────────────────────────────────

  /** A run begins: the chart follows it. */
  runStarted(): void {
    this.notice = '';
    this.liveUnkept = true;
    this.selection = { shown: null, compare: 'auto' };
    this.liveGraph = this.hooks.graph().name ?? '';
  }

  /** The trainer is ready: the probe (the test set's first image, or the training set's where there is no
   *  test set: the user's own photos; fixed for the run) is run before the first step. */
  async trainerReady(engine: Engine, report: GraphReport, trainer: GpuTrainer, weights: Weights,
    loaded: LoadedDataset, datasetName: string): Promise<void> {
    const probeSet = loaded.test ?? loaded.train;
    const data = { test: probeSet, classNames: loaded.train.classNames };
    const per = data.test.x.data.length / data.test.x.shape[0];
    this.probe = {
      image: { shape: [1, ...data.test.x.shape.slice(1)], data: data.test.x.data.slice(0, per) },
      label: `${loaded.test ? 'test' : 'training'} image 0 of ${datasetName} (${data.classNames[data.test.y.data[0]]})`,
      snapshots: [], index: null, shownAtRun: null, kernelName: firstConv(report)?.name ?? '', nodes: nodesOf(report),
    };
    this.active = { engine, report, trainer };
    await this.snapshot(weights, 'before training');
    this.showProbe();
  }

  /** After each epoch (and the partial one a stop ends): the probe with the epoch's weights. */
  async epochEnded(log: EpochLog, stopped: boolean): Promise<void> {
    if (!this.active) return;
    const step = this.hooks.liveCurves().batches.at(-1)?.step ?? 0;
    await this.snapshot(await this.active.trainer.weights(), stopped ? `epoch ${log.epoch}, step ${step} (stopped)` : `after epoch ${log.epoch}`);
  }

  /** Between batches: a snapshot asked for ("Snapshot now") is taken here. */
  async betweenBatches(): Promise<void> {
    const last = this.hooks.liveCurves().batches.at(-1);
    if (!this.snapshotAsked || !this.active || !last) return;
    this.snapshotAsked = false;
    await this.snapshot(await this.active.trainer.weights(), `epoch ${last.epoch}, step ${last.step}`);
    if (this.probe) this.probe.index = null;
    this.showProbe();
  }

  /** Training ended: the trained model evaluated on the held-out images, and the run's record. */
  async record(engine: Engine, report: GraphReport, trained: Weights, loaded: LoadedDataset,
    options: TrainOptions, facts: { label: string; stopped: boolean }): Promise<TrainingRun> {
    // Nothing held out (no validation split, no test set): no matrix rather than one of the training images.
    const evaluation = options.validationSplit > 0 || loaded.test
      ? await evaluateHeldOut(engine, report, trained, { train: loaded.train, test: loaded.test ?? loaded.train, classNames: loaded.train.classNames }, options.validationSplit, options.batchSize)
      : undefined;
    // A user's pictures are named in the record, so that they are found again after the set changed (or a reload).
    const files = (loaded.train as Partial<ClassSetSamples>).files;
    if (evaluation && files) {
      const first = evaluation.split === 'validation' ? validationSplit(loaded.train, options.validationSplit).train.x.shape[0] : 0;
      evaluation.misclassified = evaluation.misclassified.map((m) => ({ ...m, file: files[first + m.index] }));
    }
    return recordRun({
      id: `run-${Date.now().toString(36)}`, date: new Date(), model: this.hooks.graph().name ?? 'graph', label: facts.label,
      stopped: facts.stopped, options, learningRate: learningRateOf(options), evaluation,
    }, this.hooks.liveCurves());
  }

  /** The run is in the graph now: the library remembers it, the chart shows it as kept. */
  kept(run: TrainingRun): void {
    this.library = rememberRun(run);
    this.liveUnkept = false;
  }

  runEnded(): void {
    this.active = null;
    this.snapshotAsked = false;
  }

  // ── what the panel shows and asks ─────────────────────────────────────────────────────────────────

  /** The kept runs (the graph's, then the library's of other graphs), the one shown, the overlay, its evaluation, the probe. */
  view(): TrainResultsView {
    const own = graphRuns(this.hooks.graph());
    const runs = runChoices(own, this.library);
    const busy = this.hooks.busy();
    // The live curves are of the graph they trained; another graph opened since shows its own runs.
    if (this.liveUnkept && !busy && this.liveGraph !== (this.hooks.graph().name ?? '')) this.liveUnkept = false;
    const live = busy || (this.liveUnkept && this.selection.shown === null);
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
      runs: [...runs].reverse().map((r) => ({ id: r.id, text: describeRun(r) })),
      shown: shown?.id ?? null,
      live,
      compare: compare?.id ?? null,
      curves: live ? this.hooks.liveCurves() : shown ? this.curvesOfRun(shown) : EMPTY_RESULTS.curves,
      compareCurves: compare ? { curves: this.curvesOfRun(compare), label: describeRun(compare) } : null,
      evaluation,
      images: evaluation && this.evaluationImages.key === shown!.id ? this.evaluationImages.images : null,
      pictures: evaluation && this.evaluationImages.key === shown!.id ? this.evaluationImages.pictures : null,
      notice: this.notice,
      busy,
      probe: this.probeView(),
    };
  }

  /** What the results part of the panel asks for: another run shown or overlaid, an export, a misclassified image opened, the probe. */
  action(action: string, value: unknown): void {
    if (action === 'show') {
      this.selection = { ...this.selection, shown: value as string | null, compare: 'auto' };
      if (value) this.liveUnkept = false;
    }
    if (action === 'compare') this.selection = { ...this.selection, compare: (value as string | null) ?? null };
    if (action === 'export') void this.exportModel(value as ExportFormat);
    if (action === 'open-example') void this.openExample(value as TrainingEvaluation['misclassified'][number]);
    if (action === 'probe-index' && this.probe) {
      this.probe.index = Math.min(value as number, this.probe.snapshots.length - 1);
      this.showProbe();
    }
    if (action === 'probe-show' && this.probe) {
      if (value) this.showProbe();
      else this.probe.shownAtRun = null;
    }
    if (action === 'probe-now') this.snapshotAsked = true;
    this.hooks.requestUpdate();
  }

  /**
   * What the activation viewer shows for node `id` while the probe is shown: its map on the probe at the
   * chosen snapshot (null source until uploaded), or null when the viewer shows Run's results.
   */
  probeFor(id: string, name: string): { source: ActivationSource | null; label: string; pending: boolean } | null {
    const p = this.probe;
    if (!p || !id || !this.probeActive) return null;
    const index = p.index ?? p.snapshots.length - 1;
    const snapshot = p.snapshots[index];
    if (!snapshot) return null;
    const key = `${index}|${id}|${snapshot.label}`;
    if (this.probeShown.key !== key) {
      this.probeShown = { key, source: null, pending: true };
      const settle = (source: ActivationSource | null) => {
        if (this.probeShown.key !== key) return;
        this.probeShown = { key, source, pending: false };
        this.hooks.requestUpdate();
      };
      void this.probeSources.sourceFor(snapshot, index, id, name).then(settle, () => settle(null));
    }
    return { source: this.probeShown.source, label: snapshot.label, pending: this.probeShown.pending };
  }

  // ── inside ─────────────────────────────────────────────────────────────────────────────────────────

  /** The chosen runs, for the graph they were chosen on (by name): another graph opened starts from its own latest. */
  private get selection(): Selection {
    return this.chosen.graph === (this.hooks.graph().name ?? '') ? this.chosen : { shown: null, compare: 'auto' };
  }

  private set selection(s: Selection) {
    this.chosen = { ...s, graph: this.hooks.graph().name ?? '' };
  }

  private curvesOfRun(run: TrainingRun): TrainCurves {
    let curves = this.curvesMemo.get(run);
    if (!curves) this.curvesMemo.set(run, (curves = curvesOf(run)));
    return curves;
  }

  /** The shown run's held-out images (the built-in set, fetched once per page), for its thumbnails. */
  private async loadEvaluationImages(run: TrainingRun, evaluation: TrainingEvaluation): Promise<void> {
    if (this.evaluationImages.key === run.id) return;
    if (evaluation.misclassified.some((m) => m.file)) {
      // The user's class set: its own photos, by name (a removed one shows none).
      const pictures = new Map<number, string>();
      for (const m of evaluation.misclassified) {
        const found = m.file ? this.hooks.classPicture(run.params.dataset, m.file) : null;
        if (found) pictures.set(m.index, found.thumb);
      }
      this.evaluationImages = { key: run.id, images: null, pictures };
      return;
    }
    this.evaluationImages = { key: run.id, images: null, pictures: null };
    try {
      const data = await loadBuiltinDataset(run.params.dataset as BuiltinDatasetId);
      if (this.evaluationImages.key !== run.id) return;
      this.evaluationImages = { key: run.id, images: heldOut(data, evaluation.split, run.params.validationSplit).x, pictures: null };
      this.hooks.requestUpdate();
    } catch {
      // No thumbnails (a data set this editor does not have): the matrix and the list still say it all.
    }
  }

  private async openExample(m: TrainingEvaluation['misclassified'][number]): Promise<void> {
    const shown = runChoices(graphRuns(this.hooks.graph()), this.library).find((r) => r.id === this.view().shown);
    const evaluation = shown?.evaluation;
    if (!shown || !evaluation) return;
    const names = evaluation.classNames;
    const what = `${evaluation.split} image ${m.index}: ${names[m.label]}, called ${names[m.predicted]}`;
    if (m.file) {
      const photo = this.hooks.classPicture(shown.params.dataset, m.file);
      if (!photo) {
        this.notice = `${m.file} is not in the class set '${shown.params.dataset}' any more.`;
        return this.hooks.requestUpdate();
      }
      return this.hooks.openExample(pictureCanvas(photo.picture), `${m.file} (${what})`, true);
    }
    const found = await heldOutImage(shown.params.dataset, evaluation.split, shown.params.validationSplit, m.index).catch(() => null);
    if (!found) {
      this.notice = `Image ${m.index} of the ${evaluation.split} set is not in this editor's data any more.`;
      return this.hooks.requestUpdate();
    }
    this.hooks.openExample(imageCanvas(found.image), what);
  }

  /** Downloads the graph with the weights Run uses (the trained ones once trained). */
  private async exportModel(format: ExportFormat): Promise<void> {
    this.notice = '';
    const report = this.hooks.report();
    try {
      // The page's report knows what the worker's cannot: weights gone from this browser's storage.
      if (!report.ok) {
        const p = report.problems[0];
        throw new Error(`the graph has problems to fix first (${p.node ? `${report.byId.get(p.node)?.name ?? p.node}: ` : ''}${p.message})`);
      }
      for (const file of await exportInWorker(format, this.hooks.graph(), getWeightStore())) downloadFile({ name: file.name, type: file.type, data: file.bytes });
    } catch (e) {
      this.notice = `Not exported: ${messageOf(e)}.`;
    }
    this.hooks.requestUpdate();
  }

  private probeView(): ProbeView | null {
    const p = this.probe;
    // Maps of another graph (one opened since, or edited) are not this graph's.
    if (!p?.snapshots.length || p.nodes !== nodesOf(this.hooks.report())) return null;
    const index = p.index ?? p.snapshots.length - 1;
    return {
      labels: p.snapshots.map((s) => s.label), index, showing: this.probeActive, probe: p.image, probeLabel: p.label,
      kernel: p.snapshots[index].kernel, kernelName: p.kernelName, canSnapshot: this.hooks.running(),
    };
  }

  /** The viewer shows the probe's maps: asked for, no Run since, and the graph still has the nodes they are of. */
  private get probeActive(): boolean {
    const p = this.probe;
    return p?.shownAtRun != null && p.shownAtRun === this.hooks.runNumber() && p.nodes === nodesOf(this.hooks.report());
  }

  private showProbe(): void {
    if (!this.probe) return;
    this.probe.shownAtRun = this.hooks.runNumber();
    this.hooks.showMaps();
  }

  /** Runs the probe with `weights`; the panel says so when it cannot (training goes on: the curves matter more). */
  private async snapshot(weights: Weights, label: string): Promise<void> {
    const p = this.probe, a = this.active;
    if (!p || !a) return;
    try {
      p.snapshots.push(await probeSnapshot(a.engine, a.report, weights, p.image, label));
    } catch (e) {
      this.notice = `The probe's maps could not be taken (${messageOf(e)}); training goes on.`;
    }
    this.hooks.requestUpdate();
  }
}
