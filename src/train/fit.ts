// model.fit and model.evaluate as Keras runs them, on the GPU trainer: per epoch a seeded shuffle of
// the training samples (validation split off first, from the end, as Keras takes it), batch after
// batch one training step each (metrics read back a few times a second, not per step), then the
// validation loss and accuracy in inference mode
// (BatchNormalization's moving statistics, no Dropout). Keras reports each epoch's training loss as
// the mean of its batches' losses; so does this.
// One difference, stated: every batch has the compiled batch size. The last partial batch of an
// epoch is left out of that epoch (the shuffle puts its samples into other epochs' batches); a
// validation or evaluation pass covers every sample.
import type { GraphReport, NodeReport } from '../graph/analyze.ts';
import { batchAt, rows, sequentialOrder, shuffledOrder, validationSplit } from '../data/batch.ts';
import { sampleCount, type Dataset } from '../data/dataset.ts';
import { OpError } from '../ops/op.ts';
import type { Engine } from '../runtime/engine.ts';
import { formatShape, sizeOf, type Tensor } from '../tensor.ts';
import type { CompileConfig, FitConfig, LossConfig } from './config.ts';
import type { GpuTrainer, StepMetrics } from './gpu-trainer.ts';
import { accuracy as accuracyOf, dataLoss } from './losses.ts';
import { activityOf, planTraining, weightPenalty } from './reference-trainer.ts';
import { regularizationPenalty } from '../weights/regularizers.ts';

type Weights = Map<string, Record<string, Tensor>>;

/**
 * How often a fit reads the steps' metrics back: often enough for a live progress bar, rarely enough
 * that a fast GPU runs many steps per readback; and before the GPU's record of them (a ring of
 * METRICS_LOG_STEPS) wraps — which also bounds how far the page may queue steps ahead of the GPU.
 */
const READ_EVERY_MS = 200;
const READ_AT_MOST_EVERY_STEPS = 64;

/** One epoch as Keras logs it: the means of its batches' metrics, and the validation set's. */
export interface EpochLog {
  /** 1-based, as Keras prints it. */
  epoch: number;
  loss: number;
  accuracy: number;
  valLoss?: number;
  valAccuracy?: number;
  seconds: number;
  /** Training samples seen this epoch. */
  samples: number;
}

/** A training batch's metrics and the epoch's running means, as Keras' progress bar shows them. */
export interface BatchProgress {
  epoch: number;
  /** 1-based batch within the epoch, of `batches`. */
  batch: number;
  batches: number;
  metrics: StepMetrics;
  /** The epoch's running means so far (what Keras' progress bar shows). */
  loss: number;
  accuracy: number;
  seconds: number;
}

export interface FitCallbacks {
  onBatch?(p: BatchProgress): void | Promise<void>;
  onEpoch?(log: EpochLog): void | Promise<void>;
  /** Asked after every batch: true stops training there (Ctrl-C), keeping what was learnt. */
  shouldStop?(): boolean;
}

export interface History {
  epochs: EpochLog[];
  /** Stopped before the last epoch ended. */
  stopped: boolean;
}

export interface Evaluation {
  loss: number;
  accuracy: number;
}

/**
 * A dataset made to fit the model and the loss, or refused before anything runs. Targets take the
 * shapes Keras accepts: class indices with a trailing axis of 1 (`cifar10.load_data()`'s N×1) lose it,
 * and N values for a one-value output (binary labels, a regression) gain it. Then the samples must have
 * the Input's shape, and the targets be what the loss compares the output with — for the sparse loss a
 * class index in 0…K−1 per output row, every one of them (the GPU's loss reads the score at the
 * label's index: one past the output's values would train on garbage without a word), else a tensor
 * shaped like the output. `what` names the set in the messages ("training data", "test data").
 */
