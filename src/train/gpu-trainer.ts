// Training on WebGPU: a graph compiled once into a training step (lower-training.ts) that runs as one
// submit per batch — forward, loss, backward and the optimizer update in place — reading back only
// the batch's losses and hits, and only when asked. The learnt weights stay on the GPU until read.
import type { GraphReport } from '../graph/analyze.ts';
import type { Plan } from '../compile/plan.ts';
import { CompiledGraph, type Engine, type RunResult } from '../runtime/engine.ts';
import { OpError } from '../ops/op.ts';
import { formatShape, type Tensor } from '../tensor.ts';
import type { CompileConfig } from './config.ts';
import { LABELS, lowerTraining, METRICS, METRICS_LOG, STATE, STATE_WORDS, type TrainingOptions, type TrainingPlan } from './lower-training.ts';

/** One optimizer step's loss and accuracy on its batch. */
export interface StepMetrics {
  /** The loss Keras reports: the data loss plus the regularization penalties. */
  loss: number;
  dataLoss: number;
  regularization: number;
  /** Keras 3's 'accuracy' as it resolves it from the shapes (shaders/train/loss.wgsl). */
  accuracy: number;
}

export interface GpuTrainerOptions {
  batch: number;
  compile: CompileConfig;
  /** Seeds Dropout's masks. */
  seed?: number;
  /** The conv kernels, for tests and benchmarks; default the engine's choice for inference. */
  kernels?: TrainingOptions['kernels'];
  /** Steps readLog can fall behind (the GPU's ring of per-step metrics); default METRICS_LOG_STEPS. */
  metricsLogSteps?: number;
}

type Weights = Map<string, Record<string, Tensor>>;

export class GpuTrainer {
  /** Optimizer steps taken (Keras' `optimizer.iterations`). */
  iterations = 0;
  readonly input: string;
  /** GPU time of the last step run with `timing` (timestamp queries where the adapter has them). */
  timings?: RunResult['timings'];
  /** `iterations` when the metrics were last read back (by a step with `read`, or by readLog). */
  private readUpTo = 0;

  private constructor(
    private readonly compiled: CompiledGraph,
    readonly training: TrainingPlan,
    private readonly initial: Weights,
    private readonly options: GpuTrainerOptions,
  ) {
    const inputs = training.graph.nodes.filter((r) => r.op === 'Input');
    if (inputs.length !== 1) throw new OpError(`training needs one Input, the graph has ${inputs.length}`, 'merge the inputs into one');
    this.input = inputs[0].id;
  }

  /** Compiles the training step for `report` from `weights` (the initial weights; they are not modified). */
  static create(engine: Engine, report: GraphReport, weights: Weights, options: GpuTrainerOptions): GpuTrainer {
    // The plan's constants are the weights' own arrays: copies, so the caller's stay the initial ones.
    const own: Weights = new Map([...weights].map(([id, w]) => [id, Object.fromEntries(Object.entries(w).map(([n, t]) => [n, { shape: [...t.shape], data: new Float32Array(t.data) }]))]));
    // The conv kernels as the engine picks them for inference; lowered again past any this device fails to build.
    const lower = () => lowerTraining(report, own, {
      batch: options.batch, compile: options.compile, metricsLogSteps: options.metricsLogSteps,
      kernels: { convKernel: engine.convKernel, gemmWorkgroups: engine.tuned?.gemmWorkgroups, subgroups: engine.info.features.subgroups, ...options.kernels, avoidKernels: new Set(engine.unbuildable) },
    });
    const training = lower();
    engine.checkLimits(training.plan);
    const relower = () => {
      const again = lower();
      // The weights stay where the first plan put them (`training.weights`): constants are bound in graph order whatever the kernels.
      if (again.weights.some((w, i) => w.constant !== training.weights[i]?.constant)) throw new Error('internal: lowering again moved the weights');
      return again.plan;
    };
    const compiled = new CompiledGraph(engine, training.plan, new Set(training.kept), relower);
    return new GpuTrainer(compiled, training, own, options);
  }

