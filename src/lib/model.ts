// A loaded model, as TF.js' LayersModel is: what it is (inputs, outputs, nodes, a Keras summary), its
// weights, compiling it for a device, and Keras' fit / evaluate / predict on the GPU trainer
// (src/train/fit.ts). Weights are materialised once, from the imported ones or the graph's seeded
// initializers, exactly as the editor and `deepwire run` make them; fit replaces them with the trained ones.
import type { GraphReport } from '../graph/analyze.ts';
import type { GraphFile } from '../graph/types.ts';
import { modelSummary } from '../graph/summary.ts';
import type { OnnxImport } from '../io/onnx-import.ts';
import { OpError } from '../ops/op.ts';
import { materializeWeights, runReference, type WeightStore } from '../runtime/reference.ts';
import type { Tensor } from '../tensor.ts';
import { checkDataset } from '../data/dataset.ts';
import { FIT_DEFAULTS, lossConfig, optimizerConfig, type CompileConfig, type LossName, type OptimizerName, type OptimizerOverrides } from '../train/config.ts';
import { evaluate, fit, fitDataToModel, predict, type BatchProgress, type EpochLog } from '../train/fit.ts';
import { GpuTrainer } from '../train/gpu-trainer.ts';
import { CompiledModel } from './compiled-model.ts';
import { Device } from './device.ts';
import { ensureValid, type LoadedModel } from './load.ts';
import { nodeId } from './nodes.ts';
import { engineFeeds, inputPorts, outputPorts, outputsToRead, userTensor, type Feeds, type PortInfo } from './ports.ts';

type Weights = Map<string, Record<string, Tensor>>;

/** One node of a model's graph. */
export interface NodeInfo {
  id: string;
  /** Keras-style name (`conv2d_1`), or the name the model gave it. */
  name: string;
  /** The op, e.g. `Conv2D`. */
  op: string;
  /** Output shape of one sample, NHWC, without the batch axis. */
  shape: number[];
  /** Weights it holds (trainable and not). */
  params: number;
  /** Floating-point operations for one sample (1 multiply-add = 2 FLOPs). */
  flops: number;
}

/** Options of {@link Model.compile}. */
export interface CompileOptions {
  /** Default: {@link Device.default}. */
  device?: Device;
  /** The batch size to build for now; a run with another compiles for it then. Default 1. */
  batch?: number;
  /**
   * Which nodes' outputs stay readable after a run ({@link CompiledModel.read}): `'outputs'` (default:
   * the model's outputs; everything else is fused and its memory reused, the fastest), `'all'` (every
   * node: no fusion, more memory), or a list of node names, ids or ONNX value names.
   */
  keep?: 'outputs' | 'all' | string[];
}

/** Keras' `compile` arguments that fit and evaluate take: the loss and (fit) the optimizer. */
export interface LossOptions {
  /** Keras' loss name; default `'sparse_categorical_crossentropy'` (y holds class indices). Also `'mse'`. */
  loss?: LossName | 'mse';
  /** The model's output is logits rather than probabilities (crossentropies). Default false. */
  fromLogits?: boolean;
  /** Default: {@link Device.default}. */
  device?: Device;
}

/** Keras' `fit` arguments, with its names and defaults, and callbacks. */
export interface FitOptions extends LossOptions {
  /** `'adam'` (default), `'sgd'` or `'rmsprop'`, or one with its hyperparameters, e.g. `{ name: 'sgd', momentum: 0.9 }`. */
  optimizer?: OptimizerName | ({ name: OptimizerName } & OptimizerOverrides);
  /** Default the optimizer's Keras default (0.001 for Adam and RMSprop, 0.01 for SGD). */
  learningRate?: number;
  /** Default 32. Every batch has this size: an epoch's last partial batch is left out of it. */
  batchSize?: number;
  /** Default 1. */
  epochs?: number;
  /** The last fraction of the samples, held out for validation (before shuffling, as Keras). Default 0. */
  validationSplit?: number;
  /** Default true: a seeded shuffle each epoch. */
  shuffle?: boolean;
  /** Seeds the shuffles and Dropout's masks. Default the graph's seed, else 0. */
  seed?: number;
  /** Batches per epoch; default all. */
  stepsPerEpoch?: number;
  /** Stops after the current batch when aborted, keeping what was learnt. */
  signal?: AbortSignal;
  /** After every few batches (the metrics are read back a few times a second): the batch's and the epoch's running metrics. */
  onBatchEnd?(progress: BatchProgress): void | Promise<void>;
  /** After every epoch: Keras' logs (loss, accuracy, valLoss, valAccuracy). */
  onEpochEnd?(log: EpochLog): void | Promise<void>;
}

