// The CPU reference trainer: Keras' `model.train_on_batch` over an analysed graph, with every op's
// plain-loop reference (float64 accumulation, float32 tensors and weights, float64 optimizer state).
// The spec the WebGPU trainer is tested against, step by step; itself checked against finite
// differences and against TF.js Layers' trainOnBatch (src/train/tfjs-layers.test.ts).
//
// One step, as Keras 3's Trainer.train_step:
// 1. forward in training mode (OpDef.trainForward: BatchNormalization's batch statistics, Dropout's
//    mask keyed by (seed, step, node)), keeping every node's output;
// 2. loss = the data loss (src/train/losses.ts) + model.losses: the regularizer penalties of the
//    trainable weights of trainable nodes (Keras 3 leaves a frozen layer's weights out, TF.js keeps
//    them) and each activity-regularized node's penalty on its output divided by the batch size
//    (Keras ≥ 3.14 and tf.keras 2 divide, Keras 3.0–3.13 did not; TF.js Layers 4.22 refuses
//    activity regularizers);
// 3. backward in reverse topological order (OpDef.backward with the same training context), the
//    gradients of a tensor read by several nodes summed;
// 4. the optimizer (src/train/optimizers.ts) updates every trainable weight of every trainable node
//    (attrs.trainable !== false), then the moving statistics take the values the forward computed.
// The reported loss, like Keras', is the loss before the update; so is the accuracy.
import type { GraphReport, NodeReport } from '../graph/analyze.ts';
import { OpError, type TrainContext } from '../ops/op.ts';
import { ancestorsOf, checkFeeds, runReference } from '../runtime/reference.ts';
import { formatShape, sizeOf, tensor, type Tensor } from '../tensor.ts';
import { addRegularizationGradient, regularizationPenalty } from '../weights/regularizers.ts';
import type { Regularizer } from '../weights/specs.ts';
import type { CompileConfig } from './config.ts';
import { accuracy, dataLoss, type Labels } from './losses.ts';
import { applyUpdate, createSlots, type Slots } from './optimizers.ts';

/** Weights by node id, then by weight name (as materializeWeights returns them). */
export type NodeWeights = Map<string, Record<string, Tensor>>;

/** The model's input: a tensor [N, ...shape] when the graph has one Input, else feeds by Input id. */
export type Feeds = Tensor | Record<string, Tensor>;

export interface StepResult {
  /** What Keras reports as `loss`: dataLoss + regularization. */
  loss: number;
  /** The compiled loss, mean over the batch (src/train/losses.ts). */
  dataLoss: number;
  /** Σ model.losses: weight penalties of trainable weights of trainable nodes, activity penalties / batch size. */
  regularization: number;
  /** Keras' 'accuracy' for these shapes (losses.ts accuracy); null when compile's metrics leave it out. */
  accuracy: number | null;
}

export interface StepGradients extends StepResult {
  /** The model's output of the training-mode forward. */
  output: Tensor;
  /** d loss/d weight (regularization included), float64, for each trainable weight of each trainable node. */
  gradients: Map<string, Record<string, Float64Array>>;
  /** The non-trainable weights the step assigns (BatchNormalization's moving statistics), by node. */
  updates: Map<string, Record<string, Tensor>>;
}

/** A graph checked for training. */
export interface TrainingPlan {
  report: GraphReport;
  /** The model's single output. */
  output: string;
  /** The nodes the output depends on, in topological order. */
  nodes: NodeReport[];
  /** Nodes whose backward runs: those with trainable weights and those downstream of one. */
  needsGradient: Set<string>;
}

/** Keras' layer.trainable: a node's weights train unless its attrs say trainable: false. */
export const isTrainable = (node: NodeReport): boolean => node.attrs.trainable !== false;

const trainableSpecs = (node: NodeReport) => (isTrainable(node) ? node.weights.filter((w) => w.trainable) : []);

