// The editor's side of "explain this value": the last run's tensors and weights in, what it refuses
// (a node edited since the run, a tensor the run did not keep), and window.deepwire.explain's positions.
import { describe, expect, it } from 'vitest';
import { analyzeGraph, materializeWeights, runReference, tensor, type GraphFile, type Tensor } from '../src/index.ts';
import { explainForScripts, explainInEditor, positionIn, type ExplainHooks } from './explain-value.ts';

const GRAPH: GraphFile = {
  format: 'deepwire-graph', version: 1, outputs: ['dense'], seed: 4,
  nodes: [
    { id: 'x', name: 'photo', op: 'Input', attrs: { shape: [5, 5, 2] } },
    { id: 'conv', name: 'conv_a', op: 'Conv2D', inputs: ['x'], attrs: { filters: 3, kernel_size: 3, padding: 'same', activation: 'relu' } },
    { id: 'gap', op: 'GlobalAveragePool2D', inputs: ['conv'], attrs: {} },
    { id: 'dense', op: 'Dense', inputs: ['gap'], attrs: { units: 4 } },
  ],
};

function hooks({ stale = [] as string[], missing = [] as string[] } = {}): ExplainHooks {
  const report = analyzeGraph(GRAPH);
  const x = tensor([1, 5, 5, 2], Array.from({ length: 50 }, (_, i) => Math.sin(i)));
  // The run's weights: the graph's seed, as Run materialises them.
  const tensors = runReference(report, { x }, { weights: materializeWeights(report, 4), outputs: report.nodes.map((r) => r.id) }).tensors;
  return {
    report: () => report, seed: () => 4, store: () => new Map(),
    activation: async (id) => (missing.includes(id) ? null : (tensors.get(id) as Tensor)),
    stale: (id) => stale.includes(id),
  };
}

describe('explainInEditor', () => {
  it('explains from the run\'s tensors and the weights Run uses, and hands the input tensors to the panel', async () => {
    const { explanation, inputs } = await explainInEditor(hooks(), 'conv', [4, 0, 2]);
    expect(explanation).toMatchObject({ kind: 'conv', node: 'conv', name: 'conv_a', at: [4, 0, 2] });
    expect(Math.abs(explanation.total - explanation.value)).toBeLessThan(1e-6);
    expect(inputs.map((i) => [i.id, i.name, i.tensor.shape])).toEqual([['x', 'photo', [1, 5, 5, 2]]]);
  });

  it('refuses a node or an input edited since the run, a tensor the run did not keep, an op it does not cover', async () => {
    await expect(explainInEditor(hooks({ stale: ['x'] }), 'conv', [0, 0, 0])).rejects.toThrow('photo changed since the last run');
    await expect(explainInEditor(hooks({ missing: ['conv'] }), 'conv', [0, 0, 0])).rejects.toThrow('the last run kept no tensor of conv_a');
    await expect(explainInEditor(hooks({ missing: ['x'] }), 'conv', [0, 0, 0])).rejects.toThrow('the last run kept no tensor of photo, an input of conv_a');
    await expect(explainInEditor(hooks(), 'x', [0, 0, 0])).rejects.toThrow('explain does not cover Input yet');
    await expect(explainInEditor(hooks(), 'nope', [0])).rejects.toThrow("there is no node 'nope' in the graph");
  });

  it('window.deepwire.explain(id, y, x, c): [y, x, c] on a map, [c] on a vector', async () => {
    expect(positionIn([5, 5, 3], 1, 2, 0)).toEqual([1, 2, 0]);
    expect(positionIn([4], 9, 9, 3)).toEqual([3]);
    expect(await explainForScripts(hooks(), 'dense', 0, 0, 3)).toMatchObject({ kind: 'dense', at: [3] });
    expect(await explainForScripts(hooks(), 'gap', 0, 0, 1)).toMatchObject({ kind: 'pool', mode: 'average', global: true, count: 25 });
    await expect(explainForScripts(hooks(), 'conv', 5, 0, 0)).rejects.toThrow("y = 5 is outside conv_a [conv]'s 5×5×3 output");
  });
});
