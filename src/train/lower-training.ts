// The training compiler: a graph and its weights → one Plan that runs a whole training step in one
// submit, as the forward compiler's plans run (src/runtime/engine.ts):
//  1. the training graph (training-graph.ts: activations split off their layers);
//  2. its forward pass by the forward compiler, every tensor kept (nothing fused away, so backward
//     finds each op's input and output), the conv kernels the adapter favours as inference chooses
//     them (conv-kernel.ts) with their weight layouts packed on the GPU at the start of each step from
//     the weights as stored (packOnDevice: the optimizer updates what they read); no Winograd (tried:
//     with its weights packed each step, fashion-cnn's conv2 forward and input gradient took 241 ms of
//     SwiftShader's CPU against 157 on conv2d-direct-quad16),
//     BatchNormalization with batch statistics, Dropout's mask, the augmentation ops' random transforms;
//  3. the loss and dL/d(output) (shaders/train/loss.wgsl), each sample's loss and hit in `metrics`;
//  4. each node's backward in reverse topological order (backward/index.ts), gradients summed where a
//     tensor feeds several nodes, nothing computed where nothing upstream learns;
//  5. the regularizers' penalties (before the update, as Keras takes the loss) and one optimizer
//     dispatch per trainable weight, in place, with its slots in persistent buffers.
// Per-step values (the step count, the seed, the learning rate) are an input written before each
// submit, so one plan serves every step.
import type { GraphReport, NodeReport } from '../graph/analyze.ts';
import type { OpLowering } from '../compile/context.ts';
import { Lowering, type LowerOptions } from '../compile/lower.ts';
import { separableDepthwiseId } from '../compile/ops/conv.ts';
import { pixelView, type Binding, type Plan, type View } from '../compile/plan.ts';
import { OpError } from '../ops/op.ts';
import { ancestorsOf } from '../runtime/reference.ts';
import { sizeOf, stridesOf, type Tensor } from '../tensor.ts';
import type { Regularizer } from '../weights/specs.ts';
import { trainingAugmentation } from './backward/augment.ts';
import { BACKWARD } from './backward/index.ts';
import { elements, groupsOf, offsetView, view, type BackwardContext, type GradientTarget } from './backward/context.ts';
import { isFrozen, trainingBatchNormalization, trainingDropout, type BatchStatistics } from './backward/normalization.ts';
import type { CompileConfig } from './config.ts';
import { activationId, splitActivations } from './training-graph.ts';

export const STATE = '__state';
export const LABELS = '__labels';
export const METRICS = '__metrics';
/** Per-step (data loss, accuracy, regularization) records, a ring of METRICS_LOG_STEPS kept across steps (metrics-log.wgsl). */
export const METRICS_LOG = '__metrics_log';
export const METRICS_LOG_STEPS = 256;
/** Words of the step's state (shaders/train/train-state.wgsl). */
export const STATE_WORDS = 4;
export const gradientId = (id: string) => `${id}/gradient`;
export const weightGradientId = (id: string, name: string) => `${id}/${name}/gradient`;

export interface TrainingOptions {
  batch: number;
  compile: CompileConfig;
  /**
   * For the per-op gradient tests: no loss and no optimizer; dL/d(output) is the labels tensor as
   * given, and the gradients of the Inputs and of every trainable weight are kept to read back.
   */
  probe?: boolean;
  /** In probe mode, also keep the gradients of these nodes' outputs to read back (Grad-CAM, src/explain/). */
  probeGradients?: readonly string[];
  /**
   * The conv kernels, as the engine chooses them for inference (Engine.convKernel, the device's
   * subgroups, kernels it failed to build); 'naive' runs every conv and its gradients on the spec
   * kernels (conv2d-naive, conv2d-backward-input, conv2d-backward-filter). Default: gemm.
   */
  kernels?: Pick<LowerOptions, 'convKernel' | 'subgroups' | 'quadPixels' | 'avoidKernels' | 'gemmWorkgroups'>;
  /** Steps the GPU's ring of per-step metrics holds (default METRICS_LOG_STEPS; small in tests). */
  metricsLogSteps?: number;
}

export interface PlannedWeight {
  node: string;
  name: string;
  /** Its constant in the plan: the buffer the forward pass reads and the optimizer writes. */
  constant: number;
  trainable: boolean;
}