/** What {@link Model.fit} returns: Keras' `History`. */
export interface History {
  /** Keras' `history.history`: one value per epoch. */
  history: { loss: number[]; accuracy: number[]; val_loss?: number[]; val_accuracy?: number[] };
  /** Each epoch's log, with its time and sample count. */
  epochs: EpochLog[];
  /** Stopped by `signal` before the last epoch ended. */
  stopped: boolean;
}

/**
 * A model: a deepwire graph with its weights. Get one from {@link loadModel}. Everything runs on WebGPU
 * but {@link Model.runReference}, the CPU reference.
 */
export class Model {
  /** The model's name. */
  readonly name: string;
  /** The graph as data (deepwire's file format): what the editor and `deepwire` read. */
  readonly graph: GraphFile;
  /** Notes from the import (e.g. a layer read with a caveat). */
  readonly notes: string[];
  /** The inputs, as {@link CompiledModel.run} takes them. */
  readonly inputs: PortInfo[];
  /** The outputs, as {@link CompiledModel.run} returns them. */
  readonly outputs: PortInfo[];
  private readonly report: GraphReport;
  private readonly store?: WeightStore;
  private readonly onnx?: OnnxImport;
  private weightMap: Weights | null = null;

  /** @internal Use {@link loadModel}. */
  constructor(loaded: LoadedModel) {
    ensureValid(loaded.report, loaded.name);
    this.name = loaded.name;
    this.graph = loaded.graph;
    this.notes = loaded.notes;
    this.report = loaded.report;
    this.store = loaded.store;
    this.onnx = loaded.onnx;
    this.inputs = inputPorts(this.report, this.onnx);
    this.outputs = outputPorts(this.report, this.onnx);
  }

  /** Every node, in the graph's order. */
  get nodes(): NodeInfo[] {
    return this.report.nodes.map((r) => ({
      id: r.id, name: r.name, op: r.op, shape: [...r.shape!], params: r.params.trainable + r.params.nonTrainable, flops: r.flops,
    }));
  }

  /** Total weights, and how many of them train. */
  get params(): { total: number; trainable: number } {
    const { params, trainable } = this.report.totals;
    return { total: params, trainable };
  }

  /** Floating-point operations for one sample (1 multiply-add = 2 FLOPs). */
  get flops(): number {
    return this.report.totals.flops;
  }

  /** Keras' `model.summary()` table as text. */
  summary(): string {
    return modelSummary(this.name, this.report);
  }

  /** The weights by node name: `{ conv2d: { kernel, bias } }` (kernels HWIO, as Keras holds them). */
  getWeights(): Record<string, Record<string, Tensor>> {
    return Object.fromEntries([...this.weights()].map(([id, w]) => [this.report.byId.get(id)!.name, w]));
  }

  /**
   * Compiles the model for a device: lowers it to WGSL kernels and builds its pipelines and buffers.
   * The compiled model runs with the weights the model has now (a later fit does not change it).
   */
  async compile(options: CompileOptions = {}): Promise<CompiledModel> {
    const device = options.device ?? await Device.default();
    const batch = options.batch ?? 1;
    if (!Number.isInteger(batch) || batch < 1) throw new OpError(`batch must be a whole number ≥ 1, got ${batch}`);
    const keep = options.keep ?? 'outputs';
    const ids = keep === 'outputs' ? [] : keep === 'all' ? this.report.order.filter((id) => this.report.byId.get(id)!.op !== 'Input')
      : keep.map((ref) => nodeId(this.report, ref, this.onnx));
    const compiled = new CompiledModel(device, {
      name: this.name, report: this.report, weights: this.weights(), inputs: this.inputs, outputs: this.outputs, onnx: this.onnx, keep: ids,
    }, batch);
    await compiled.prepare();
    return compiled;
  }

  /**
   * Runs the model on the CPU with every op's plain-loop reference (float64 sums): slow, and the spec
   * the GPU kernels are tested against. Takes and returns what {@link CompiledModel.run} does.
   */
  runReference(feeds: Feeds, options: { outputs?: string[] } = {}): Record<string, Tensor> {
    const read = outputsToRead(this.report, this.outputs, options.outputs, this.onnx);
    const { tensors } = runReference(this.report, engineFeeds(feeds, this.inputs, this.onnx), { weights: this.weights(), outputs: read.map((r) => r.id) });
    return Object.fromEntries(read.map(({ id, key }) => [key, userTensor(tensors.get(id)!, id, this.onnx, key)]));
  }

