// `deepwire fit GRAPH --data …` and `deepwire evaluate MODEL --data …`: Keras' model.fit and
// model.evaluate on WebGPU (src/train/), with Keras' progress lines, and the trained model saved as
// export-keras saves one (model JSON + weights), which `deepwire run` and TF.js open.
import { existsSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { analyzeGraph, type GraphReport } from '../graph/analyze.ts';
import type { GraphFile } from '../graph/types.ts';
import { OpError } from '../ops/op.ts';
import { nearest } from '../ops/attrs.ts';
import { formatCount } from '../format.ts';
import { exportKerasModel } from '../io/keras-model-export.ts';
import { loadFashionMnist } from '../data/fashion-mnist.ts';
import { loadImageFolder } from '../data/image-folder.ts';
import { loadNpyPair } from '../data/npy-pair.ts';
import { rows } from '../data/batch.ts';
import type { Dataset } from '../data/dataset.ts';
import { Engine } from '../runtime/engine.ts';
import { materializeWeights, type WeightStore } from '../runtime/reference.ts';
import type { Tensor } from '../tensor.ts';
import { FIT_DEFAULTS, lossConfig, optimizerConfig, type CompileConfig, type FitConfig } from '../train/config.ts';
import { evaluate, fit, fitDataToModel, stepsPerEpochNote, type BatchProgress, type EpochLog } from '../train/fit.ts';
import { augmentationLayers, withAugmentation } from '../train/augment-graph.ts';
import { GpuTrainer } from '../train/gpu-trainer.ts';
import type { Flags, Parsed } from './args.ts';
import { CliError, usageError, writeOutput, type CliIo } from './io.ts';
import { loadValidGraph, seedOf } from './load-graph.ts';

type Weights = Map<string, Record<string, Tensor>>;

interface Data {
  train: Dataset;
  test?: Dataset;
  what: string;
}

export async function fitCommand({ file, flags }: Parsed, io: CliIo): Promise<number> {
  const config: FitConfig = {
    ...FIT_DEFAULTS,
    epochs: int(flags, 'epochs', FIT_DEFAULTS.epochs, 0),
    batchSize: int(flags, 'batch-size', FIT_DEFAULTS.batchSize, 1),
    validationSplit: fraction(flags, 'validation-split'),
    shuffle: !flags['no-shuffle'],
    stepsPerEpoch: flags['steps-per-epoch'] !== undefined ? int(flags, 'steps-per-epoch', 1, 1) : undefined,
  };
  const compile = compileOf(flags);
  const augmentation = augmentationOf(flags);
  const save = flags.save as string | undefined;
  if (config.epochs === 0 && save === undefined) throw usageError('--epochs 0 trains nothing, and without --save nothing is written', 'add --save OUT.json to write the initial weights, or use deepwire evaluate');
  if (save !== undefined && !/\.json$/i.test(save)) throw usageError(`--save writes a Keras model JSON, got '${save}'`, 'e.g. --save trained.json');
  const historyFile = flags.history as string | undefined;
  if (historyFile !== undefined && !/\.json$/i.test(historyFile)) throw usageError(`--history writes JSON, got '${historyFile}'`, 'e.g. --history history.json');
  const loaded = await loadValidGraph(file, io, flags);
  config.seed = seedOf(loaded, flags);
  const report = loaded.report;
  const weights = materializeWeights(report, config.seed, loaded.weights);
  const data = config.epochs > 0 ? firstSamples(await loadData(flags, report, io, 'fit'), flags) : null;
  // Every set is checked before the first step: a test set that does not fit the model would
  // otherwise fail only after the last epoch, with nothing saved.
  if (data) {
    data.train = fitDataToModel(report, data.train, compile.loss, 'training data');
    if (data.test) data.test = fitDataToModel(report, data.test, compile.loss, 'test data');
  }
  const engine = await Engine.create();
  let trained: Weights = weights;
  if (data) {
    // The training step's convs take the kernel inference would (as `deepwire run` does, measured once per adapter).
    await engine.tuneOnFirstUse();
    // --augment: the training run's graph has the augmentation layers after its Input; they are the
    // identity at inference, so validation, the test set and the saved model use the graph as given.
    const training = augmentation.length ? analyzeGraph(withAugmentation(loaded.raw as unknown as GraphFile, augmentation)) : report;
    const trainer = GpuTrainer.create(engine, training, weights, { batch: config.batchSize, compile, seed: config.seed });
    const augmented = augmentation.length ? `, augmented by ${augmentation.map((l) => l.op).join(' + ')}` : '';
    io.stdout(`${loaded.name}: ${describe(compile)}, batch ${config.batchSize}, on ${data.what} (${formatCount(data.train.x.shape[0])} samples${config.validationSplit ? `, ${config.validationSplit} held out for validation` : ''})${augmented}\n`);
    let stop = false;
    const onSigint = () => {
      if (stop) process.exit(130);
      stop = true;
      io.stderr('\nstopping after this batch (Ctrl-C again to quit without saving)\n');
    };
    process.on('SIGINT', onSigint);
    const tty = !!process.stdout.isTTY;
    const history = new HistoryLog(loaded.name, compile, config, data.what);
    try {
      await fit(engine, report, trainer, data.train, compile, config, {
        onBatch: (p) => {
          const note = p.epoch === 1 && p.batch === 1 && stepsPerEpochNote('--steps-per-epoch', config.stepsPerEpoch, p.batches, config.batchSize);
          if (note) io.stderr(`note: ${note}\n`);
          history.batch(p);
          if (tty) io.stdout(`\r${progressLine(p)}`);
        },
        onEpoch: async (log) => {
          history.epoch(log);
          io.stdout(`${tty ? '\r' : ''}Epoch ${log.epoch}/${config.epochs} - ${epochLine(log)}\n`);
          // Written after every epoch, so a long run that is stopped or dies keeps its curves.
          if (historyFile !== undefined) await writeOutput(historyFile, history.json(), io);
        },
        shouldStop: () => stop,
      });
    } finally {
      process.off('SIGINT', onSigint);
    }
    trained = await trainer.weights();
    trainer.destroy();
    if (historyFile !== undefined) {
      await writeOutput(historyFile, history.json(), io);
      io.stdout(`history: ${historyFile}\n`);
    }
  }
  if (data?.test) {
    const t = await evaluate(engine, report, trained, data.test, compile, config.batchSize, 'test data');
    io.stdout(`test loss: ${t.loss.toFixed(4)} - test accuracy: ${t.accuracy.toFixed(4)}\n`);
  }
  if (save !== undefined) await saveModel(save, loaded.raw, report, trained, io);
  return 0;
}

export async function evaluateCommand({ file, flags }: Parsed, io: CliIo): Promise<number> {
  const compile = compileOf(flags);
  const loaded = await loadValidGraph(file, io, flags);
  const weights = materializeWeights(loaded.report, seedOf(loaded, flags), loaded.weights);
  const data = await loadData(flags, loaded.report, io, 'evaluate');
  const what = data.test ? 'test data' : 'data';
  const set = fitDataToModel(loaded.report, data.test ?? data.train, compile.loss, what);
  const engine = await Engine.create();
  const t = await evaluate(engine, loaded.report, weights, set, compile, int(flags, 'batch-size', FIT_DEFAULTS.batchSize, 1), what);
  io.stdout(`${data.test ? 'test' : data.what}: loss: ${t.loss.toFixed(4)} - accuracy: ${t.accuracy.toFixed(4)}\n`);
  return 0;
}

/**
 * What `--history` writes: Keras' History (`history.history`: per epoch loss, accuracy, val_loss,
 * val_accuracy; `history.params`), plus every batch's own loss and accuracy for finer curves.
 */
class HistoryLog {
  private readonly epochs: EpochLog[] = [];
  private readonly batches = { step: [] as number[], loss: [] as number[], accuracy: [] as number[] };

  constructor(private readonly model: string, private readonly compile: CompileConfig, private readonly config: FitConfig, private readonly data: string) {}

  batch(p: BatchProgress): void {
    this.batches.step.push(this.batches.step.length + 1);
    this.batches.loss.push(p.metrics.loss);
    this.batches.accuracy.push(p.metrics.accuracy);
  }

  epoch(log: EpochLog): void {
    this.epochs.push(log);
  }

  json(): Uint8Array {
    const column = (pick: (e: EpochLog) => number | undefined) => this.epochs.map(pick);
    const history: Record<string, (number | undefined)[]> = { loss: column((e) => e.loss), accuracy: column((e) => e.accuracy) };
    if (this.epochs.some((e) => e.valLoss !== undefined)) {
      history.val_loss = column((e) => e.valLoss);
      history.val_accuracy = column((e) => e.valAccuracy);
    }
    const { optimizer, loss } = this.compile;
    const params = { model: this.model, data: this.data, optimizer, loss, ...this.config, steps: this.epochs.map((e) => e.samples / this.config.batchSize), seconds: column((e) => e.seconds) };
    return new TextEncoder().encode(`${JSON.stringify({ history, params, batches: this.batches })}\n`);
  }
}

function compileOf(flags: Flags): CompileConfig {
  const lr = flags['learning-rate'] as string | undefined;
  const learningRate = lr === undefined ? undefined : Number(lr);
  if (learningRate !== undefined && !(learningRate > 0)) throw usageError(`--learning-rate must be a positive number, got '${lr}'`, 'e.g. --learning-rate 0.001');
  return {
    optimizer: optimizerConfig((flags.optimizer as string | undefined) ?? 'adam', { learningRate }),
    loss: lossConfig((flags.loss as string | undefined) ?? 'sparse_categorical_crossentropy', !!flags['from-logits']),
    metrics: ['accuracy'],
  };
}

/** --augment flip,translate=0.1: the augmentation layers to put after the Input while training. */
function augmentationOf(flags: Flags) {
  const spec = flags.augment as string | undefined;
  if (spec === undefined) return [];
  try {
    return augmentationLayers(spec);
  } catch (e) {
    throw e instanceof OpError ? usageError(e.message, e.hint) : e;
  }
}

const describe = (c: CompileConfig) =>
  `compile(optimizer=${c.optimizer.name}(learning_rate=${c.optimizer.learningRate}), loss='${c.loss.name}'${c.loss.fromLogits ? ' (from_logits)' : ''}, metrics=['accuracy'])`;

/** fashion-mnist, a folder of class folders (two at least to fit), or X.npy,Y.npy; images sized to the graph's Input. */
async function loadData(flags: Flags, report: GraphReport, io: CliIo, use: 'fit' | 'evaluate'): Promise<Data> {
  const spec = flags.data as string | undefined;
  if (!spec) throw usageError('fit and evaluate need --data', 'e.g. --data fashion-mnist, --data photos/ (one folder per class) or --data x.npy,y.npy');
  if (spec === 'fashion-mnist') {
    const set = await loadFashionMnist();
    return { train: set.train, test: set.test, what: 'Fashion-MNIST' };
  }
  if (/\.npy,/i.test(spec)) {
    const [x, y] = spec.split(',');
    return { train: await loadNpyPair(x, y), what: basename(x) };
  }
  if (/\.npy$/i.test(spec)) throw usageError(`--data ${spec}: a .npy of samples needs its labels beside it`, `give both: --data ${spec},Y.npy`);
  if (!existsSync(spec) && (/mnist/i.test(spec) || nearest(spec, ['fashion-mnist']))) throw usageError(`--data ${spec}: no such dataset or folder`, "did you mean --data fashion-mnist?");
  const input = report.nodes.find((r) => r.op === 'Input')?.shape;
  if (!input || input.length !== 3) throw new CliError(`an image folder feeds an H×W×C Input; this graph's Input is ${input ? input.join('×') : 'missing'}`, 'use --data X.npy,Y.npy for other inputs');
  const set = await loadImageFolder(spec, { imageSize: [input[0], input[1]], colorMode: input[2] === 1 ? 'grayscale' : 'rgb', preprocess: 'unit' });
  if (set.classNames.length < 2 && use === 'fit')
    throw new CliError(`${spec} holds one class ('${set.classNames[0]}'): a classifier learns nothing from one`, 'add a subfolder of images for each other class');
  io.stdout(`${spec}: ${set.classNames.length} class${set.classNames.length === 1 ? '' : 'es'} (${set.classNames.join(', ')})\n`);
  return { train: set, what: basename(spec) };
}

/** --samples N: the first N training samples, as Keras users slice x_train[:N] (a small set shows overfitting). */
function firstSamples(data: Data, flags: Flags): Data {
  if (flags.samples === undefined) return data;
  const n = int(flags, 'samples', 1, 1);
  const have = data.train.x.shape[0];
  if (n > have) throw usageError(`--samples ${n} is more than the ${formatCount(have)} training samples of ${data.what}`, `use --samples ${have} or less`);
  return { ...data, train: { ...data.train, x: rows(data.train.x, 0, n), y: rows(data.train.y, 0, n) } };
}

async function saveModel(out: string, raw: Record<string, unknown>, report: GraphReport, weights: Weights, io: CliIo): Promise<void> {
  const store: WeightStore = new Map();
  for (const r of report.nodes)
    for (const spec of r.weights) {
      const w = weights.get(r.id)?.[spec.name];
      if (w) store.set(r.weightRefs?.[spec.name] ?? `${r.id}/${spec.name}`, w);
    }
  const shardName = `${basename(out, extname(out))}.weights.bin`;
  const { modelJson, shard } = exportKerasModel(raw, { weights: store, shardName });
  await writeOutput(out, new TextEncoder().encode(JSON.stringify(modelJson)), io);
  await writeOutput(join(dirname(out), shardName), shard, io);
  io.stdout(`saved ${out} + ${join(dirname(out), shardName)}\n`);
}

function int(flags: Flags, name: string, fallback: number, min: number): number {
  const text = flags[name] as string | undefined;
  if (text === undefined) return fallback;
  const v = Number(text);
  if (!Number.isInteger(v) || v < min) throw usageError(`--${name} must be a whole number ≥ ${min}, got '${text}'`);
  return v;
}

function fraction(flags: Flags, name: string): number {
  const text = flags[name] as string | undefined;
  if (text === undefined) return 0;
  const v = Number(text);
  if (!(v >= 0 && v < 1)) throw usageError(`--${name} must be a fraction in [0, 1), got '${text}'`, 'e.g. 0.1');
  return v;
}

const metricsText = (loss: number, accuracy: number, prefix = '') => `${prefix}loss: ${loss.toFixed(4)} - ${prefix}accuracy: ${accuracy.toFixed(4)}`;

function epochLine(log: EpochLog): string {
  const val = log.valLoss !== undefined ? ` - ${metricsText(log.valLoss, log.valAccuracy!, 'val_')}` : '';
  return `${log.seconds.toFixed(0)}s ${((1000 * log.seconds) / Math.max(1, log.samples)).toFixed(1)}ms/sample - ${metricsText(log.loss, log.accuracy)}${val}`;
}

/** Keras' live progress line: `120/1687 ━━━━────── ETA 1:02 - loss: 0.6012 - accuracy: 0.7810`. */
function progressLine(p: BatchProgress): string {
  const width = 20;
  const done = Math.round((width * p.batch) / p.batches);
  const eta = (p.seconds / p.batch) * (p.batches - p.batch);
  const clock = `${Math.floor(eta / 60)}:${String(Math.round(eta % 60)).padStart(2, '0')}`;
  return `Epoch ${p.epoch} ${p.batch}/${p.batches} ${'━'.repeat(done)}${'─'.repeat(width - done)} ETA ${clock} - ${metricsText(p.loss, p.accuracy)}`;
}
