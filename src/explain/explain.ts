// "Explain this value": which explainer takes a node's op, the checks every request passes first, and the
// request built from a run's tensors. The editor's panel and `deepwire explain` both start here.
import type { GraphReport } from '../graph/analyze.ts';
import { OpError } from '../ops/op.ts';
import { formatShape, type Tensor } from '../tensor.ts';
import { explainBatchNorm } from './batch-norm.ts';
import { explainConv } from './conv.ts';
import { explainDense } from './dense.ts';
import { explainLayerNorm } from './layer-norm.ts';
import { explainDot, explainMerge, MERGE_OPS } from './merge.ts';
import { explainPool } from './pool.ts';
import { checkPosition, nodeLabel } from './position.ts';
import type { ExplainRequest, Explanation } from './types.ts';

type Explainer = (req: ExplainRequest & { image: number }) => Explanation;

const EXPLAINERS: Record<string, Explainer> = {
  Conv2D: explainConv, DepthwiseConv2D: explainConv, SeparableConv2D: explainConv,
  MaxPool2D: explainPool, AveragePool2D: explainPool, GlobalMaxPool2D: explainPool, GlobalAveragePool2D: explainPool,
  BatchNormalization: explainBatchNorm, LayerNormalization: explainLayerNorm, Dense: explainDense, Dot: explainDot,
  ...Object.fromEntries(MERGE_OPS.map((op) => [op, explainMerge])),
};

/** The ops whose values can be explained. */
export const EXPLAINED_OPS: readonly string[] = Object.keys(EXPLAINERS);

export const explains = (op: string): boolean => Object.hasOwn(EXPLAINERS, op);

/** Why `op` cannot be explained, as an OpError (the CLI prints it, the editor shows it). */
export function notCovered(op: string): OpError {
  return new OpError(`explain does not cover ${op} yet`, `it explains ${EXPLAINED_OPS.join(', ')}`);
}

/** The breakdown of one output value; an OpError for an op it does not cover or a position outside the output. */
export function explainValue(req: ExplainRequest): Explanation {
  const explain = EXPLAINERS[req.node.op];
  if (!explain) throw notCovered(req.node.op);
  const image = req.image ?? 0;
  checkPosition(nodeLabel(req.node.id, req.node.name), req.output.shape.slice(1), req.at, image, req.output.shape[0]);
  return explain({ ...req, image });
}

/** The nodes whose tensors an explanation of `id` reads: the node and its inputs. */
export function explainNeeds(report: GraphReport, id: string): string[] {
  const node = report.byId.get(id);
  if (!node) throw new OpError(`'${id}' is not a node of the graph`);
  return [id, ...node.inputs];
}

/**
 * Explains `at` in node `id`'s output from a run: `tensors` holds (at least) the node's and its inputs'
 * tensors as the run read them back, `weights` the run's weights by node (materializeWeights).
 */
export function explainFromRun(
  report: GraphReport, id: string, tensors: ReadonlyMap<string, Tensor>, weights: ReadonlyMap<string, Record<string, Tensor>>,
  at: number[], options: { image?: number; top?: number } = {},
): Explanation {
  const node = report.byId.get(id);
  if (!node) throw new OpError(`'${id}' is not a node of the graph`);
  if (!explains(node.op)) throw notCovered(node.op);
  const tensor = (ref: string) => {
    const t = tensors.get(ref);
    if (!t) throw new OpError(`the run kept no tensor for ${nodeLabel(ref, report.byId.get(ref)?.name ?? ref)}`, 'run the graph again with that node kept');
    return t;
  };
  const inputs = node.inputs.map((ref) => ({ id: ref, name: report.byId.get(ref)?.name ?? ref, tensor: tensor(ref) }));
  const output = tensor(id);
  const want = node.shape && formatShape(node.shape);
  if (want && formatShape(output.shape.slice(1)) !== want)
    throw new OpError(`${nodeLabel(id, node.name)}'s tensor is ${formatShape(output.shape.slice(1))}, the graph says ${want}`, 'run the graph again: the tensor is of an older version of it');
  return explainValue({ node, inputs, output, weights: weights.get(id) ?? {}, at, ...options });
}
