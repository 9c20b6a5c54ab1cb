// Runs a graph on the GPU engine and on the CPU reference with the same weights and inputs, so a
// test can compare every output. Inputs are seeded uniform values in [-1, 1).
import { analyzeGraph } from '../graph/analyze.ts';
import type { Attrs, GraphFile } from '../graph/types.ts';
import { materializeWeights, runReference } from '../runtime/reference.ts';
import type { Engine, RunResult } from '../runtime/engine.ts';
import type { LowerOptions } from '../compile/lower.ts';
import { tensor, sizeOf, type Tensor } from '../tensor.ts';
import { uniforms } from '../weights/random.ts';

export interface Compared {
  gpu: RunResult;
  reference: Map<string, Tensor>;
  nodes: string[];
}

export function randomInput(shape: number[], key: string, seed = 7): Tensor {
  const u = uniforms(sizeOf(shape), seed, key);
  return tensor(shape, Array.from(u, (v) => 2 * v - 1));
}

/**
 * Every epilogue path of a conv kernel in one graph: conv 'a' with BN, a residual add and a ReLU fused
 * into it, then convs 'b' (3×3, ReLU) and 'c' (1×1) written as channel slices of Concatenate 'cat'.
 * `zeroPad`: 'a' reads a ZeroPadding2D (folded into the conv) with 'valid' padding; else 'same'.
 */
export function fusedEpilogueGraph([H, W, C]: [number, number, number], { zeroPad = false } = {}): GraphFile {
  return {
    format: 'deepwire-graph', version: 1, outputs: ['cat'],
    nodes: [
      { id: 'x', op: 'Input', attrs: { shape: [H, W, C] } },
      ...(zeroPad ? [{ id: 'pad', op: 'ZeroPadding2D', inputs: ['x'], attrs: { padding: [[1, 1], [1, 1]] } }] : []),
      { id: 'a', op: 'Conv2D', inputs: [zeroPad ? 'pad' : 'x'], attrs: { filters: C, kernel_size: 3, use_bias: false, ...(zeroPad ? {} : { padding: 'same' }) } },
      { id: 'bn', op: 'BatchNormalization', inputs: ['a'], attrs: {} },
      { id: 'add', op: 'Add', inputs: ['bn', 'x'], attrs: {} },
      { id: 'relu', op: 'ReLU', inputs: ['add'], attrs: {} },
      { id: 'b', op: 'Conv2D', inputs: ['relu'], attrs: { filters: 20, kernel_size: 3, padding: 'same', activation: 'relu' } },
      { id: 'c', op: 'Conv2D', inputs: ['relu'], attrs: { filters: 7, kernel_size: 1 } },
      { id: 'cat', op: 'Concatenate', inputs: ['c', 'b'], attrs: { axis: -1 } },
    ],
  };
}

/** One op fed by one Input per shape: the unit of the GPU-vs-reference sweep. */
export function singleOpGraph(op: string, inputShapes: number[][], attrs: Attrs): GraphFile {
  const inputs = inputShapes.map((shape, i) => ({ id: `x${i}`, op: 'Input', attrs: { shape } }));
  return {
    format: 'deepwire-graph', version: 1,
    nodes: [...inputs, { id: 'y', op, attrs, inputs: inputs.map((n) => n.id) }],
    outputs: ['y'],
  };
}

export async function compareWithReference(
  engine: Engine, graph: GraphFile, options: { batch?: number; keep?: string[]; seed?: number } & Partial<Pick<LowerOptions, 'convKernel' | 'quadPixels' | 'subgroups' | 'winograd' | 'winogradTile' | 'winogradTiles' | 'splitK' | 'fusePools'>> = {},
): Promise<Compared> {
  const report = analyzeGraph(graph);
  if (!report.ok) throw new Error(`test graph is invalid: ${report.problems.map((p) => p.message).join('; ')}`);
  const batch = options.batch ?? 1;
  const weights = materializeWeights(report, options.seed ?? 1);
  const feeds: Record<string, Tensor> = {};
  for (const r of report.nodes) if (r.op === 'Input') feeds[r.id] = randomInput([batch, ...r.shape!], r.id);
  const nodes = [...new Set([...(options.keep ?? []), ...report.outputs])];
  const reference = runReference(report, feeds, { weights, outputs: nodes }).tensors;
  const compiled = engine.compile(report, weights, { batch, keep: nodes, convKernel: options.convKernel, quadPixels: options.quadPixels, subgroups: options.subgroups, winograd: options.winograd, winogradTile: options.winogradTile, winogradTiles: options.winogradTiles, splitK: options.splitK, fusePools: options.fusePools ?? false });
  const gpu = await compiled.run(feeds, { read: nodes });
  compiled.destroy();
  return { gpu, reference, nodes };
}
