// What a saliency map or Grad-CAM differentiates, and the graph it is differentiated through.
// The score is a scalar at any node: one channel's mean over its positions (a Dense unit's value), or
// one class of a classifier — its logit where the node ends in a softmax (Selvaraju et al.: "the score
// for class c, before the softmax"), else the output as given. Its gradient flows back through the
// inference graph: the layers' activations split off (src/train/training-graph.ts, so the logit
// before a softmax exists as a tensor), only the nodes the score depends on, every node frozen (so
// BatchNormalization uses its moving statistics), and the ops that are the identity at inference
// (Dropout, RandomFlip, RandomTranslation) left out. The score's gradient is the seed: dscore/d(node's
// output), shaped like the output — what the training compiler's probe mode takes for dL/d(output).
import type { GraphReport, NodeReport } from '../graph/analyze.ts';
import { imagenetClass } from '../io/imagenet-classes.ts';
import { OpError } from '../ops/op.ts';
import { ancestorsOf } from '../runtime/reference.ts';
import { sizeOf, tensor, type Tensor } from '../tensor.ts';
import { BACKWARD } from '../train/backward/index.ts';
import { activationId, splitActivations } from '../train/training-graph.ts';

/** One channel of a node (its mean over the positions), or one class of a classifier node. */
export type ScoreTarget = { node: string; channel: number } | { node: string; class: number };

export interface GradientProblem {
  /** The inference graph the gradient flows through (module comment); its one output is `score`. */
  graph: GraphReport;
  /** The Input the gradient reaches. */
  input: string;
  /** The node (of `graph`) whose output the seed weighs. */
  score: string;
  /** dscore/d(score's output), [1, ...shape]. */
  seed: Tensor;
  /** What the score is, in words: "channel 3 of 'conv2' (mean)", "class 281 'tabby, tabby cat' of 'predictions' (logit)". */
  label: string;
  /** Grad-CAM's layer (a node of `graph`, H×W×C), when asked. */
  camLayer?: string;
}

/** The ops that compute nothing at inference: the gradient passes them unchanged. */
const INFERENCE_IDENTITY = new Set(['Dropout', 'RandomFlip', 'RandomTranslation']);
/** Identity at inference: Dropout, the flips and shifts, and a RandomCrop whose window is its whole input. */
function isInferenceIdentity(split: GraphReport, r: NodeReport): boolean {
  if (INFERENCE_IDENTITY.has(r.op)) return true;
  return r.op === 'RandomCrop' && split.byId.get(r.inputs[0])?.shape?.join() === r.shape?.join();
}

/** Whether a node's output ends in a softmax, and the node (of the split graph) that holds its logits. */
function logitsOf(user: NodeReport, split: GraphReport): string | null {
  if (user.attrs.activation === 'softmax') return user.id;
  const softmax = user.op === 'Softmax' || (user.op === 'Activation' && user.attrs.activation === 'softmax');
  return softmax ? split.byId.get(user.id)!.inputs[0] : null;
}

/**
 * Whether a node reads as a classifier: a vector that ends in a softmax, or whose length has class names
 * (the graph's own, ImageNet's). Other vectors (features, a regression) have units, not classes.
 */
export function isClassifier(report: GraphReport, id: string, own?: readonly string[]): boolean {
  const r = report.byId.get(id);
  if (r?.shape?.length !== 1) return false;
  const softmax = r.attrs.activation === 'softmax' || r.op === 'Softmax' || (r.op === 'Activation' && r.attrs.activation === 'softmax');
  return softmax || classNamesFor(r.shape[0], own) !== null;
}

/** A node's own output in the split graph: its activation's, where one was split off. */
const outputOf = (split: GraphReport, id: string) => (split.byId.has(activationId(id)) ? activationId(id) : id);

/** The class names of a K-way output: the graph's own (after training), else ImageNet's for 1000 or 1001. */
export function classNamesFor(K: number, own?: readonly string[]): string[] | null {
  if (own && own.length === K) return [...own];
  if (imagenetClass(0, K) === null) return null;
  return Array.from({ length: K }, (_, i) => imagenetClass(i, K)!);
}

/**
 * A class by index ("281") or by name: exact, or one of an ImageNet entry's comma-separated names
 * ("tabby cat"), case-insensitive.
 */
export function resolveClass(ref: string, K: number, own?: readonly string[]): number {
  const names = classNamesFor(K, own);
  if (/^\d+$/.test(ref.trim())) {
    const i = Number(ref);
    if (i >= K) throw new OpError(`class ${i} is not one of the ${K} the output has`, `give a class in 0…${K - 1}`);
    return i;
  }
  const want = ref.trim().toLowerCase();
  if (!names) throw new OpError(`the output's ${K} classes have no names to find '${ref}' among`, `give the class index, 0…${K - 1}`);
  const i = names.findIndex((n) => n.toLowerCase() === want || n.toLowerCase().split(/,\s*/).includes(want));
  if (i < 0) {
    const near = names.findIndex((n) => n.toLowerCase().includes(want));
    throw new OpError(`no class named '${ref}'`, near >= 0 ? `did you mean '${names[near]}' (${near})?` : 'give the class index or its exact name');
  }
  return i;
}

/** The nodes with H×W×C maps that `target` depends on (itself excluded), in graph order: Grad-CAM's layers. */
export function camLayers(report: GraphReport, target: string): string[] {
  const needed = ancestorsOf(report, [target]);
  return report.order.filter((id) => id !== target && needed.has(id) && report.byId.get(id)!.op !== 'Input' && report.byId.get(id)!.shape?.length === 3);
}

