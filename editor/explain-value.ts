/** "Explain this value" in the editor: the node's and its inputs' tensors of the last run (as the engine read
 *  them back), the weights Run used, and src/explain/ takes the value apart. A node or input edited since the
 *  run is refused (its tensors no longer match the graph), as is one whose tensor the run did not keep. */
import {
  explainFromRun, explains, materializeNodeWeights, notCovered, OpError,
  type Explanation, type GraphReport, type RunTensor, type Tensor, type WeightStore,
} from '../src/index.ts';

/** An explanation with the input tensors it was made from (the panel draws their maps). */
export interface ExplainedValue {
  explanation: Explanation;
  inputs: RunTensor[];
}

export interface ExplainHooks {
  report(): GraphReport;
  seed(): number;
  store(): WeightStore;
  /** A node's output of the last run that computed it; null without one. */
  activation(id: string): Promise<Tensor | null>;
  /** Whether the node changed since its result was computed. */
  stale(id: string): boolean;
}

/** Position `at` of the output for window.deepwire.explain's (y, x, c): [y, x, c] for a map, [c] for a vector. */
export function positionIn(shape: readonly number[], y: number, x: number, c: number): number[] {
  return shape.length === 1 ? [c] : [y, x, c];
}

export async function explainInEditor(hooks: ExplainHooks, id: string, at: number[], image = 0): Promise<ExplainedValue> {
  const report = hooks.report();
  const node = report.byId.get(id);
  if (!node) throw new OpError(`there is no node '${id}' in the graph`);
  if (!explains(node.op)) throw notCovered(node.op);
  const ids = [id, ...node.inputs];
  const tensors = new Map<string, Tensor>();
  for (const ref of ids) {
    const name = report.byId.get(ref)?.name ?? ref;
    if (hooks.stale(ref)) throw new OpError(`${name} changed since the last run`, 'run the graph again (▶ Run or Ctrl+Enter) to explain its values');
    const t = await hooks.activation(ref);
    if (!t) throw new OpError(`the last run kept no tensor of ${name}${ref === id ? '' : `, an input of ${node.name}`}`, 'run the graph (a node computed inside another\'s dispatch has none of its own)');
    tensors.set(ref, t);
  }
  const weights = materializeNodeWeights([node], hooks.seed(), hooks.store());
  const explanation = explainFromRun(report, id, tensors, weights, at, { image });
  return { explanation, inputs: node.inputs.map((ref) => ({ id: ref, name: report.byId.get(ref)!.name, tensor: tensors.get(ref)! })) };
}

/** window.deepwire.explain(nodeId, y, x, c): the explanation of image 1's value there ([c] for a vector output). */
export async function explainForScripts(hooks: ExplainHooks, id: string, y: number, x: number, c: number): Promise<Explanation> {
  const shape = hooks.report().byId.get(id)?.shape ?? [];
  return (await explainInEditor(hooks, id, positionIn(shape, y, x, c))).explanation;
}
