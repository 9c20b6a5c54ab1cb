/** What the Train panel and window.deepwire.fit() take: Keras' compile and fit arguments, camel-cased
 *  (`batchSize` for `batch_size`), with Keras' defaults from src/train/config.ts; their check, the engine's
 *  configs they map to, the Python line they stand for, and whether a graph can train on the data. Pure. */
import {
  FIT_DEFAULTS, LOSSES, OPTIMIZER_DEFAULTS, formatShape, lossConfig, optimizerConfig,
  type CompileConfig, type FitConfig, type GraphReport, type LossName, type OptimizerName, type Tensor,
} from '../src/index.ts';

export interface TrainOptions {
  /** 'fashion-mnist' (built in), or a data set the user made in the panel (a class set, a folder, the full Fashion-MNIST). */
  dataset: string;
  loss: LossName;
  optimizer: OptimizerName;
  /** Undefined: the optimizer's own default (Adam 0.001, SGD 0.01, RMSprop 0.001). */
  learningRate?: number;
  batchSize: number;
  epochs: number;
  validationSplit: number;
  /** Seeds the shuffles and Dropout's masks; the initial weights are the graph's own (its seed), as Run uses. */
  seed: number;
  /** Keras' steps_per_epoch; undefined: every full batch of the training samples. */
  stepsPerEpoch?: number;
}

export const TRAIN_DEFAULTS: TrainOptions = {
  dataset: 'fashion-mnist',
  // What Keras' Fashion-MNIST tutorials compile with: integer labels, a softmax output.
  loss: 'sparse_categorical_crossentropy',
  optimizer: 'adam',
  batchSize: FIT_DEFAULTS.batchSize,
  epochs: FIT_DEFAULTS.epochs,
  validationSplit: FIT_DEFAULTS.validationSplit,
  seed: FIT_DEFAULTS.seed,
};

/** Why options or a graph cannot train, worded for the panel. */
export class TrainOptionError extends Error {}

const KEYS = Object.keys({ ...TRAIN_DEFAULTS, learningRate: 0, stepsPerEpoch: 0 } satisfies Required<TrainOptions>);
const camel = (key: string) => key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
/** An option as the panel labels it and Keras spells it: batchSize → batch_size. */
const kerasName = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** Options given in part (the panel's fields, a script's object) checked and completed with the defaults;
 *  `datasets` are the names the dataset may take. */
export function resolveTrainOptions(given: Record<string, unknown>, datasets: readonly string[] = ['fashion-mnist']): TrainOptions {
  for (const key of Object.keys(given))
    if (!KEYS.includes(key))
      throw new TrainOptionError(KEYS.includes(camel(key)) ? `unknown option '${key}': Keras' names are camel-cased here, use '${camel(key)}'` : `unknown option '${key}' (options: ${KEYS.join(', ')})`);
  const o = { ...TRAIN_DEFAULTS, ...Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined && v !== '')) } as TrainOptions;
  if (!datasets.includes(o.dataset))
    throw new TrainOptionError(`unknown dataset '${o.dataset}' (data sets: ${datasets.map((d) => `'${d}'`).join(', ')}; make a class set in the Train panel to train on your own photos)`);
  if (!LOSSES.includes(o.loss)) throw new TrainOptionError(`unknown loss '${o.loss}' (losses: ${LOSSES.join(', ')})`);
  if (!(o.optimizer in OPTIMIZER_DEFAULTS)) throw new TrainOptionError(`unknown optimizer '${o.optimizer}' (optimizers: ${Object.keys(OPTIMIZER_DEFAULTS).join(', ')})`);
  const whole = (name: keyof TrainOptions, min: number) => {
    const v = Number(o[name]);
    if (!Number.isInteger(v) || v < min) throw new TrainOptionError(`${kerasName(name)} must be a whole number ≥ ${min}, got ${o[name]}`);
    return v;
  };
  o.batchSize = whole('batchSize', 1);
  o.epochs = whole('epochs', 1);
  o.seed = whole('seed', 0);
  if (o.stepsPerEpoch !== undefined) o.stepsPerEpoch = whole('stepsPerEpoch', 1);
  o.validationSplit = Number(o.validationSplit);
  if (!(o.validationSplit >= 0 && o.validationSplit < 1)) throw new TrainOptionError(`validation_split must be a fraction in [0, 1), got ${given.validationSplit}`);
  if (o.learningRate !== undefined) {
    o.learningRate = Number(o.learningRate);
    if (!(o.learningRate > 0 && Number.isFinite(o.learningRate))) throw new TrainOptionError(`learning_rate must be a positive number, got ${given.learningRate}`);
  }
  return o;
}

export const learningRateOf = (o: TrainOptions): number => o.learningRate ?? OPTIMIZER_DEFAULTS[o.optimizer].learningRate;

