// What `model.compile(...)` and `model.fit(...)` take, with Keras' names and defaults (Keras 3:
// keras.optimizers.SGD / Adam / RMSprop, keras.losses.*). The CPU reference trainer and the WebGPU
// trainer read the same objects, so a run repeats exactly on either.
import { OpError } from '../ops/op.ts';

export const LOSSES = ['categorical_crossentropy', 'sparse_categorical_crossentropy', 'binary_crossentropy', 'mean_squared_error'] as const;
export type LossName = (typeof LOSSES)[number];

export interface LossConfig {
  name: LossName;
  /** The model's output is logits, not probabilities (Keras' `from_logits`); crossentropies only. */
  fromLogits: boolean;
}

export interface SGDConfig {
  name: 'sgd';
  learningRate: number;
  momentum: number;
  nesterov: boolean;
}

export interface AdamConfig {
  name: 'adam';
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}

export interface RMSpropConfig {
  name: 'rmsprop';
  learningRate: number;
  rho: number;
  momentum: number;
  epsilon: number;
  centered: boolean;
}

export type OptimizerConfig = SGDConfig | AdamConfig | RMSpropConfig;
export type OptimizerName = OptimizerConfig['name'];

/** Keras 3's defaults for each optimizer. */
export const OPTIMIZER_DEFAULTS: { [K in OptimizerName]: Extract<OptimizerConfig, { name: K }> } = {
  sgd: { name: 'sgd', learningRate: 0.01, momentum: 0, nesterov: false },
  adam: { name: 'adam', learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
  rmsprop: { name: 'rmsprop', learningRate: 0.001, rho: 0.9, momentum: 0, epsilon: 1e-7, centered: false },
};

/** An optimizer by Keras name ('sgd', 'adam', 'rmsprop'; case-insensitive) with Keras' defaults under `overrides`. */
/** Any optimizer's hyperparameters: each applies to the optimizers that have it. */
export type OptimizerOverrides = Partial<Omit<SGDConfig, 'name'> & Omit<AdamConfig, 'name'> & Omit<RMSpropConfig, 'name'>>;

export function optimizerConfig(name: string, overrides: OptimizerOverrides = {}): OptimizerConfig {
  const key = name.toLowerCase() as OptimizerName;
  const base = OPTIMIZER_DEFAULTS[key];
  if (!base) throw new OpError(`unknown optimizer '${name}'`, `use one of ${Object.keys(OPTIMIZER_DEFAULTS).join(', ')}`);
  const config = { ...base, ...Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)) } as OptimizerConfig;
  if (!(config.learningRate > 0)) throw new OpError(`learning rate ${config.learningRate} must be positive`);
  return config;
}

export function lossConfig(name: string, fromLogits = false): LossConfig {
  const aliases: Record<string, LossName> = { mse: 'mean_squared_error', categorical: 'categorical_crossentropy', sparse: 'sparse_categorical_crossentropy', binary: 'binary_crossentropy' };
  const resolved = (aliases[name] ?? name) as LossName;
  if (!LOSSES.includes(resolved)) throw new OpError(`unknown loss '${name}'`, `use one of ${LOSSES.join(', ')}`);
  return { name: resolved, fromLogits };
}

export interface CompileConfig {
  optimizer: OptimizerConfig;
  loss: LossConfig;
  /** 'accuracy' as Keras resolves it for the loss (categorical, sparse categorical or binary). */
  metrics: 'accuracy'[];
}

export interface FitConfig {
  batchSize: number;
  epochs: number;
  /** The last fraction of the samples (before shuffling, as Keras takes it) held out for validation. */
  validationSplit: number;
  shuffle: boolean;
  /** Seeds the initial weights (the graph's own seed when absent), the shuffles and Dropout's masks. */
  seed: number;
  /** Batches per epoch; default all of them (the last one smaller, as Keras). */
  stepsPerEpoch?: number;
}

export const FIT_DEFAULTS: FitConfig = { batchSize: 32, epochs: 1, validationSplit: 0, shuffle: true, seed: 0 };
