import { describe, expect, it } from 'vitest';
import { analyzeGraph, importOnnx, materializeWeights, type GraphFile, type WeightStore } from '../src/index.ts';
import fashionCnn from '../examples/fashion-cnn.json';
import { baseName, exportFiles } from './model-export.ts';

// The fashion CNN with its conv1 kernel "trained" (a store entry the graph refers to, as the Train panel leaves it).
const graph = structuredClone(fashionCnn) as GraphFile;
graph.nodes.find((n) => n.id === 'conv1')!.weights = { kernel: 'trained-x/conv1/kernel', bias: 'trained-x/conv1/bias' };
const kernel = { shape: [3, 3, 1, 32], data: Float32Array.from({ length: 288 }, (_, i) => (i % 7) / 10 - 0.3) };
const store: WeightStore = new Map([['trained-x/conv1/kernel', kernel], ['trained-x/conv1/bias', { shape: [32], data: new Float32Array(32).fill(0.5) }]]);
const report = analyzeGraph(graph);

describe('model export', () => {
  it('writes the Keras model JSON naming its shard, the shard holding the weights Run uses (the trained ones where the graph has them)', () => {
    const [json, shard] = exportFiles('keras', graph, store);
    expect([json.name, shard.name]).toEqual(['fashion-cnn.json', 'fashion-cnn.weights.bin']);
    const model = JSON.parse(new TextDecoder().decode(json.bytes));
    expect(model.weightsManifest[0].paths).toEqual(['fashion-cnn.weights.bin']);
    const floats = new Float32Array(shard.bytes.slice().buffer);
    expect(floats.length).toBe(report.totals.params);
    // The manifest's first weight is conv1's kernel: the trained values, then its bias.
    expect(model.weightsManifest[0].weights[0]).toMatchObject({ shape: [3, 3, 1, 32] });
    expect([...floats.subarray(0, 288)]).toEqual([...kernel.data]);
    expect([...floats.subarray(288, 320)]).toEqual(new Array(32).fill(0.5));
    // The rest are the seeded initializers, as Run uses them.
    const initial = materializeWeights(report, graph.seed ?? 0, store);
    expect([...floats.subarray(320, 330)]).toEqual([...initial.get('conv2')!.kernel.data.subarray(0, 10)]);
  });

  it('writes ONNX that reads back with the same weights', () => {
    const [onnx] = exportFiles('onnx', graph, store);
    expect(onnx.name).toBe('fashion-cnn.onnx');
    const back = importOnnx(onnx.bytes);
    const values = [...back.weights.values()].map((t) => [...t.data]);
    // conv1's kernel goes back to ONNX's OIHW: the same 288 numbers, reordered.
    expect(values.some((v) => v.length === 288 && [...v].sort().join() === [...kernel.data].sort().join())).toBe(true);
  });

  it('names files after the graph, safely', () => {
    expect(baseName({ ...graph, name: 'my net/v2' })).toBe('my_net_v2');
    expect(baseName({ ...graph, name: undefined })).toBe('model');
  });

  it('says why a graph cannot be exported', () => {
    const broken: GraphFile = { ...graph, nodes: graph.nodes.map((n) => (n.id === 'conv2' ? { ...n, inputs: ['nowhere'] } : n)) };
    expect(() => exportFiles('onnx', broken, store)).toThrow(/cannot export a graph with problems/);
  });
});
