// The library's API from its source, on Dawn: a graph, its ONNX export (N×C×H×W at the edges) and its
// Keras model.json give the same outputs as the CPU reference; every node is readable with keep: 'all';
// fit trains and the model keeps what it learnt; mistakes are refused with a hint. The packed package is
// tested as a user installs it by scripts/test-library.mjs.
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeGraph } from '../graph/analyze.ts';
import type { GraphFile } from '../graph/types.ts';
import { exportOnnx } from '../io/onnx-export.ts';
import { exportKerasModel } from '../io/keras-model-export.ts';
import { expectClose, TOLERANCE } from '../testing/expect-close.ts';
import { testGpu } from '../testing/gpu.ts';
import { Device, EngineError, OpError, loadModel, tensor, type Tensor } from './node.ts';

const gpu = await testGpu();

// 6×5×3: three channels and H ≠ W, so that a layout mix-up cannot pass.
const GRAPH: GraphFile = {
  format: 'deepwire-graph', version: 1, name: 'small', seed: 3, outputs: ['probs'],
  nodes: [
    { id: 'x', op: 'Input', name: 'image', attrs: { shape: [6, 5, 3] } },
    { id: 'c', op: 'Conv2D', name: 'conv', inputs: ['x'], attrs: { filters: 4, kernel_size: 3, padding: 'same', activation: 'relu' } },
    { id: 'p', op: 'MaxPool2D', name: 'pool', inputs: ['c'], attrs: { pool_size: 2 } },
    { id: 'f', op: 'Flatten', name: 'flatten', inputs: ['p'] },
    { id: 'probs', op: 'Dense', name: 'probs', inputs: ['f'], attrs: { units: 3, activation: 'softmax' } },
  ],
};

const values = (n: number, seed: number) => Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898 + seed) * 0.5 + 0.5);
const x = tensor([2, 6, 5, 3], values(2 * 6 * 5 * 3, 1));

/** NHWC → NCHW, as an ONNX user holds an image. */
function toNchw(t: Tensor): Tensor {
  const [N, H, W, C] = t.shape;
  const out = tensor([N, C, H, W]);
  for (let n = 0; n < N; n++) for (let h = 0; h < H; h++) for (let w = 0; w < W; w++) for (let c = 0; c < C; c++)
    out.data[((n * C + c) * H + h) * W + w] = t.data[((n * H + h) * W + w) * C + c];
  return out;
}

