// The benchmark's workloads W1–W5, built the same way in the page and in Node: a deepwire graph, its
// weights (seeded initializers) and one seeded input in [-1, 1), batch 1. Whole models come from the
// Keras zoo (src/models/zoo.ts) or an ONNX import when those exist; until then they are skipped.
import inception3a from '../examples/inception-3a.json' with { type: 'json' };
import { analyzeGraph, type GraphReport } from '../src/graph/analyze.ts';
import type { GraphFile } from '../src/graph/types.ts';
import { materializeWeights, type WeightStore } from '../src/runtime/reference.ts';
import { randomInput } from '../src/testing/compare.ts';
import type { Tensor } from '../src/tensor.ts';

export type WorkloadId = 'W1' | 'W2' | 'W3' | 'W4' | 'W5';

/** What a workload needs that may not exist yet; each environment says how it loads them. */
export interface Sources {
  /** src/models/zoo.ts, or null while it does not exist. */
  zoo(): Promise<Record<string, unknown> | null>;
  /** src/io/onnx-import.ts, or null. */
  onnxImport(): Promise<Record<string, unknown> | null>;
}

export interface Workload {
  id: WorkloadId;
  title: string;
  report: GraphReport;
  weights: Map<string, Record<string, Tensor>>;
  inputId: string;
  input: Tensor;
  output: string;
}

export class Skip extends Error {}

export const WORKLOADS: { id: WorkloadId; title: string }[] = [
  { id: 'W1', title: 'Conv 3×3 64→64, 56×56, bias+ReLU' },
  { id: 'W2', title: 'Inception v1 module 3a, 28×28×192 → 256' },
  { id: 'W3', title: 'ResNet-50, 224×224' },
  { id: 'W4', title: 'GoogLeNet, 224×224' },
  { id: 'W5', title: 'InceptionV3, 299×299' },
];

const W1_GRAPH: GraphFile = {
  format: 'deepwire-graph', version: 1, name: 'conv3x3', seed: 0,
  nodes: [
    { id: 'input', op: 'Input', attrs: { shape: [56, 56, 64] } },
    // Random biases: with Keras' zero default a bias bug would go unnoticed.
    { id: 'conv', op: 'Conv2D', inputs: ['input'], attrs: { filters: 64, kernel_size: 3, padding: 'same', activation: 'relu', bias_initializer: 'random_uniform' } },
  ],
  outputs: ['conv'],
};

/** The zoo's builder for a Keras application, under whichever export name the zoo gives it. */
async function fromZoo(sources: Sources, names: string[]): Promise<{ graph: GraphFile; store?: WeightStore }> {
  const zoo = await sources.zoo();
  if (!zoo) throw new Skip(`needs src/models/zoo.ts (${names[0]})`);
  const lower = new Map(Object.keys(zoo).map((k) => [k.toLowerCase(), k]));
  for (const name of names) {
    // Either one function per model, or a registry looked up by name.
    const key = lower.get(name.toLowerCase());
    if (key && typeof zoo[key] === 'function') return { graph: (zoo[key] as (o: object) => GraphFile)({ include_top: true }) };
    for (const registry of ['ZOO', 'MODELS']) {
      const table = zoo[registry] as Record<string, { build?: (o: object) => GraphFile }> | undefined;
      const entry = table && Object.entries(table).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
      if (entry?.build) return { graph: entry.build({ include_top: true }) };
    }
    for (const fn of ['buildZooModel', 'buildModel', 'zooModel']) {
      if (typeof zoo[fn] !== 'function') continue;
      try {
        return { graph: (zoo[fn] as (n: string, o: object) => GraphFile)(name, { include_top: true }) };
      } catch { /* not under this name */ }
    }
  }
  throw new Skip(`needs a ${names[0]} builder in src/models/zoo.ts`);
}

async function graphOf(id: WorkloadId, sources: Sources): Promise<{ graph: GraphFile; store?: WeightStore }> {
  switch (id) {
    case 'W1': return { graph: W1_GRAPH };
    case 'W2': return { graph: inception3a as GraphFile };
    case 'W3': return fromZoo(sources, ['ResNet50']);
    // Keras has no GoogLeNet: the zoo may add one; otherwise it comes from torchvision through ONNX.
    case 'W4': return fromZoo(sources, ['GoogLeNet', 'InceptionV1']).catch((e) => {
      throw e instanceof Skip ? new Skip('needs a GoogLeNet graph (src/models/zoo.ts, or a torchvision export through src/io/onnx-import.ts)') : e;
    });
    case 'W5': return fromZoo(sources, ['InceptionV3']);
  }
}

/** The workload's graph, analysed (cheap: no weights yet); throws Skip when its source does not exist yet. */
export async function loadGraph(id: WorkloadId, sources: Sources): Promise<{ graph: GraphFile; report: GraphReport; store?: WeightStore }> {
  const { graph, store } = await graphOf(id, sources);
  const report = analyzeGraph(graph);
  if (!report.ok) throw new Error(`${id}: the graph has problems: ${report.problems.slice(0, 3).map((p) => p.message).join('; ')}`);
  if (report.nodes.filter((n) => n.op === 'Input').length !== 1 || report.outputs.length !== 1) throw new Error(`${id}: the benchmark wants one Input and one output`);
  return { graph, report, store };
}

/** Builds a workload with its weights and input; throws Skip when what it needs does not exist yet. */
export async function loadWorkload(id: WorkloadId, sources: Sources): Promise<Workload> {
  const { graph, report, store } = await loadGraph(id, sources);
  const input = report.nodes.find((n) => n.op === 'Input')!;
  const weights = materializeWeights(report, graph.seed ?? 1, store);
  const x = randomInput([1, ...input.shape!], 'bench-input', 7);
  return { id, title: WORKLOADS.find((w) => w.id === id)!.title, report, weights, inputId: input.id, input: x, output: report.outputs[0] };
}