/**
 * Checks that the graph can be trained before anything runs: no problems, a single output, and a
 * backward for every op the output depends on. Throws an OpError naming what is wrong.
 */
export function planTraining(report: GraphReport): TrainingPlan {
  if (!report.ok) {
    const first = report.problems.slice(0, 3).map((p) => p.message).join('; ');
    throw new OpError(`cannot train a graph with problems: ${first}`, 'fix the problems shown on the nodes first');
  }
  if (report.outputs.length !== 1)
    throw new OpError(
      `training needs a model with one output; this graph has ${report.outputs.length}: ${report.outputs.map((o) => `'${o}'`).join(', ')}`,
      'list the one node the loss applies to in "outputs"',
    );
  const output = report.outputs[0];
  const needed = ancestorsOf(report, [output]);
  const nodes = report.order.filter((id) => needed.has(id)).map((id) => report.byId.get(id)!);
  for (const node of nodes)
    if (node.def!.category !== 'Input' && !node.def!.backward)
      throw new OpError(`${node.op} '${node.id}' cannot be trained: the op has no gradient yet`, 'remove the node, or train the part of the graph after it');
  const needsGradient = new Set<string>();
  for (const node of nodes)
    if (node.def!.category !== 'Input' && (trainableSpecs(node).length > 0 || node.inputs.some((id) => needsGradient.has(id)))) needsGradient.add(node.id);
  return { report, output, nodes, needsGradient };
}

/** The feeds by Input id: a bare tensor goes to the graph's one Input. */
export function feedsOf(plan: TrainingPlan, x: Feeds): Record<string, Tensor> {
  if (!('data' in x && 'shape' in x && ArrayBuffer.isView(x.data))) return x as Record<string, Tensor>;
  const inputs = plan.nodes.filter((n) => n.def!.category === 'Input');
  if (inputs.length !== 1)
    throw new OpError(`the model has ${inputs.length} Inputs: one tensor cannot feed them`, `pass the feeds by Input id: ${inputs.map((n) => `'${n.id}'`).join(', ')}`);
  return { [inputs[0].id]: x as Tensor };
}

function guarded<T>(node: NodeReport, what: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof OpError) throw new OpError(`${node.op} '${node.id}' (${what}): ${e.message}`, e.hint);
    throw new OpError(`${node.op} '${node.id}' (${what}): internal error: ${(e as Error)?.message ?? e}`, 'please report this graph');
  }
}

function weightsOf(node: NodeReport, weights: NodeWeights): Record<string, Tensor> {
  const named = weights.get(node.id) ?? {};
  for (const spec of node.weights) {
    const w = named[spec.name];
    if (!w) throw new OpError(`${node.op} '${node.id}': weight '${spec.name}' is missing from the weights given`, 'build them with materializeWeights');
    if (w.data.length !== sizeOf(spec.shape))
      throw new OpError(`${node.op} '${node.id}': weight '${spec.name}' has shape ${formatShape(w.shape)}, expected ${formatShape(spec.shape)}`);
  }
  return named;
}

/** Σ of the weight penalties that enter the loss: the trainable weights of trainable nodes (Keras 3). */
export function weightPenalty(plan: TrainingPlan, weights: NodeWeights): number {
  let sum = 0;
  for (const node of plan.nodes)
    for (const spec of trainableSpecs(node)) if (spec.regularizer) sum += regularizationPenalty(spec.regularizer, weightsOf(node, weights)[spec.name].data);
  return sum;
}

/** A node's activity regularizer, applied to its output (after its own activation), or null. */
export const activityOf = (node: NodeReport) => (node.attrs.activity_regularizer as Regularizer | null | undefined) ?? null;

/**
 * One training step's forward, loss and backward, without updating anything: the loss Keras reports,
 * the gradient of every trainable weight and the moving statistics the step assigns.
 */
