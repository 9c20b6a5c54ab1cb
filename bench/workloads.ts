// The benchmark's workloads W1–W5, built the same way in the page and in Node: a deepwire graph, its
// weights (seeded initializers) and one seeded input in [-1, 1), batch 1. Whole models come from the
// Keras zoo (src/models/zoo.ts) and, for GoogLeNet, torchvision's ONNX export read by src/io/onnx-import.ts.
import inception3a from '../examples/inception-3a.json' with { type: 'json' };
import { analyzeGraph, type GraphReport } from '../src/graph/analyze.ts';
import type { GraphFile } from '../src/graph/types.ts';
import { importOnnx } from '../src/io/onnx-import.ts';
import { zooModel } from '../src/models/zoo.ts';
import { materializeWeights, type WeightStore } from '../src/runtime/reference.ts';
import { randomInput } from '../src/testing/compare.ts';
import type { Tensor } from '../src/tensor.ts';

export type WorkloadId = 'W1' | 'W2' | 'W3' | 'W4' | 'W5';

/** Files the workloads read: from disk in Node, over HTTP in the page. */
export interface Sources {
  /** A file under the repository root, or null when it is missing. */
  file(path: string): Promise<Uint8Array | null>;
}

/** The ONNX file a workload was imported from: ONNX Runtime runs it as it is. */
export interface OnnxSource {
  bytes: Uint8Array;
  input: string;
  output: string;
}

export interface Workload {
  id: WorkloadId;
  title: string;
  report: GraphReport;
  weights: Map<string, Record<string, Tensor>>;
  inputId: string;
  input: Tensor;
  output: string;
  onnx?: OnnxSource;
}

export class Skip extends Error {}

/** Above this the plain-loop CPU reference takes minutes: ONNX Runtime's wasm output is the reference. */
export const CPU_REFERENCE_MAX_FLOPS = 2e9;

export const WORKLOADS: { id: WorkloadId; title: string }[] = [
  { id: 'W1', title: 'Conv 3×3 64→64, 56×56, bias+ReLU' },
  { id: 'W2', title: 'Inception v1 module 3a, 28×28×192 → 256' },
  { id: 'W3', title: 'ResNet-50 (Keras, logits), 224×224' },
  { id: 'W4', title: 'GoogLeNet (torchvision ONNX), 224×224' },
  { id: 'W5', title: 'InceptionV3 (Keras, logits), 299×299' },
];

/** Where W4 comes from: Keras has no GoogLeNet, torchvision's is exported by this script. */
export const GOOGLENET_ONNX = 'out/torchvision/googlenet.onnx';

const W1_GRAPH: GraphFile = {
  format: 'deepwire-graph', version: 1, name: 'conv3x3', seed: 0,
  nodes: [
    { id: 'input', op: 'Input', attrs: { shape: [56, 56, 64] } },
    // Random biases: with Keras' zero default a bias bug would go unnoticed.
    { id: 'conv', op: 'Conv2D', inputs: ['input'], attrs: { filters: 64, kernel_size: 3, padding: 'same', activation: 'relu', bias_initializer: 'random_uniform' } },
  ],
  outputs: ['conv'],
};

interface Source {
  graph: GraphFile;
  store?: WeightStore;
  onnx?: OnnxSource;
}

function fromZoo(name: string): Source {
  // Logits out: a near-uniform softmax over 1000 classes would hide any difference from the reference.
  return { graph: zooModel(name, { classifier_activation: 'linear' }) };
}

async function fromOnnx(sources: Sources, path: string, how: string): Promise<Source> {
  const bytes = await sources.file(path);
  if (!bytes) throw new Skip(`needs ${path} (${how})`);
  const imported = importOnnx(bytes);
  return { graph: imported.graph, store: imported.weights, onnx: { bytes, input: imported.inputs[0].name, output: imported.outputs[0].name } };
}

async function graphOf(id: WorkloadId, sources: Sources): Promise<Source> {
  switch (id) {
    case 'W1': return { graph: W1_GRAPH };
    case 'W2': return { graph: inception3a as GraphFile };
    case 'W3': return fromZoo('ResNet50');
    case 'W4': return fromOnnx(sources, GOOGLENET_ONNX, '/usr/bin/python3 scripts/export-torchvision.py googlenet');
    case 'W5': return fromZoo('InceptionV3');
  }
}

/** The workload's graph, analysed (cheap: no weights yet); throws Skip when its source does not exist yet. */
export async function loadGraph(id: WorkloadId, sources: Sources): Promise<Source & { report: GraphReport }> {
  const { graph, store, onnx } = await graphOf(id, sources);
  const report = analyzeGraph(graph);
  if (!report.ok) throw new Error(`${id}: the graph has problems: ${report.problems.slice(0, 3).map((p) => p.message).join('; ')}`);
  if (report.nodes.filter((n) => n.op === 'Input').length !== 1 || report.outputs.length !== 1) throw new Error(`${id}: the benchmark wants one Input and one output`);
  return { graph, report, store, onnx };
}

/** Builds a workload with its weights and input; throws Skip when what it needs does not exist yet. */
export async function loadWorkload(id: WorkloadId, sources: Sources): Promise<Workload> {
  const { graph, report, store, onnx } = await loadGraph(id, sources);
  const input = report.nodes.find((n) => n.op === 'Input')!;
  const weights = materializeWeights(report, graph.seed ?? 1, store);
  const x = randomInput([1, ...input.shape!], 'bench-input', 7);
  return { id, title: WORKLOADS.find((w) => w.id === id)!.title, report, weights, inputId: input.id, input: x, output: report.outputs[0], onnx };
}