/** The last of camLayers: Grad-CAM's usual layer. */
export function defaultCamLayer(report: GraphReport, target: string): string {
  const layers = camLayers(report, target);
  if (!layers.length) throw new OpError(`no layer with maps (H×W×C) comes before '${target}'`, 'Grad-CAM needs a convolutional layer between the input and the target');
  return layers.at(-1)!;
}

/**
 * The graph, score and seed for `target` (module comment). `camLayer`: Grad-CAM's layer, a node of the
 * user's graph; `classNames`: the graph's own (GraphFile.classNames), for the label.
 */
export function gradientProblem(report: GraphReport, target: ScoreTarget, { camLayer, classNames }: { camLayer?: string; classNames?: readonly string[] } = {}): GradientProblem {
  if (!report.ok) {
    const p = report.problems[0];
    throw new OpError(`the graph has ${report.problems.length} problem(s); first: ${p.message}`, 'fix the problems shown on the nodes first');
  }
  const user = report.byId.get(target.node);
  if (!user) throw new OpError(`no node '${target.node}' in the graph`, 'give a node id or name of the graph');
  const split = splitActivations(report);
  let score: string, seed: Tensor, label: string;
  const shapeOf = (id: string) => split.byId.get(id)!.shape!;
  if ('class' in target) {
    const shape = user.shape!;
    if (shape.length !== 1) throw new OpError(`'${user.name}' outputs ${shape.join('×')} values, not a vector of class scores`, 'pick a classifier output (a Dense or Softmax node), or a channel of this node');
    const K = shape[0];
    if (!Number.isInteger(target.class) || target.class < 0 || target.class >= K) throw new OpError(`class ${target.class} is not one of the ${K} '${user.name}' has`, `give a class in 0…${K - 1}`);
    const logits = logitsOf(user, split);
    score = logits ?? outputOf(split, user.id);
    seed = tensor([1, ...shapeOf(score)]);
    seed.data[target.class] = 1;
    const name = classNamesFor(K, classNames)?.[target.class];
    label = `class ${target.class}${name ? ` '${name}'` : ''} of '${user.name}' (${logits ? 'logit, before the softmax' : 'output'})`;
  } else {
    score = outputOf(split, user.id);
    const shape = shapeOf(score);
    const C = shape.at(-1)!;
    if (!Number.isInteger(target.channel) || target.channel < 0 || target.channel >= C) throw new OpError(`'${user.name}' has ${C} channels, not a channel ${target.channel}`, `give a channel in 0…${C - 1}`);
    seed = tensor([1, ...shape]);
    const positions = sizeOf(shape) / C;
    for (let p = 0; p < positions; p++) seed.data[p * C + target.channel] = 1 / positions;
    label = positions > 1 ? `channel ${target.channel} of '${user.name}' (mean over ${positions} positions)` : `unit ${target.channel} of '${user.name}'`;
  }
  score = resolveBypassed(split, score);
  const graph = inferenceGraph(split, score);
  const inputs = graph.nodes.filter((r) => r.op === 'Input');
  if (inputs.length !== 1) throw new OpError(`'${user.name}' depends on ${inputs.length} Inputs; a map over the photo needs exactly one`, 'pick a node that one Input feeds');
  for (const id of graph.order) {
    const r = graph.byId.get(id)!;
    if (r.op !== 'Input' && !BACKWARD[r.op])
      throw Object.assign(new OpError(`${r.op} '${r.id}' has no gradient yet: the map of '${user.name}' cannot pass back through it`, 'pick a node before it, or replace it'), { node: r.id });
  }
  let cam: string | undefined;
  if (camLayer !== undefined) {
    const layer = report.byId.get(camLayer);
    if (!layer) throw new OpError(`no node '${camLayer}' in the graph`, 'give the Grad-CAM layer by id or name');
    if (layer.shape?.length !== 3) throw new OpError(`Grad-CAM's layer needs H×W×C maps; '${layer.name}' outputs ${layer.shape?.join('×')}`, 'pick a convolutional layer');
    cam = resolveBypassed(split, outputOf(split, layer.id));
    if (!graph.byId.has(cam) || graph.byId.get(cam)!.op === 'Input') throw new OpError(`'${layer.name}' does not feed '${user.name}'`, 'pick a layer between the input and the target');
  }
  return { graph, input: inputs[0].id, score, seed, label, camLayer: cam };
}

/** The node whose output stands for `id` once the inference-identity ops are left out. */
function resolveBypassed(split: GraphReport, id: string): string {
  let r = split.byId.get(id)!;
  while (isInferenceIdentity(split, r)) r = split.byId.get(r.inputs[0])!;
  return r.id;
}

/** The nodes `score` depends on, frozen, inference-identity ops left out; `score` the one output. */
function inferenceGraph(split: GraphReport, scoreId: string): GraphReport {
  const needed = ancestorsOf(split, [scoreId]);
  const nodes: NodeReport[] = [];
  const order: string[] = [];
  const byId = new Map<string, NodeReport>();
  for (const id of split.order) {
    if (!needed.has(id)) continue;
    const r = split.byId.get(id)!;
    if (isInferenceIdentity(split, r)) continue;
    const node: NodeReport = { ...r, inputs: r.inputs.map((i) => resolveBypassed(split, i)), attrs: { ...r.attrs, trainable: false } };
    nodes.push(node);
    byId.set(id, node);
    order.push(id);
  }
  return { ...split, nodes, byId, order, outputs: [scoreId] };
}