export function lossAndGradients(
  plan: TrainingPlan, weights: NodeWeights, compile: CompileConfig, x: Feeds, labels: Labels, run: { seed: number; step: number },
): StepGradients {
  const feeds = feedsOf(plan, x);
  const batch = checkFeeds(plan.report, plan.nodes, feeds);
  const context = (node: NodeReport): TrainContext => ({ nodeId: node.id, seed: run.seed, step: run.step, trainable: isTrainable(node) });
  const values = new Map<string, Tensor>();
  const updates = new Map<string, Record<string, Tensor>>();

  for (const node of plan.nodes) {
    const def = node.def!;
    if (def.category === 'Input') {
      values.set(node.id, feeds[node.id]);
      continue;
    }
    const w = weightsOf(node, weights);
    const inputs = node.inputs.map((id) => values.get(id)!);
    const out = guarded(node, 'training forward', () => (def.trainForward ? def.trainForward(inputs, w, node.attrs, context(node)) : { output: def.reference(inputs, w, node.attrs) }));
    values.set(node.id, out.output);
    if (out.updates) updates.set(node.id, out.updates);
  }

  const output = values.get(plan.output)!;
  const data = dataLoss(compile.loss, output, labels);
  const dys = new Map<string, Float64Array>([[plan.output, data.gradient]]);
  const dyOf = (id: string) => {
    let d = dys.get(id);
    if (!d) dys.set(id, (d = new Float64Array(values.get(id)!.data.length)));
    return d;
  };

  let regularization = weightPenalty(plan, weights);
  for (const node of plan.nodes) {
    const activity = activityOf(node);
    if (!activity) continue;
    const y = values.get(node.id)!;
    regularization += regularizationPenalty(activity, y.data) / batch;
    if (plan.needsGradient.has(node.id)) addRegularizationGradient(activity, y.data, dyOf(node.id), 1 / batch);
  }

  const gradients = new Map<string, Record<string, Float64Array>>();
  for (const node of [...plan.nodes].reverse()) {
    if (!plan.needsGradient.has(node.id)) continue;
    const w = weightsOf(node, weights);
    const y = values.get(node.id)!;
    const inputs = node.inputs.map((id) => values.get(id)!);
    const g = guarded(node, 'backward', () => node.def!.backward!(inputs, w, node.attrs, tensor(y.shape, dyOf(node.id)), context(node)));
    node.inputs.forEach((id, k) => {
      if (!plan.needsGradient.has(id)) return;
      const sum = dyOf(id), part = g.inputs[k].data;
      for (let i = 0; i < sum.length; i++) sum[i] += part[i];
    });
    const specs = trainableSpecs(node);
    if (!specs.length) continue;
    const named: Record<string, Float64Array> = {};
    for (const spec of specs) {
      const part = g.weights[spec.name];
      if (!part) throw new OpError(`${node.op} '${node.id}': internal error: backward gave no gradient for weight '${spec.name}'`, 'please report this graph');
      const grad = Float64Array.from(part.data);
      if (spec.regularizer) addRegularizationGradient(spec.regularizer, w[spec.name].data, grad);
      named[spec.name] = grad;
    }
    gradients.set(node.id, named);
  }

  return {
    loss: data.value + regularization, dataLoss: data.value, regularization,
    accuracy: compile.metrics.includes('accuracy') ? accuracy(compile.loss, output, labels) : null,
    output, gradients, updates,
  };
}

export interface TrainerOptions {
  /** Seeds Dropout's masks (FitConfig.seed); default 0. */
  seed?: number;
}

/** Keras' compiled model on the CPU: train_on_batch, predict and evaluate over one graph and its weights. */
export class ReferenceTrainer {
  readonly plan: TrainingPlan;
  private readonly current: NodeWeights = new Map();
  private readonly state = new Map<string, Record<string, Slots>>();
  private readonly seed: number;
  private steps = 0;

