// The CPU reference of saliency-gradients.ts: the same inference graph run by each op's plain-loop
// reference, then each op's reference backward (OpDef.backward without a training context: the
// gradient of the inference forward) from the seed back to the Input, in reverse topological order,
// summing where a tensor feeds several nodes; float64 sums, as the reference trainer's
// (src/train/reference-trainer.ts). The GPU is tested against it, and it against finite differences.
import { OpError } from '../ops/op.ts';
import { runReference } from '../runtime/reference.ts';
import { tensor, type Tensor } from '../tensor.ts';
import { scoreOf, type ScoreGradients } from './saliency-gradients.ts';
import type { GradientProblem } from './saliency-target.ts';

type Weights = Map<string, Record<string, Tensor>>;

/** The score node's output alone (finite differences need only the forward). */
export function scoreReference(problem: GradientProblem, weights: Weights, x: Tensor): number {
  const run = runReference(problem.graph, { [problem.input]: x }, { weights, outputs: [problem.score] });
  return scoreOf(problem.seed, run.tensors.get(problem.score)!);
}

export function gradientsReference(problem: GradientProblem, weights: Weights, x: Tensor): ScoreGradients {
  const { graph, input, score, seed, camLayer } = problem;
  const values = runReference(graph, { [input]: x }, { weights, outputs: graph.order }).tensors;
  const dys = new Map<string, Float64Array>([[score, Float64Array.from(seed.data)]]);
  for (const id of [...graph.order].reverse()) {
    const node = graph.byId.get(id)!;
    const dy = dys.get(id);
    if (node.op === 'Input' || !dy) continue;
    const backward = node.def?.backward;
    if (!backward) throw new OpError(`${node.op} '${id}' has no gradient yet`, 'pick a node before it, or replace it');
    const inputs = node.inputs.map((i) => values.get(i)!);
    const g = backward(inputs, weights.get(id) ?? {}, node.attrs, tensor(values.get(id)!.shape, dy));
    node.inputs.forEach((i, k) => {
      let sum = dys.get(i);
      if (!sum) dys.set(i, (sum = new Float64Array(values.get(i)!.data.length)));
      const part = g.inputs[k].data;
      for (let j = 0; j < sum.length; j++) sum[j] += part[j];
    });
  }
  const asTensor = (id: string): Tensor => tensor(values.get(id)!.shape, dys.get(id) ?? new Float64Array(values.get(id)!.data.length));
  const output = values.get(score)!;
  return {
    score: scoreOf(seed, output), output, input: asTensor(input),
    cam: camLayer ? { activation: values.get(camLayer)!, gradient: asTensor(camLayer) } : undefined,
  };
}