  /**
   * Keras' `model.fit(x, y)` on the GPU: `x` is [N, ...input] (deepwire's layout), `y` class indices [N]
   * for the sparse loss, else [N, ...output]. The model keeps the trained weights.
   */
  async fit(x: Tensor, y: Tensor, options: FitOptions = {}): Promise<History> {
    const device = options.device ?? await Device.default();
    const compile = this.lossAndOptimizer(options);
    // Refused here, before the training graph is compiled, if it does not fit the model.
    const data = fitDataToModel(this.report, checkDataset(x, y), compile.loss, 'training data');
    const config = {
      ...FIT_DEFAULTS, epochs: options.epochs ?? FIT_DEFAULTS.epochs, batchSize: options.batchSize ?? FIT_DEFAULTS.batchSize,
      validationSplit: options.validationSplit ?? 0, shuffle: options.shuffle ?? true, seed: options.seed ?? this.graph.seed ?? 0, stepsPerEpoch: options.stepsPerEpoch,
    };
    if (!Number.isInteger(config.epochs) || config.epochs < 0) throw new OpError(`epochs must be a whole number ≥ 0, got ${config.epochs}`);
    if (!Number.isInteger(config.batchSize) || config.batchSize < 1) throw new OpError(`batchSize must be a whole number ≥ 1, got ${config.batchSize}`);
    if (!(config.validationSplit >= 0 && config.validationSplit < 1)) throw new OpError(`validationSplit must be in [0, 1), got ${config.validationSplit}`);
    const trainer = GpuTrainer.create(device.engine, this.report, this.weights(), { batch: config.batchSize, compile, seed: config.seed });
    try {
      const result = await fit(device.engine, this.report, trainer, data, compile, config, {
        onBatch: options.onBatchEnd, onEpoch: options.onEpochEnd, shouldStop: () => !!options.signal?.aborted,
      });
      this.weightMap = await trainer.weights();
      const column = (pick: (e: EpochLog) => number | undefined) => result.epochs.map(pick) as number[];
      const history: History['history'] = { loss: column((e) => e.loss), accuracy: column((e) => e.accuracy) };
      if (result.epochs.some((e) => e.valLoss !== undefined)) {
        history.val_loss = column((e) => e.valLoss);
        history.val_accuracy = column((e) => e.valAccuracy);
      }
      return { history, epochs: result.epochs, stopped: result.stopped };
    } finally {
      trainer.destroy();
    }
  }

  /** Keras' `model.evaluate(x, y)`: the loss (with the regularization penalties) and the accuracy, over every sample. */
  async evaluate(x: Tensor, y: Tensor, options: LossOptions & { batchSize?: number } = {}): Promise<{ loss: number; accuracy: number }> {
    const device = options.device ?? await Device.default();
    return evaluate(device.engine, this.report, this.weights(), checkDataset(x, y), this.lossAndOptimizer(options), options.batchSize ?? FIT_DEFAULTS.batchSize);
  }

  /** Keras' `model.predict(x)`: the output for every sample of `x` ([N, ...input]), `batchSize` at a time. */
  async predict(x: Tensor, options: { batchSize?: number; device?: Device } = {}): Promise<Tensor> {
    if (this.report.outputs.length !== 1) throw new OpError(`predict returns one output; ${this.name} has ${this.report.outputs.length}`, 'compile() it and run() it instead');
    const device = options.device ?? await Device.default();
    return predict(device.engine, this.report, this.weights(), x, options.batchSize ?? FIT_DEFAULTS.batchSize);
  }

  private lossAndOptimizer(options: FitOptions): CompileConfig {
    const optimizer: { name: OptimizerName } & OptimizerOverrides = typeof options.optimizer === 'object' ? options.optimizer : { name: options.optimizer ?? 'adam' };
    const { name, ...overrides } = optimizer;
    return {
      optimizer: optimizerConfig(name, { ...overrides, learningRate: options.learningRate ?? overrides.learningRate }),
      loss: lossConfig(options.loss ?? 'sparse_categorical_crossentropy', options.fromLogits ?? false),
      metrics: ['accuracy'],
    };
  }

  private weights(): Weights {
    this.weightMap ??= materializeWeights(this.report, this.graph.seed ?? 0, this.store);
    return this.weightMap;
  }
}