  /** Checks the graph (planTraining) and copies the weights; the optimizer state starts at zero. */
  constructor(report: GraphReport, initialWeights: NodeWeights, readonly compile: CompileConfig, options: TrainerOptions = {}) {
    this.plan = planTraining(report);
    this.seed = options.seed ?? 0;
    for (const [id, named] of initialWeights) this.current.set(id, Object.fromEntries(Object.entries(named).map(([n, t]) => [n, tensor(t.shape, t.data)])));
    for (const node of this.plan.nodes) {
      if (!node.weights.length) continue;
      weightsOf(node, this.current);
      const slots = Object.fromEntries(trainableSpecs(node).map((spec) => [spec.name, createSlots(compile.optimizer, sizeOf(spec.shape))]));
      if (Object.keys(slots).length) this.state.set(node.id, slots);
    }
  }

  /** Keras' optimizer.iterations: the updates applied so far. Adam's bias correction uses it + 1. */
  get iterations(): number {
    return this.steps;
  }

  /**
   * One batch: forward (training mode), loss, backward, optimizer update, moving statistics. `step`
   * keys Dropout's masks (the fit's step counter, from 0); the optimizer counts its own iterations.
   */
  trainStep(x: Feeds, y: Labels, step: number): StepResult {
    const r = lossAndGradients(this.plan, this.current, this.compile, x, y, { seed: this.seed, step });
    for (const [id, grads] of r.gradients) {
      const w = this.current.get(id)!, slots = this.state.get(id)!;
      for (const [name, g] of Object.entries(grads)) applyUpdate(this.compile.optimizer, w[name].data, g, slots[name], this.steps);
    }
    for (const [id, assigned] of r.updates) {
      const w = this.current.get(id)!;
      for (const [name, t] of Object.entries(assigned)) w[name].data.set(t.data);
    }
    this.steps++;
    return { loss: r.loss, dataLoss: r.dataLoss, regularization: r.regularization, accuracy: r.accuracy };
  }

  /** The gradients and loss the next trainStep would apply, without applying them. */
  gradients(x: Feeds, y: Labels, step: number): StepGradients {
    return lossAndGradients(this.plan, this.current, this.compile, x, y, { seed: this.seed, step });
  }

  /** A copy of the current weights (all that were given; those of the nodes the output depends on train). */
  weights(): NodeWeights {
    return new Map([...this.current].map(([id, named]) => [id, Object.fromEntries(Object.entries(named).map(([n, t]) => [n, tensor(t.shape, t.data)]))]));
  }

  /** A copy of the optimizer's slots, by node and weight (Keras' slot names: momentum, velocity, …). */
  slots(): Map<string, Record<string, Slots>> {
    return new Map([...this.state].map(([id, byWeight]) => [id, Object.fromEntries(Object.entries(byWeight).map(([w, s]) => [w, Object.fromEntries(Object.entries(s).map(([k, a]) => [k, a.slice()]))]))]));
  }

  /** The model's output in inference mode (moving statistics, no dropout), as runReference. */
  predict(x: Feeds): Tensor {
    return runReference(this.plan.report, feedsOf(this.plan, x), { weights: this.current, outputs: [this.plan.output] }).tensors.get(this.plan.output)!;
  }

  /** Keras' evaluate on one batch: the loss (with model.losses) and accuracy in inference mode. */
  evaluate(x: Feeds, y: Labels): StepResult {
    const activity = this.plan.nodes.filter((n) => activityOf(n));
    const feeds = feedsOf(this.plan, x);
    const run = runReference(this.plan.report, feeds, { weights: this.current, outputs: [this.plan.output, ...activity.map((n) => n.id)] });
    const output = run.tensors.get(this.plan.output)!;
    const data = dataLoss(this.compile.loss, output, y);
    let regularization = weightPenalty(this.plan, this.current);
    for (const node of activity) {
      const t = run.tensors.get(node.id)!;
      regularization += regularizationPenalty(activityOf(node)!, t.data) / t.shape[0];
    }
    return {
      loss: data.value + regularization, dataLoss: data.value, regularization,
      accuracy: this.compile.metrics.includes('accuracy') ? accuracy(this.compile.loss, output, y) : null,
    };
  }
}