export function fitDataToModel(report: GraphReport, data: Dataset, loss: LossConfig, what: string): Dataset {
  // A node as the messages name it: its name, and its id in brackets where they differ.
  const called = (r: NodeReport) => `'${r.name}'${r.name === r.id ? '' : ` [${r.id}]`}`;
  const input = report.nodes.find((r) => r.op === 'Input')!;
  const sample = data.x.shape.slice(1);
  if (formatShape(sample) !== formatShape(input.shape!)) {
    const channelAxis = formatShape([...sample, 1]) === formatShape(input.shape!);
    throw new OpError(`the ${what}'s samples are ${formatShape(sample)}, but the graph's Input ${called(input)} takes ${formatShape(input.shape!)}`,
      channelAxis ? `add the channel axis to the samples: x[..., None] in NumPy (${formatShape([data.x.shape[0], ...input.shape!])})`
        : `give data of that shape, or change the Input's shape to ${formatShape(sample)}`);
  }
  const outputNode = report.byId.get(report.outputs[0])!;
  const output = called(outputNode);
  const out = outputNode.shape!;
  const K = out.at(-1)!;
  const sparse = loss.name === 'sparse_categorical_crossentropy';
  const want = sparse ? out.slice(0, -1) : out;
  let y = data.y;
  const targets = () => y.shape.slice(1);
  if (formatShape(targets()) === formatShape([...want, 1]) || (formatShape([...targets(), 1]) === formatShape(want)))
    y = { shape: [y.shape[0], ...want], data: y.data };
  if (!sparse) {
    if (formatShape(targets()) === formatShape(out)) return { ...data, y };
    throw new OpError(
      `${loss.name} compares the output ${output} (${formatShape(out)} a sample) with targets of that shape; the ${what}'s are ${targets().length ? formatShape(targets()) : 'one value'} a sample`,
      targets().length === 0 ? 'use sparse_categorical_crossentropy (the default loss) for class indices'
        : loss.name === 'categorical_crossentropy' ? 'one-hot encode the classes to the output\'s shape' : 'give targets shaped like the output, or change the graph\'s output');
  }
  if (formatShape(targets()) !== formatShape(want)) {
    throw new OpError(
      out.length === 1
        ? `sparse_categorical_crossentropy takes one class index a sample; the ${what}'s targets are ${formatShape(targets())} a sample`
        : `sparse_categorical_crossentropy takes a class index per row of the output ${output} (${formatShape(out)} a sample: ${formatShape(want)} labels a sample); the ${what} has ${targets().length ? formatShape(targets()) : 'one'}`,
      formatShape(targets()) === formatShape(out) ? 'use categorical_crossentropy for one-hot targets'
        : out.length === 1 ? 'give one class index a sample: y.reshape(N) in NumPy'
          : targets().length === 0 ? 'for one class a sample, end the graph in a classifier: GlobalAveragePooling2D (or Flatten), then Dense with one unit per class and softmax'
            : `give ${formatShape(want)} class indices a sample`);
  }
  let most = -1;
  for (let i = 0; i < y.data.length; i++) {
    const v = y.data[i];
    if (!Number.isInteger(v) || v < 0) {
      const at = want.length ? `sample ${Math.floor(i / sizeOf(want))}, row ${i % sizeOf(want)}` : `sample ${i}`;
      throw new OpError(`the ${what}'s label of ${at} is ${v}: sparse labels are class indices`, `give integers in 0…${K - 1}`);
    }
    most = Math.max(most, v);
  }
  if (most >= K) {
    const layer = classLayer(report, outputNode);
    throw new OpError(`the ${what} has labels up to ${most} (${most + 1} classes), but the output ${output} has ${K} value${K === 1 ? '' : 's'} a sample, one a class`,
      layer ? `set the ${layer.attr} of ${called(layer.node)} to ${most + 1}` : `give the output ${most + 1} values a sample`);
  }
  return { ...data, y };
}

/** The Dense or conv that sets the output's last axis, through the layers that keep it (an Activation, a Dropout…). */
function classLayer(report: GraphReport, node: NodeReport): { node: NodeReport; attr: 'units' | 'filters' } | undefined {
  for (let r: NodeReport | undefined = node; r; r = r.inputs.length === 1 ? report.byId.get(r.inputs[0]) : undefined) {
    if ('units' in r.attrs) return { node: r, attr: 'units' };
    if ('filters' in r.attrs) return { node: r, attr: 'filters' };
    const from = r.inputs.length === 1 ? report.byId.get(r.inputs[0])?.shape?.at(-1) : undefined;
    if (from !== r.shape?.at(-1)) return undefined;
  }
  return undefined;
}

/**
 * What to tell a user whose steps_per_epoch asks for more batches than the training samples make (`fit`
 * runs the batches there are, as each epoch reshuffles), worded with the option's name where they set it
 * (`steps_per_epoch` in the editor, `--steps-per-epoch` on the command line); null when it did not.
 */
export function stepsPerEpochNote(option: string, asked: number | undefined, batches: number, batchSize: number): string | null {
  if (asked === undefined || asked <= batches) return null;
  return `${option} ${asked} asks for more batches than the training samples make: each epoch runs ${batches} batch${batches === 1 ? '' : 'es'} of ${batchSize}`;
}

