/** Training runs kept with the graph (`graph.training.runs`, so the autosave, graph files and undo carry them)
 *  and in a small library of recent runs of any graph (for comparing plain against residual): a run's record
 *  from its live curves, the curves back from a record, the check of records read from a file, and the words
 *  the panel lists them with. Pure. */
import type { GraphFile, TrainingEvaluation, TrainingRun } from '../src/index.ts';
import type { TrainCurves } from './train-chart.ts';
import type { TrainOptions } from './train-options.ts';

/** Runs a graph keeps (the oldest go first): the curves of a long run are a few tens of kB each. */
export const RUNS_PER_GRAPH = 8;
/** Runs of any graph the page remembers for comparisons. */
export const LIBRARY_RUNS = 12;

/** 5 significant digits (what a curve shows), null for what is not a number. */
const compact = (v: number | undefined): number | null => (v !== undefined && Number.isFinite(v) ? Number(v.toPrecision(5)) : null);
const value = (v: number | null | undefined): number => (typeof v === 'number' ? v : NaN);

export interface RunFacts {
  id: string;
  date: Date;
  model: string;
  label: string;
  stopped: boolean;
  options: TrainOptions;
  learningRate: number;
  evaluation?: TrainingEvaluation;
}

/** The record of a run from its curves as the chart drew them. */
export function recordRun(facts: RunFacts, curves: TrainCurves): TrainingRun {
  const { options: o } = facts;
  const steps = curves.epochs.map((e, i) => e.step - (i ? curves.epochs[i - 1].step : 0));
  const validated = curves.epochs.some((e) => e.valLoss !== undefined);
  return {
    id: facts.id, date: facts.date.toISOString(), model: facts.model, label: facts.label, stopped: facts.stopped,
    params: {
      dataset: o.dataset, loss: o.loss, optimizer: o.optimizer, learningRate: facts.learningRate, batchSize: o.batchSize, epochs: o.epochs,
      validationSplit: o.validationSplit, ...(o.stepsPerEpoch !== undefined ? { stepsPerEpoch: o.stepsPerEpoch } : {}), seed: o.seed, steps,
    },
    history: {
      loss: curves.epochs.map((e) => compact(e.loss)),
      accuracy: curves.epochs.map((e) => compact(e.accuracy)),
      ...(validated ? { val_loss: curves.epochs.map((e) => compact(e.valLoss)), val_accuracy: curves.epochs.map((e) => compact(e.valAccuracy)) } : {}),
    },
    batches: { loss: curves.batches.map((b) => compact(b.loss)), accuracy: curves.batches.map((b) => compact(b.accuracy)) },
    ...(facts.evaluation ? { evaluation: facts.evaluation } : {}),
  };
}

/** The chart's curves of a record: each batch's step, epoch and batch from the epochs' step counts. */
export function curvesOf(run: TrainingRun): TrainCurves {
  const batches: TrainCurves['batches'] = [];
  const epochs: TrainCurves['epochs'] = [];
  let step = 0;
  run.params.steps.forEach((count, e) => {
    for (let b = 1; b <= count && step < run.batches.loss.length; b++, step++)
      batches.push({ step: step + 1, epoch: e + 1, batch: b, loss: value(run.batches.loss[step]), accuracy: value(run.batches.accuracy[step]) });
    const h = run.history;
    epochs.push({
      step, epoch: e + 1, loss: value(h.loss[e]), accuracy: value(h.accuracy[e]),
      ...(h.val_loss ? { valLoss: value(h.val_loss[e]), valAccuracy: value(h.val_accuracy?.[e]) } : {}),
    });
  });
  return { batches, epochs };
}

const numbers = (v: unknown): v is (number | null)[] => Array.isArray(v) && v.every((x) => x === null || typeof x === 'number');
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Whether a value read from a file or storage is a run this editor can draw (a bad one is left out, not thrown). */
export function isTrainingRun(raw: unknown): raw is TrainingRun {
  if (!isObject(raw) || typeof raw.id !== 'string' || typeof raw.label !== 'string' || typeof raw.model !== 'string') return false;
  const { params, history, batches } = raw;
  if (!isObject(params) || !Array.isArray(params.steps) || !params.steps.every((s) => Number.isInteger(s) && s >= 0)) return false;
  if (!isObject(history) || !numbers(history.loss) || !numbers(history.accuracy) || history.loss.length !== params.steps.length) return false;
  if (history.val_loss !== undefined && !numbers(history.val_loss)) return false;
  if (!isObject(batches) || !numbers(batches.loss) || !numbers(batches.accuracy)) return false;
  return true;
}

/** The graph's runs, oldest first (bad records left out). */
export function graphRuns(graph: GraphFile): TrainingRun[] {
  const runs = (graph.training as { runs?: unknown } | undefined)?.runs;
  return Array.isArray(runs) ? runs.filter(isTrainingRun) : [];
}

/** The graph with one more run (the oldest dropped past RUNS_PER_GRAPH). */
export function withRun(graph: GraphFile, run: TrainingRun): GraphFile {
  return { ...graph, training: { runs: [...graphRuns(graph), run].slice(-RUNS_PER_GRAPH) } };
}

/** The library after a run was added: newest last, each run once, at most LIBRARY_RUNS. */
export function addToLibrary(library: readonly TrainingRun[], run: TrainingRun): TrainingRun[] {
  return [...library.filter((r) => r.id !== run.id), run].slice(-LIBRARY_RUNS);
}

/** Every run to choose from: the graph's, then the library's runs of other graphs; each once. */
export function runChoices(graph: readonly TrainingRun[], library: readonly TrainingRun[]): TrainingRun[] {
  const ids = new Set(graph.map((r) => r.id));
  return [...graph, ...library.filter((r) => !ids.has(r.id))];
}

/** "fashion-cnn · adam 0.001, batch 32 · 2 epochs (16 steps) · val_accuracy 0.6120" for the run lists. */
export function describeRun(run: TrainingRun): string {
  const epochs = run.params.steps.length, steps = run.params.steps.reduce((a, b) => a + b, 0);
  const last = (series: (number | null)[] | undefined) => series?.[series.length - 1];
  const acc = last(run.history.val_accuracy) ?? last(run.history.accuracy);
  const accName = last(run.history.val_accuracy) != null ? 'val_accuracy' : 'accuracy';
  const settings = run.label.endsWith(`, ${run.model}`) ? run.label.slice(0, -run.model.length - 2) : run.label;
  return [
    run.model, settings,
    `${epochs} epoch${epochs === 1 ? '' : 's'} (${steps} step${steps === 1 ? '' : 's'})${run.stopped ? ', stopped' : ''}`,
    typeof acc === 'number' ? `${accName} ${acc.toFixed(4)}` : '',
  ].filter(Boolean).join(' · ');
}