/** The engine's compile and fit configs for checked options. */
export function trainConfigs(o: TrainOptions): { compile: CompileConfig; fit: FitConfig } {
  return {
    compile: { optimizer: optimizerConfig(o.optimizer, { learningRate: learningRateOf(o) }), loss: lossConfig(o.loss), metrics: ['accuracy'] },
    fit: { ...FIT_DEFAULTS, batchSize: o.batchSize, epochs: o.epochs, validationSplit: o.validationSplit, seed: o.seed, stepsPerEpoch: o.stepsPerEpoch },
  };
}

const OPTIMIZER_CLASS: Record<OptimizerName, string> = { sgd: 'SGD', adam: 'Adam', rmsprop: 'RMSprop' };

/** The Keras code these options stand for, one statement a line. */
export function kerasCode(o: TrainOptions): string[] {
  const sparse = o.loss === 'sparse_categorical_crossentropy';
  const fitArgs = [
    'x_train', sparse ? 'y_train' : 'keras.utils.to_categorical(y_train)',
    `batch_size=${o.batchSize}`, `epochs=${o.epochs}`,
    ...(o.validationSplit ? [`validation_split=${o.validationSplit}`] : []),
    ...(o.stepsPerEpoch !== undefined ? [`steps_per_epoch=${o.stepsPerEpoch}`] : []),
  ];
  return [
    ...(o.seed ? [`keras.utils.set_random_seed(${o.seed})`] : []),
    `model.compile(optimizer=keras.optimizers.${OPTIMIZER_CLASS[o.optimizer]}(learning_rate=${learningRateOf(o)}), loss="${o.loss}", metrics=["accuracy"])`,
    `model.fit(${fitArgs.join(', ')})`,
  ];
}

/**
 * Why the graph cannot train on a classification set with `classes` classes of `sample`-shaped inputs, or
 * null when it can: one Input of the sample's shape, and one output of `classes` values per sample.
 */
export function trainProblem(report: GraphReport, sample: readonly number[], classes: number): string | null {
  if (!report.ok) {
    const p = report.problems[0];
    return `the graph has problems to fix first (${p.node ? `${report.byId.get(p.node)?.name ?? p.node}: ` : ''}${p.message})`;
  }
  const inputs = report.nodes.filter((n) => n.op === 'Input');
  if (inputs.length !== 1) return `training needs one Input, the graph has ${inputs.length}`;
  const input = inputs[0].shape!;
  if (formatShape(input) !== formatShape(sample))
    return `the Input '${inputs[0].name}' is ${formatShape(input)}, the data's images are ${formatShape(sample)}: set its shape to ${sample.join(', ')}`;
  if (report.outputs.length !== 1) return `training needs one output, the graph has ${report.outputs.length}`;
  const out = report.byId.get(report.outputs[0])!;
  if (out.shape?.length !== 1 || out.shape[0] !== classes)
    return `the output '${out.name}' is ${formatShape(out.shape ?? [])}, the data has ${classes} classes: end the network in a Dense of ${classes} units (softmax) after a Flatten or a global pooling`;
  return null;
}

/** Integer class labels [N] as the loss wants them: as they are for the sparse loss, else one-hot [N, classes] (keras.utils.to_categorical). */
export function labelsFor(loss: LossName, y: Tensor, classes: number): Tensor {
  if (loss === 'sparse_categorical_crossentropy') return y;
  const n = y.shape[0];
  const data = new Float32Array(n * classes);
  for (let i = 0; i < n; i++) data[i * classes + y.data[i]] = 1;
  return { shape: [n, classes], data };
}

/** Keras' History.history for a run's epoch logs: val_ keys only when there was validation, as Keras. */
export function kerasHistory(epochs: readonly { loss: number; accuracy: number; valLoss?: number; valAccuracy?: number }[]): {
  history: { loss: number[]; accuracy: number[]; val_loss?: number[]; val_accuracy?: number[] }; epoch: number[];
} {
  const validated = epochs.some((e) => e.valLoss !== undefined);
  return {
    history: {
      loss: epochs.map((e) => e.loss),
      accuracy: epochs.map((e) => e.accuracy),
      ...(validated ? { val_loss: epochs.map((e) => e.valLoss ?? NaN), val_accuracy: epochs.map((e) => e.valAccuracy ?? NaN) } : {}),
    },
    epoch: epochs.map((_, i) => i),
  };
}

/** Why `samples` cannot make one training batch with these options, or null (fit drops a last partial batch). */
export function batchProblem(samples: number, o: Pick<TrainOptions, 'batchSize' | 'validationSplit'>): string | null {
  const train = o.validationSplit ? Math.floor(samples * (1 - o.validationSplit)) : samples;
  if (train >= o.batchSize) return null;
  return `${train} training sample${train === 1 ? '' : 's'}${o.validationSplit ? ` (of ${samples}, validation_split ${o.validationSplit} held out)` : ''} make no batch of ${o.batchSize}: set batch_size to ${Math.max(1, train)} or less, or add images`;
}
