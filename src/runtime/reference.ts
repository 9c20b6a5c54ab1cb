// The CPU reference executor: runs a whole analysed graph with every op's plain-loop reference, frees
// each tensor after its last consumer, and sums the Keras regularization losses (model.losses).
// The spec the GPU runtime is tested against, node by node.
import type { GraphReport, NodeReport } from '../graph/analyze.ts';
import { OpError } from '../ops/op.ts';
import { formatShape, sizeOf, type Tensor } from '../tensor.ts';
import { initializeWeight } from '../weights/init.ts';
import { isRegularized, nodeLosses, totalLosses, type Losses, type NodeLosses } from './losses.ts';

/** Imported weight data. Key: the node's `weights[name]` reference, else `${nodeId}/${name}`. */
export type WeightStore = Map<string, Tensor>;

export interface ReferenceRun {
  /** The requested outputs (the graph's outputs by default), batch first. */
  tensors: Map<string, Tensor>;
  /** Keras' model.losses of the nodes that ran: weight penalties and activity penalties / batch size. */
  losses: Losses;
}

export interface ReferenceOptions {
  /** Initializer seed when `weights` is not given (the graph file's `seed`). */
  seed?: number;
  /** From materializeWeights; initialised from `seed` when absent. */
  weights?: Map<string, Record<string, Tensor>>;
  /** Node ids whose tensors to return; only their ancestors run. Default: the graph's outputs. */
  outputs?: string[];
}

/** Every node's weights: stored ones win, the rest come from their initializers. */
export function materializeWeights(report: GraphReport, seed: number, store?: WeightStore): Map<string, Record<string, Tensor>> {
  return materializeNodeWeights(report.nodes, seed, store);
}

/** Weights the store does not hold, as `node/weight`: materializeWeights initialises them from the seed. */
export function unstoredWeights(report: GraphReport, store?: WeightStore): string[] {
  return report.nodes.flatMap((node) => node.weights
    .filter((spec) => !store?.has(node.weightRefs?.[spec.name] ?? `${node.id}/${spec.name}`))
    .map((spec) => `${node.name}/${spec.name}`));
}

/** The weights of some nodes only (as materializeWeights makes them for the whole graph). */
export function materializeNodeWeights(nodes: readonly NodeReport[], seed: number, store?: WeightStore): Map<string, Record<string, Tensor>> {
  const all = new Map<string, Record<string, Tensor>>();
  for (const node of nodes) {
    if (!node.weights.length) continue;
    const named: Record<string, Tensor> = {};
    for (const spec of node.weights) {
      const ref = node.weightRefs?.[spec.name];
      const key = ref ?? `${node.id}/${spec.name}`;
      const stored = store?.get(key);
      if (ref !== undefined && !stored)
        throw new OpError(
          `${node.op} '${node.id}': weight '${spec.name}' refers to '${ref}', which is not in the weight store`,
          'load the weight file saved with this graph, or remove the reference to initialise the weight',
        );
      named[spec.name] = stored ? checkWeight(node, spec.name, spec.shape, stored) : initializeWeight(spec, seed, key);
    }
    all.set(node.id, named);
  }
  return all;
}

function checkWeight(node: NodeReport, name: string, want: readonly number[], got: Tensor): Tensor {
  const sameShape = got.shape.length === want.length && got.shape.every((d, i) => d === want[i]);
  if (!sameShape)
    throw new OpError(
      `${node.op} '${node.id}': weight '${name}' has shape ${formatShape(got.shape)}, expected ${formatShape(want)}`,
      'the stored weights do not fit this node: check its attrs (filters, kernel_size, units) and its input shape',
    );
  if (got.data.length !== sizeOf(want))
    throw new OpError(`${node.op} '${node.id}': weight '${name}' holds ${got.data.length} values, its shape ${formatShape(want)} needs ${sizeOf(want)}`);
  return got;
}