export async function fit(engine: Engine, report: GraphReport, trainer: GpuTrainer, data: Dataset, compile: CompileConfig, config: FitConfig, callbacks: FitCallbacks = {}): Promise<History> {
  const { train, validation } = validationSplit(fitDataToModel(report, data, compile.loss, 'training data'), config.validationSplit);
  const B = trainer.training.plan.batch;
  const n = sampleCount(train);
  const full = Math.floor(n / B);
  if (full === 0) throw new OpError(`${n} training samples make no batch of ${B}`, `use --batch-size ${Math.max(1, n)} or less, or more data`);
  const batches = Math.min(full, config.stepsPerEpoch ?? full);
  const history: History = { epochs: [], stopped: false };
  let stopAfterEpoch = false;
  for (let epoch = 0; epoch < config.epochs; epoch++) {
    const started = performance.now();
    const order = config.shuffle ? shuffledOrder(n, config.seed, epoch) : sequentialOrder(n);
    let lossSum = 0, accuracySum = 0, done = 0;
    let lastRead = performance.now();
    // Steps run without a readback; their metrics come back together (trainer.readLog) when shown.
    const readBack = async () => {
      for (const metrics of await trainer.readLog()) {
        lossSum += metrics.loss;
        accuracySum += metrics.accuracy;
        done++;
        await callbacks.onBatch?.({ epoch: epoch + 1, batch: done, batches, metrics, loss: lossSum / done, accuracy: accuracySum / done, seconds: (performance.now() - started) / 1000 });
      }
      lastRead = performance.now();
    };
    for (let k = 0; k < batches; k++) {
      const batch = batchAt(train, order, k * B, B);
      await trainer.step(batch.x, batch.y, { read: false });
      const stop = !!callbacks.shouldStop?.();
      const due = k === batches - 1 || stop || trainer.unreadSteps >= Math.min(READ_AT_MOST_EVERY_STEPS, trainer.training.metricsLogSteps) || performance.now() - lastRead >= READ_EVERY_MS;
      if (due) await readBack();
      // Stop asked in an epoch's last batch: that epoch is whole (validated, logged) and the run ends
      // after it — stopped only if epochs were left.
      if (stop) stopAfterEpoch = true;
      if (stop && k < batches - 1) {
        history.stopped = true;
        break;
      }
    }
    const log: EpochLog = { epoch: epoch + 1, loss: lossSum / done, accuracy: accuracySum / done, seconds: 0, samples: done * B };
    if (validation && !history.stopped) {
      const v = await evaluate(engine, report, await trainer.weights(), validation, compile, B);
      log.valLoss = v.loss;
      log.valAccuracy = v.accuracy;
    }
    log.seconds = (performance.now() - started) / 1000;
    history.epochs.push(log);
    await callbacks.onEpoch?.(log);
    if (stopAfterEpoch && epoch < config.epochs - 1) history.stopped = true;
    if (history.stopped) break;
  }
  return history;
}

/** The model's outputs for every sample of `x`, in inference mode, `batch` at a time (the last batch padded). */
export async function predict(engine: Engine, report: GraphReport, weights: Weights, x: Tensor, batch: number): Promise<Tensor> {
  return predictWith(engine, report, weights, x, batch);
}

/** predict, also reading `alsoRead` nodes' outputs: `onBatch` gets them with the batch's real sample count. */
async function predictWith(
  engine: Engine, report: GraphReport, weights: Weights, x: Tensor, batch: number,
  alsoRead: string[] = [], onBatch?: (tensors: Map<string, Tensor>, count: number) => void,
): Promise<Tensor> {
  const input = report.nodes.find((r) => r.op === 'Input')!;
  const output = report.outputs[0];
  const compiled = engine.compile(report, weights, { batch, keep: alsoRead });
  try {
    const n = x.shape[0];
    const sample = sizeOf(x.shape.slice(1));
    const outShape = report.byId.get(output)!.shape!;
    const out = new Float32Array(n * sizeOf(outShape));
    const feed = new Float32Array(batch * sample);
    for (let start = 0; start < n; start += batch) {
      const count = Math.min(batch, n - start);
      feed.fill(0);
      feed.set(rows(x, start, start + count).data);
      const { tensors } = await compiled.run({ [input.id]: { shape: [batch, ...x.shape.slice(1)], data: feed } }, { read: [output, ...alsoRead] });
      out.set(tensors.get(output)!.data.subarray(0, count * sizeOf(outShape)), start * sizeOf(outShape));
      onBatch?.(tensors, count);
    }
    return { shape: [n, ...outShape], data: out };
  } finally {
    compiled.destroy();
  }
}

/**
 * Keras' model.evaluate: the data loss plus model.losses of the nodes the output reads — the weight
 * penalties and each activity regularizer's penalty on its node's output per sample (Keras: per
 * batch, divided by the batch size; with equal batches the same mean) — and the accuracy, over every
 * sample.
 */
export async function evaluate(engine: Engine, report: GraphReport, weights: Weights, data: Dataset, compile: CompileConfig, batch: number, what = 'data'): Promise<Evaluation> {
  data = fitDataToModel(report, data, compile.loss, what);
  const plan = planTraining(report);
  const regularized = plan.nodes.filter((r) => activityOf(r));
  let activitySum = 0;
  const y = await predictWith(engine, report, weights, data.x, batch, regularized.map((r) => r.id), (tensors, count) => {
    for (const r of regularized) {
      const t = tensors.get(r.id)!;
      activitySum += regularizationPenalty(activityOf(r)!, t.data.subarray(0, count * sizeOf(t.shape.slice(1))));
    }
  });
  const labels = compile.loss.name === 'sparse_categorical_crossentropy' ? data.y.data : data.y;
  const penalties = weightPenalty(plan, weights) + activitySum / data.x.shape[0];
  return { loss: dataLoss(compile.loss, y, labels).value + penalties, accuracy: accuracyOf(compile.loss, y, labels) };
}