export interface TrainingPlan {
  plan: Plan;
  /** The graph the step runs (activations split off). */
  graph: GraphReport;
  output: string;
  /** Every weight of the graph and where it lives. */
  weights: PlannedWeight[];
  /** Shape of one step's labels, batch first: [B] of class indices (sparse), else the output's. */
  labelShape: number[];
  /** Rows the loss averages over (the batch, times the output's leading axes). */
  rows: number;
  /** Regularized weights (and outputs, name 'activity'): their penalties follow the rows' (loss, hit) pairs in `metrics`. */
  penalties: { node: string; name: string }[];
  /** Ids to read back after a step: metrics, and in probe mode the gradients. */
  kept: string[];
  /** Steps METRICS_LOG's ring holds. */
  metricsLogSteps: number;
}

type Weights = Map<string, Record<string, Tensor>>;

/** A layer's output as pixels with a channel stride: it may be a channel slice of a Concatenate's buffer. */
function channels(v: View): { channels: number; stride: number; offset: number } {
  const p = pixelView(v);
  if (!p) throw new OpError(`internal: a ${v.shape.join('×')} output is not a channel view`);
  return p;
}

const REGULARIZER_NONE: Regularizer = { l1: 0, l2: 0 };

export function lowerTraining(report: GraphReport, weights: Weights, options: TrainingOptions): TrainingPlan {
  if (!report.ok) {
    const p = report.problems[0];
    throw new OpError(`the graph has ${report.problems.length} problem(s); first: ${p.message}`, p.hint);
  }
  const graph = splitActivations(report);
  const metricsLogSteps = options.metricsLogSteps ?? METRICS_LOG_STEPS;
  if (graph.outputs.length !== 1)
    throw new OpError(`training needs one output, the graph has ${graph.outputs.length} (${graph.outputs.join(', ')})`, 'mark the classifier as the only output');
  const output = graph.outputs[0];
  const node = (id: string) => graph.byId.get(id)!;

  // What learns: a node with trainable weights, and everything downstream of one.
  const learns = (r: NodeReport) => !isFrozen(r) && r.weights.some((w) => w.trainable);
  const requiresGrad = new Set<string>();
  for (const id of graph.order) {
    const r = node(id);
    if (learns(r) || r.inputs.some((i) => requiresGrad.has(i)) || (options.probe && r.op === 'Input')) requiresGrad.add(id);
  }
  if (!requiresGrad.has(output)) throw new OpError('nothing in this graph can learn: no node with trainable weights reaches the output', 'add a layer with weights, or unfreeze one (trainable)');
  for (const id of graph.order) {
    const r = node(id);
    if (r.op !== 'Input' && requiresGrad.has(id) && !BACKWARD[r.op])
      throw Object.assign(new OpError(`${r.op} '${id}' cannot be trained on the GPU yet`, 'replace it, or freeze everything before it (trainable: false)'), { node: id });
  }

  const batch = options.batch;
  const bnStats = new Map<string, BatchStatistics>();
  const keep = [...graph.order];
  // Forward intermediates a backward reads: SeparableConv2D's depthwise half (backward/separable.ts).
  for (const id of graph.order) if (node(id).op === 'SeparableConv2D' && requiresGrad.has(id)) keep.push(separableDepthwiseId(id));
  const kept: string[] = [METRICS];
  // Training's own forward lowerings, filled in once the state they read exists.
  const lowerings: Record<string, OpLowering> = {};
  // Without the pack kernel (a device that failed to build it) only the spec kernels, which read the weights as stored.
  const kernels = options.kernels?.avoidKernels?.has('conv2dPackWeights') ? { ...options.kernels, convKernel: 'naive' as const } : options.kernels;
  const lowering = new Lowering(graph, weights, { ...kernels, batch, keep, winograd: false, packOnDevice: true, lowerings });
  // The state exists before the forward pass: Dropout's mask and the augmentation ops' draws read it.
  const stateView: View = lowering.scratch(STATE, STATE_WORDS);
  const state: Binding = view(stateView);
  lowerings.BatchNormalization = trainingBatchNormalization(bnStats);
  lowerings.Dropout = trainingDropout(state);
  lowerings.RandomFlip = lowerings.RandomTranslation = lowerings.RandomCrop = trainingAugmentation(state);
  const inputs = lowering.lowerForward();
  inputs.set(STATE, stateView);

  // ── the loss ────────────────────────────────────────────────────────────────────────────────
  const outShape = node(output).shape!;
  const K = outShape.at(-1)!;
  const rows = batch * sizeOf(outShape.slice(0, -1));
  const sparse = options.compile.loss.name === 'sparse_categorical_crossentropy';
  const labelShape = sparse ? [batch, ...outShape.slice(0, -1)] : [batch, ...outShape];
  const labels = lowering.contiguous(LABELS, labelShape.slice(1));
  inputs.set(LABELS, labels);
  // Keras' model.losses, over the layers the output depends on: the trainable weights' penalties, and
  // each activity regularizer's on its layer's output (after its activation: the split-off Activation
  // node's), divided by the batch — a frozen layer's too, whether or not anything before it learns.
  const penalties: { node: string; name: string; regularizer: Regularizer }[] = [];
  const activity = new Map<string, Regularizer>();
  const inModel = ancestorsOf(graph, [output]);
  for (const id of graph.order) {
    const r = node(id);
    if (!inModel.has(id)) continue;
    const a = r.attrs.activity_regularizer as Regularizer | null | undefined;
    if (a && (a.l1 || a.l2)) activity.set(graph.byId.has(activationId(id)) ? activationId(id) : id, a);
    if (!learns(r)) continue;
    for (const w of r.weights) if (w.trainable && w.regularizer && (w.regularizer.l1 || w.regularizer.l2)) penalties.push({ node: id, name: w.name, regularizer: w.regularizer });
  }
  for (const [id, regularizer] of activity) penalties.push({ node: id, name: 'activity', regularizer });
  const metrics = lowering.scratch(METRICS, 2 * rows + penalties.length);
  lowering.expose(METRICS, metrics);
  keep.push(METRICS);

  const grads = new Map<string, View>();
  const gradIn = (id: string): GradientTarget => {
    const existing = grads.get(id);
    if (existing) return { view: existing, accumulate: true };
    const v = lowering.contiguous(gradientId(id), node(id).shape!);
    grads.set(id, v);
    return { view: v, accumulate: false };
  };
  const dOut = gradIn(output).view;
  const outView = lowering.input(output);
  if (options.probe) {
    lowering.step({
      node: output, kernel: 'gradientCopy', overrides: {},
      bindings: { src: view(labels), channelScale: { kind: 'none' }, out: view(dOut) },
      params: {
        N: 1, RH: 1, RW: 1, RC: elements(dOut), srcH: 1, srcW: 1, srcC: elements(dOut), srcY: 0, srcX: 0, srcOffsetC: 0,
        outH: 1, outW: 1, outC: elements(dOut), outY: 0, outX: 0, outOffsetC: 0, scale: 1,
      },
      workgroups: groupsOf(elements(dOut)),
    });
  } else {
    const { loss } = options.compile;
    const code = { categorical_crossentropy: 0, sparse_categorical_crossentropy: 1, binary_crossentropy: 2, mean_squared_error: 3 }[loss.name];
    lowering.step({
      node: output, kernel: 'loss', overrides: { LOSS: code, FROM_LOGITS: loss.fromLogits },
      bindings: { y: view(outView), labels: view(labels), metrics: view(metrics), dOut: view(dOut) },
      params: { rows, K, epsilon: 1e-7 }, workgroups: groupsOf(rows),
    });
  }

  // ── backward ────────────────────────────────────────────────────────────────────────────────
  const weightGrads: { node: string; name: string; grad: View; regularizer: Regularizer }[] = [];
  const b: BackwardContext = {
    lowering, batch, bnStats, state,
    node,
    forward: (id) => lowering.input(id),
    gradOut: (id) => {
      const g = grads.get(id);
      if (!g) throw new OpError(`internal: no gradient reached '${id}'`);
      return g;
    },
    needsGrad: (id) => requiresGrad.has(id),
    gradIn,
    weight: (id, name) => lowering.constant(lowering.weights(id)[name].data),
    weightData: (id, name) => lowering.weights(id)[name].data,
    weightGrad: (id, name) => {
      const r = node(id);
      const spec = r.weights.find((w) => w.name === name);
      if (!spec?.trainable || isFrozen(r)) return null;
      const s = lowering.scratch(weightGradientId(id, name), sizeOf(spec.shape));
      const g: View = { ...s, shape: [...spec.shape], strides: stridesOf(spec.shape) };
      weightGrads.push({ node: id, name, grad: g, regularizer: spec.regularizer ?? REGULARIZER_NONE });
      return g;
    },
  };
  for (const id of [...graph.order].reverse()) {
    const r = node(id);
    if (r.op === 'Input' || !requiresGrad.has(id) || !grads.has(id)) continue;
    const a = activity.get(id);
    if (a && !options.probe) {
      const count = elements(grads.get(id)!);
      const y = channels(lowering.input(id));
      lowering.step({
        node: id, kernel: 'activityGradient', overrides: {},
        bindings: { y: offsetView(lowering.input(id)), dy: view(grads.get(id)!) },
        params: { count, C: y.channels, yStride: y.stride, yOffset: y.offset, l1: a.l1, l2: a.l2, batch }, workgroups: groupsOf(count),
      });
    }
    try {
      BACKWARD[r.op](r, b);
    } catch (e) {
      if (e instanceof OpError && !(e as OpError & { node?: string }).node) Object.assign(e, { node: id });
      throw e;
    }
  }

  // ── the planned weights, penalties and optimizer ──────────────────────────────────────────────
  const planned: PlannedWeight[] = [];
  for (const id of graph.order) {
    const r = node(id);
    for (const spec of r.weights) {
      const data = lowering.weights(id)[spec.name]?.data;
      const c = data ? lowering.constantOf(data) : null;
      if (!c || c.kind !== 'constant') {
        if (spec.trainable && requiresGrad.has(id) && !isFrozen(r)) throw new OpError(`internal: ${r.op} '${id}': the forward pass does not read weight '${spec.name}' as stored`);
        continue;
      }
      planned.push({ node: id, name: spec.name, constant: c.index, trainable: spec.trainable && !isFrozen(r) });
    }
  }
  const persistent: number[] = [];
  if (options.probe) {
    for (const [id, v] of grads) if (node(id).op === 'Input' || options.probeGradients?.includes(id)) expose(gradientId(id), v);
    for (const g of weightGrads) expose(weightGradientId(g.node, g.name), g.grad);
  } else {
    penalties.forEach((p, k) => {
      const onActivity = p.name === 'activity';
      const w: Binding = onActivity ? offsetView(lowering.input(p.node)) : lowering.constant(lowering.weights(p.node)[p.name].data);
      const count = onActivity ? elements(lowering.input(p.node)) : lowering.weights(p.node)[p.name].data.length;
      const at = onActivity ? channels(lowering.input(p.node)) : { channels: count, stride: count, offset: 0 };
      const per = onActivity ? batch : 1;
      lowering.step({
        node: p.node, kernel: 'penalty', overrides: {},
        bindings: { w, metrics: view(metrics) },
        params: { count, C: at.channels, wStride: at.stride, wOffset: at.offset, at: 2 * rows + k, l1: p.regularizer.l1 / per, l2: p.regularizer.l2 / per }, workgroups: 1,
      });
    });
    const opt = options.compile.optimizer;
    for (const g of weightGrads) {
      const count = elements(g.grad);
      const slot = (): Binding => {
        const s = lowering.scratch(`${g.node}/${g.name}/slot`, count);
        persistent.push(s.alloc);
        return view(s);
      };
      // An unused slot still needs a buffer of its own: WebGPU refuses two writable bindings of one (the dummy).
      const unused = (): Binding => view(lowering.scratch(`${g.node}/${g.name}/unused`, 1));
      const momentum = opt.name !== 'adam' && opt.momentum > 0;
      const m = momentum || opt.name === 'adam' ? slot() : unused();
      const v = opt.name !== 'sgd' ? slot() : unused();
      const a = opt.name === 'rmsprop' && opt.centered ? slot() : unused();
      lowering.step({
        node: g.node, kernel: 'optimizer',
        overrides: {
          OPTIMIZER: { sgd: 0, adam: 1, rmsprop: 2 }[opt.name], HAS_MOMENTUM: momentum,
          NESTEROV: opt.name === 'sgd' && opt.nesterov, CENTERED: opt.name === 'rmsprop' && opt.centered,
        },
        bindings: { w: lowering.constant(lowering.weights(g.node)[g.name].data), grad: view(g.grad), m, v, a, state },
        params: {
          count, l1: g.regularizer.l1, l2: g.regularizer.l2, momentum: opt.name === 'adam' ? 0 : opt.momentum,
          beta1: opt.name === 'adam' ? opt.beta1 : 0, beta2: opt.name === 'adam' ? opt.beta2 : 0,
          rho: opt.name === 'rmsprop' ? opt.rho : 0, epsilon: opt.name === 'sgd' ? 0 : opt.epsilon,
        },
        workgroups: groupsOf(count),
      });
    }
    const records = lowering.scratch(METRICS_LOG, 3 * metricsLogSteps);
    persistent.push(records.alloc);
    expose(METRICS_LOG, records);
    lowering.step({
      node: output, kernel: 'metricsLog', overrides: {},
      bindings: { metrics: view(metrics), state, records: view(records) },
      params: { rows, penalties: penalties.length, capacity: metricsLogSteps }, workgroups: 1,
    });
  }
  const plan = lowering.finish(inputs, persistent);
  return { plan, graph, output, weights: planned, labelShape, rows, penalties: penalties.map(({ node, name }) => ({ node, name })), kept, metricsLogSteps };

  /** Kept to the end of the step (`keep` is the lowering's own list) and readable after it. */
  function expose(id: string, v: View): void {
    lowering.expose(id, v);
    keep.push(id);
    kept.push(id);
  }
}