  /**
   * One optimizer step on a batch: x [B, ...input], labels [B] (sparse) or shaped like the output.
   * With `read` (default), the batch's metrics; without, nothing is read back and null is returned.
   * With `timing`, the step's GPU time per dispatch is left in `timings` (plan.steps names them).
   */
  async step(x: Tensor, labels: Tensor, { read = true, timing = false }: { read?: boolean; timing?: boolean } = {}): Promise<StepMetrics | null> {
    const want = this.training.labelShape;
    if (formatShape(labels.shape) !== formatShape(want))
      throw new OpError(`labels of shape ${formatShape(labels.shape)} do not fit this model: it needs ${formatShape(want)}`, this.options.compile.loss.name === 'sparse_categorical_crossentropy' ? 'give one class index per sample' : 'give one-hot labels shaped like the output');
    const words = new Uint32Array(STATE_WORDS);
    words[0] = this.iterations + 1;
    words[1] = (this.options.seed ?? 0) >>> 0;
    new Float32Array(words.buffer, 8, 1)[0] = this.options.compile.optimizer.learningRate;
    words[3] = this.iterations;
    const feeds = { [this.input]: x, [LABELS]: labels, [STATE]: { shape: [STATE_WORDS], data: new Float32Array(words.buffer) } };
    const ring = this.training.metricsLogSteps;
    if (this.unreadSteps >= ring) throw new Error(`internal: ${this.unreadSteps} steps unread; readLog() at least every ${ring} steps`);
    const result = await this.compiled.run(feeds, { read: read ? [METRICS] : [], timing });
    this.iterations++;
    if (timing) this.timings = result.timings;
    if (!read) return null;
    this.readUpTo = this.iterations;
    return this.metrics(result.tensors.get(METRICS)!.data);
  }

  /** Steps run without `read` whose metrics readLog has not returned yet (at most training.metricsLogSteps). */
  get unreadSteps(): number {
    return this.iterations - this.readUpTo;
  }

  /**
   * The metrics of every step since the last read, in order, from the GPU's per-step records
   * (metrics-log.wgsl): steps run without `read` cost no readback, and one readLog returns them all.
   */
  async readLog(): Promise<StepMetrics[]> {
    if (this.unreadSteps === 0) return [];
    const records = (await this.compiled.read([METRICS_LOG])).get(METRICS_LOG)!.data;
    const out: StepMetrics[] = [];
    for (let step = this.readUpTo; step < this.iterations; step++) {
      const at = 3 * (step % this.training.metricsLogSteps);
      const [dataLoss, accuracy, regularization] = [records[at], records[at + 1], records[at + 2]];
      out.push({ loss: dataLoss + regularization, dataLoss, regularization, accuracy });
    }
    this.readUpTo = this.iterations;
    return out;
  }

  /** The step's plan as it runs on this device: its dispatches, their kernels and params. */
  get plan(): Plan {
    return this.compiled.plan;
  }

  private metrics(m: Float32Array): StepMetrics {
    const { rows, penalties } = this.training;
    let loss = 0, hits = 0, regularization = 0;
    for (let r = 0; r < rows; r++) {
      loss += m[2 * r];
      hits += m[2 * r + 1];
    }
    for (let k = 0; k < penalties.length; k++) regularization += m[2 * rows + k];
    const dataLoss = loss / rows;
    return { loss: dataLoss + regularization, dataLoss, regularization, accuracy: hits / rows };
  }

  /** The weights as trained so far (every weight, BatchNormalization's moving statistics included). */
  async weights(): Promise<Weights> {
    const planned = this.training.weights;
    const data = await this.compiled.readConstants(planned.map((w) => w.constant));
    const out: Weights = new Map([...this.initial].map(([id, w]) => [id, { ...w }]));
    planned.forEach((w, i) => {
      const shape = this.initial.get(w.node)![w.name].shape;
      out.get(w.node)![w.name] = { shape: [...shape], data: data[i] };
    });
    return out;
  }

  destroy(): void {
    this.compiled.destroy();
  }
}