/** Runs the graph on the CPU. Feeds are keyed by Input node id and have shape [N, ...Input shape]. */
export function runReference(report: GraphReport, feeds: Record<string, Tensor>, options: ReferenceOptions = {}): ReferenceRun {
  if (!report.ok) {
    const first = report.problems.slice(0, 3).map((p) => p.message).join('; ');
    const more = report.problems.length > 3 ? ` (and ${report.problems.length - 3} more)` : '';
    throw new OpError(`cannot run a graph with problems: ${first}${more}`, 'fix the problems shown on the nodes first');
  }
  const wanted = options.outputs ?? report.outputs;
  for (const id of wanted)
    if (!report.byId.has(id)) throw new OpError(`output '${id}' is not a node of the graph`, 'ask for existing node ids');

  const needed = ancestorsOf(report, wanted);
  const steps = report.order.filter((id) => needed.has(id));
  const nodes = steps.map((id) => report.byId.get(id)!);
  const batch = checkFeeds(report, nodes, feeds);
  const weights = options.weights ?? materializeNodeWeights(nodes, options.seed ?? 0);
  const lastUse = new Map<string, number>();
  nodes.forEach((node, step) => node.inputs.forEach((id) => lastUse.set(id, step)));
  const keep = new Set(wanted);
  const live = new Map<string, Tensor>();
  const losses: NodeLosses[] = [];

  nodes.forEach((node, step) => {
    const def = node.def!;
    let y: Tensor;
    if (def.category === 'Input') y = feeds[node.id];
    else {
      const nodeWeights = weights.get(node.id) ?? {};
      for (const spec of node.weights) {
        const w = nodeWeights[spec.name];
        if (!w) throw new OpError(`${node.op} '${node.id}': weight '${spec.name}' is missing from the weights given`, 'build them with materializeWeights');
        checkWeight(node, spec.name, spec.shape, w);
      }
      y = runNode(node, node.inputs.map((id) => live.get(id)!), nodeWeights);
      const want = [batch, ...node.shape!];
      if (y.shape.length !== want.length || y.shape.some((d, i) => d !== want[i]) || y.data.length !== sizeOf(want))
        throw new OpError(`${node.op} '${node.id}': internal error: the reference produced ${formatShape(y.shape)}, shape inference said ${formatShape(want)}`, 'please report this graph');
    }
    if (isRegularized(node)) losses.push(nodeLosses(node, weights.get(node.id), y));
    live.set(node.id, y);
    for (const id of node.inputs) if (lastUse.get(id) === step && !keep.has(id)) live.delete(id);
  });

  return { tensors: new Map(wanted.map((id) => [id, live.get(id)!])), losses: totalLosses(losses) };
}

function runNode(node: NodeReport, inputs: Tensor[], weights: Record<string, Tensor>): Tensor {
  try {
    return node.def!.reference(inputs, weights, node.attrs);
  } catch (e) {
    if (e instanceof OpError) throw new OpError(`${node.op} '${node.id}': ${e.message}`, e.hint);
    throw new OpError(`${node.op} '${node.id}': internal error: ${(e as Error)?.message ?? e}`, 'please report this graph');
  }
}

/** The nodes `ids` depend on, themselves included. */
export function ancestorsOf(report: GraphReport, ids: readonly string[]): Set<string> {
  const seen = new Set<string>();
  const stack = [...ids];
  while (stack.length) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...report.byId.get(id)!.inputs);
  }
  return seen;
}

/** Every Input that runs has a feed of shape [N, ...shape], all with the same N; returns N. */
export function checkFeeds(report: GraphReport, nodes: readonly NodeReport[], feeds: Record<string, Tensor>): number {
  for (const id of Object.keys(feeds)) {
    if (report.byId.get(id)?.def?.category !== 'Input') {
      const inputs = report.nodes.filter((n) => n.def?.category === 'Input').map((n) => `'${n.id}'`);
      throw new OpError(`feed '${id}' is not an Input node of the graph`, `feed the Inputs: ${inputs.join(', ')}`);
    }
  }
  let batch: number | undefined, batchFrom = '';
  for (const node of nodes) {
    if (node.def?.category !== 'Input') continue;
    const feed = feeds[node.id];
    const shape = node.shape!;
    const expected = `N×${formatShape(shape)} (batch first)`;
    if (!feed) throw new OpError(`Input '${node.id}' has no feed: it needs a tensor of shape ${expected}`, `pass feeds['${node.id}']`);
    const fits = feed.shape.length === shape.length + 1 && Number.isInteger(feed.shape[0]) && feed.shape[0] >= 1 && shape.every((d, i) => feed.shape[i + 1] === d);
    if (!fits) throw new OpError(`Input '${node.id}' expects ${expected}, the feed has shape ${formatShape(feed.shape)}`, 'resize or reshape the data, or change the Input shape');
    if (feed.data.length !== sizeOf(feed.shape))
      throw new OpError(`the feed of Input '${node.id}' holds ${feed.data.length} values, its shape ${formatShape(feed.shape)} needs ${sizeOf(feed.shape)}`);
    if (batch !== undefined && feed.shape[0] !== batch)
      throw new OpError(`Input '${node.id}' is fed a batch of ${feed.shape[0]}, Input '${batchFrom}' a batch of ${batch}`, 'feed every Input the same number of samples');
    batch ??= feed.shape[0];
    batchFrom ||= node.id;
  }
  if (batch === undefined) throw new OpError('nothing to run: the requested outputs depend on no Input');
  return batch;
}