describe.skipIf(!gpu)('deepwire as a library', () => {
  let device: Device;
  afterAll(() => device?.destroy());

  it('runs a graph as the CPU reference does, and reads every node with keep: all', async () => {
    device = await Device.request();
    const model = await loadModel(GRAPH);
    expect(model.inputs).toEqual([{ name: 'image', node: 'x', shape: [6, 5, 3], layout: 'nhwc' }]);
    expect(model.outputs.map((p) => [p.name, p.shape])).toEqual([['probs', [3]]]);
    expect(model.nodes.map((n) => n.op)).toEqual(['Input', 'Conv2D', 'MaxPool2D', 'Flatten', 'Dense']);
    expect(model.params.total).toBe(3 * 3 * 3 * 4 + 4 + 3 * 2 * 4 * 3 + 3);
    const compiled = await model.compile({ device, keep: 'all', batch: 2 });
    const out = await compiled.run({ image: x });
    const names = ['conv', 'pool', 'flatten', 'probs'];
    const reference = model.runReference(x, { outputs: names });
    expect(out.probs.shape).toEqual([2, 3]);
    expectClose(out.probs.data, reference.probs.data, TOLERANCE.conv);
    for (const name of names) expectClose((await compiled.read(name)).data, reference[name].data, TOLERANCE.conv);
    // Results into arrays given (a loop allocates nothing); a wrong size or name is refused.
    const into = { probs: new Float32Array(6) };
    const filled = await compiled.run({ image: x }, { into });
    expect(filled.probs.data).toBe(into.probs);
    expect(into.probs).toEqual(out.probs.data);
    await expect(compiled.run({ image: x }, { into: { probs: new Float32Array(5) } })).rejects.toThrow(/'into' gives 5 floats for 'probs', which has 6/);
    await expect(compiled.run({ image: x }, { into: { conv: new Float32Array(6) } })).rejects.toThrow(/'into' names 'conv', which this run does not return/);
    // A batch size not compiled for compiles on first use; a Float32Array is one sample.
    const one = await compiled.run(x.data.slice(0, 90));
    expectClose(one.probs.data, reference.probs.data.subarray(0, 3), TOLERANCE.conv);
    compiled.dispose();
    await expect(compiled.run(x)).rejects.toThrow(/disposed/);
  });

  it('runs its ONNX export in ONNX\'s names and N×C×H×W layout, and its Keras model.json, to the same outputs', async () => {
    const graph = await loadModel(GRAPH);
    const want = graph.runReference(x);
    const onnx = await loadModel(exportOnnx(analyzeGraph(GRAPH), { seed: GRAPH.seed }));
    expect(onnx.inputs[0]).toMatchObject({ layout: 'onnx', shape: [3, 6, 5] });
    const compiled = await onnx.compile({ device, batch: 2, keep: 'all' });
    const out = await compiled.run({ [onnx.inputs[0].name]: toNchw(x) });
    expectClose(out[onnx.outputs[0].name].data, want.probs.data, TOLERANCE.conv);
    // A node inside, read in the model's own layout too (the pooling: ONNX has the conv's ReLU apart).
    const pool = onnx.nodes.find((n) => n.op === 'MaxPool2D')!.name;
    // Into a given array in ONNX's layout too: the pooling read as an output, N×C×H×W.
    const pooled = { [pool]: new Float32Array(2 * 4 * 3 * 2) };
    await compiled.run({ [onnx.inputs[0].name]: toNchw(x) }, { outputs: [pool], into: pooled });
    expectClose(pooled[pool], toNchw(graph.runReference(x, { outputs: ['pool'] }).pool).data, TOLERANCE.conv);
    const read = await compiled.read(pool);
    expect(read.shape).toEqual([2, 4, 3, 2]);
    expectClose(read.data, toNchw(graph.runReference(x, { outputs: ['pool'] }).pool).data, TOLERANCE.conv);
    compiled.dispose();

    const { modelJson, shard } = exportKerasModel(GRAPH);
    const keras = await loadModel(modelJson as unknown as Record<string, unknown>, { readFile: async () => shard });
    const kerasOut = Object.values(await (await keras.compile({ device })).run(x))[0];
    expectClose(kerasOut.data, want.probs.data, TOLERANCE.conv);
  });

  it('fits, evaluates and predicts, keeping the trained weights', async () => {
    const model = await loadModel(GRAPH);
    const before = model.getWeights().conv.kernel.data.slice();
    const xs = tensor([24, 6, 5, 3], values(24 * 90, 2));
    const ys = tensor([24], Array.from({ length: 24 }, (_, i) => i % 3));
    const epochs: number[] = [];
    const history = await model.fit(xs, ys, { device, batchSize: 8, epochs: 2, learningRate: 0.05, validationSplit: 0.25, onEpochEnd: (log) => void epochs.push(log.epoch) });
    expect(epochs).toEqual([1, 2]);
    expect(history.history.loss).toHaveLength(2);
    expect(history.history.val_accuracy).toHaveLength(2);
    expect(history.history.loss.every(Number.isFinite)).toBe(true);
    expect(model.getWeights().conv.kernel.data).not.toEqual(before);
    const { loss, accuracy } = await model.evaluate(xs, ys, { device, batchSize: 8 });
    expect(Number.isFinite(loss) && accuracy >= 0 && accuracy <= 1).toBe(true);
    const predicted = await model.predict(xs, { device, batchSize: 8 });
    expect(predicted.shape).toEqual([24, 3]);
    // The trained weights are what a compile runs and what the reference computes.
    expectClose(predicted.data, model.runReference(xs).probs.data, TOLERANCE.conv);
  });

  it('refuses mistakes with what is wrong and what to do', async () => {
    await expect(loadModel({ ...GRAPH, nodes: GRAPH.nodes.map((n) => (n.id === 'c' ? { ...n, inputs: ['nowhere'] } : n)) })).rejects.toThrow(OpError);
    await expect(loadModel('examples/no-such-graph.json')).rejects.toThrow(/no such file/);
    await expect(loadModel(new TextEncoder().encode('{"nodes": [}'))).rejects.toThrow(/^the model file is not valid JSON: expected .+ at line 1, column 12/);
    await expect(loadModel(GRAPH, { outputs: ['conf'] })).rejects.toMatchObject({ hint: "did you mean 'conv'?" });
    const model = await loadModel(GRAPH);
    const compiled = await model.compile({ device });
    await expect(compiled.run(tensor([1, 5, 6, 3]))).rejects.toThrow(/takes N×6×5×3/);
    await expect(compiled.read('conv')).rejects.toThrow(/has not run/);
    await compiled.run(x);
    const notKept = await compiled.read('conv').catch((e: unknown) => e);
    expect(notKept).toBeInstanceOf(EngineError);
    expect((notKept as EngineError).hint).toMatch(/keep/);
    await expect(model.fit(x, tensor([3]), { device })).rejects.toThrow(/2 samples .* but y has 3/);
    // Labels the output has no unit for are refused before the first step, as Keras users would want.
    await expect(model.fit(x, tensor([2], [0, 7]), { device, batchSize: 2 })).rejects.toMatchObject({ message: "the training data has labels up to 7 (8 classes), but the output 'probs' has 3 values a sample, one a class", hint: "set the units of 'probs' to 8" });
    compiled.dispose();
  });

  it('extracts features: outputs picks the nodes to stop at', async () => {
    const model = await loadModel(GRAPH, { outputs: ['pool'] });
    expect(model.outputs.map((p) => [p.name, p.shape])).toEqual([['pool', [3, 2, 4]]]);
    expect(model.nodes.map((n) => n.name)).toEqual(['image', 'conv', 'pool']);
    const out = await (await model.compile({ device, batch: 2 })).run(x);
    expectClose(out.pool.data, (await loadModel(GRAPH)).runReference(x, { outputs: ['pool'] }).pool.data, TOLERANCE.conv);
  });
});
