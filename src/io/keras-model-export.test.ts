// Keras export with weights, checked by an independent Keras implementation: TF.js Layers (CPU backend)
// opens the exported model.json + shard with tf.loadLayersModel and must compute what deepwire's CPU
// reference computes, for a graph holding every op of the registry and for zoo models at small sizes.
// Our own importer must read the files back to the same graph.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../graph/analyze.ts';
import type { GraphFile, GraphNode } from '../graph/types.ts';
import { ZOO, zooModel } from '../models/zoo.ts';
import { OPS } from '../ops/index.ts';
import { NO_KERAS_LAYER } from './keras-layers.ts';
import { materializeWeights, runReference } from '../runtime/reference.ts';
import { tensor, type Tensor } from '../tensor.ts';
import { uniforms } from '../weights/random.ts';
import { runCli } from '../testing/cli-run.ts';
import { expectClose } from '../testing/expect-close.ts';
import { seededRandom } from '../testing/mutate-graph.ts';
import { randomGraph } from '../testing/random-graph.ts';
import { loadInTfjs, tfjsOutputs } from '../testing/tfjs-oracle.ts';
import { exportKerasModel } from './keras-model-export.ts';
import { importTfjsLayers } from './tfjs-layers.ts';

/** Keras 3's augmentation layers, which TF.js Layers cannot load. */
const AUGMENTATION = ['RandomFlip', 'RandomTranslation', 'RandomCrop'];

const graph = (nodes: GraphNode[], outputs: string[], name = 'test'): GraphFile => ({ format: 'deepwire-graph', version: 1, name, nodes, outputs });

function randomInput(shape: number[], seed: number): Tensor {
  const t = tensor([1, ...shape]);
  uniforms(t.data.length, seed, 'input').forEach((u, i) => (t.data[i] = u * 2 - 1));
  return t;
}

/** Exports `g`, runs it in TF.js and on our CPU reference, and compares every output (|d| ≤ 1e-4 + 1e-3·|want|). */
async function roundTrip(g: GraphFile, probes?: string[], { someZero = false } = {}) {
  const files = exportKerasModel(g);
  const report = analyzeGraph(g);
  const input = report.nodes.find((n) => n.op === 'Input')!;
  const x = randomInput(input.shape! as number[], 7);
  const outputs = probes ?? report.outputs;
  const want = runReference(report, { [input.id]: x }, { outputs, weights: materializeWeights(report, 0) });
  const model = await loadInTfjs(files.modelJson, files.shard);
  const got = await tfjsOutputs(model, x, outputs.map((id) => report.byId.get(id)!.name));
  outputs.forEach((id, k) => {
    const w = want.tensors.get(id)!.data;
    const peak = w.reduce((a, v) => Math.max(a, Math.abs(v)), 0);
    // A random graph's output may be all zeros (a ReLU of negatives): then another must not be.
    if (!someZero) expect(peak, `${id} is all zeros: the comparison would prove nothing`).toBeGreaterThan(0);
    expectClose(got[k], w, { atol: 1e-4 * Math.max(1, peak), rtol: 1e-3 });
  });
  expect(outputs.some((id) => want.tensors.get(id)!.data.some((v) => v !== 0)), 'every output is all zeros').toBe(true);
  return { files, report };
}

describe('exportKerasModel: TF.js opens it and computes what deepwire computes', () => {
  it('a graph with every op of the registry', async () => {
    const nodes: GraphNode[] = [
      { id: 'x', op: 'Input', attrs: { shape: [12, 12, 4] } },
      { id: 'conv', op: 'Conv2D', inputs: ['x'], attrs: { filters: 4, kernel_size: 3, padding: 'same', dilation_rate: 2, bias_initializer: 'random_normal' } },
      { id: 'dw', op: 'DepthwiseConv2D', inputs: ['conv'], attrs: { kernel_size: 3, padding: 'same', depth_multiplier: 2, activation: 'tanh' } },
      { id: 'sep', op: 'SeparableConv2D', inputs: ['dw'], attrs: { filters: 4, kernel_size: 3, padding: 'same', pointwise_regularizer: 'l2' } },
      { id: 'bn', op: 'BatchNormalization', inputs: ['sep'], attrs: { epsilon: 1.001e-5, center: false, moving_variance_initializer: { name: 'random_uniform', minval: 0.5, maxval: 2 } } },
      { id: 'norm', op: 'Normalization', inputs: ['bn'], attrs: { mean: [0.5, 0, 0.25, 1], variance: [1, 2, 3, 4] } },
      { id: 'adapted', op: 'Normalization', inputs: ['norm'] },
      { id: 'resc', op: 'Rescaling', inputs: ['adapted'], attrs: { scale: 0.5, offset: -0.25 } },
      { id: 'act', op: 'Activation', inputs: ['resc'], attrs: { activation: 'swish' } },
      { id: 'relu', op: 'ReLU', inputs: ['act'], attrs: { max_value: 6 } },
      { id: 'leaky', op: 'LeakyReLU', inputs: ['conv'], attrs: { negative_slope: 0.1 } },
      { id: 'max', op: 'MaxPool2D', inputs: ['leaky'], attrs: { pool_size: 2 } },
      { id: 'avg', op: 'AveragePool2D', inputs: ['relu'], attrs: { pool_size: 3, strides: 2, padding: 'same' } },
      { id: 'add', op: 'Add', inputs: ['max', 'avg'] },
      { id: 'sub', op: 'Subtract', inputs: ['max', 'avg'] },
      { id: 'gap', op: 'GlobalAveragePool2D', inputs: ['sub'], attrs: { keepdims: true } },
      { id: 'mul', op: 'Multiply', inputs: ['add', 'gap'] },
      { id: 'mean', op: 'Average', inputs: ['mul', 'add'] },
      { id: 'maximum', op: 'Maximum', inputs: ['mean', 'sub'] },
      { id: 'minimum', op: 'Minimum', inputs: ['maximum', 'sub'] },
      { id: 'cat', op: 'Concatenate', inputs: ['minimum', 'add'], attrs: { axis: 2 } },
      // TF.js' softmax runs on the last axis only
      { id: 'soft', op: 'Softmax', inputs: ['cat'], attrs: { axis: -1 } },
      { id: 'pad', op: 'ZeroPadding2D', inputs: ['cat'], attrs: { padding: [[1, 0], [2, 1]] } },
      { id: 'crop', op: 'Cropping2D', inputs: ['pad'], attrs: { cropping: 1 } },
      { id: 'gmp', op: 'GlobalMaxPool2D', inputs: ['crop'] },
      { id: 'flat', op: 'Flatten', inputs: ['crop'] },
      { id: 'drop', op: 'Dropout', inputs: ['flat'], attrs: { rate: 0.5 } },
      { id: 'dense', op: 'Dense', inputs: ['drop'], attrs: { units: 4, activation: 'elu' } },
      { id: 'ln', op: 'LayerNormalization', inputs: ['dense'], attrs: { epsilon: 1e-6, gamma_initializer: { name: 'random_uniform', minval: 0.5, maxval: 1.5 }, beta_initializer: 'random_normal' } },
      { id: 'dot', op: 'Dot', inputs: ['ln', 'gmp'], attrs: { axes: 1, normalize: true } },
      { id: 'reshape', op: 'Reshape', inputs: ['dot'], attrs: { target_shape: [1, 1] } },
    ];
    // deepwire's own ops (ONNX's Div of two tensors, …) are refused, with what to do in Keras: keras-layers.test.ts;
    // TF.js Layers has no augmentation layers to load: those are read back by our importer below.
    expect(OPS.map((o) => o.type).filter((t) => !nodes.some((n) => n.op === t))).toEqual([...Object.keys(NO_KERAS_LAYER), ...AUGMENTATION]);
    const g = graph(nodes, ['reshape', 'soft', 'dense', 'bn', 'dw'], 'every_op');
    await roundTrip(g);
  });

  // Random graphs (src/testing/random-graph.ts) of the ops Keras has, as TF.js Layers loads them: its
  // Softmax runs on the last axis only, its ReLU ignores negative_slope and threshold (the generator's
  // ReLUs have a slope and a ceiling), its Conv2D has no groups, and a strided dilated conv or a ceil-mode pool
  // is not Keras' (refused: keras-layers.test.ts).
  for (let seed = 1; seed <= 40; seed++)
    it(`random graph, seed ${seed}`, async () => {
      const g = randomGraph(seededRandom(seed), { size: 6 + (seed % 11), exclude: [...Object.keys(NO_KERAS_LAYER), ...AUGMENTATION, 'Softmax', 'ReLU', 'StridedDilatedConv', 'GroupedConv', 'CeilMode'] });
      await roundTrip({ ...g, name: `random_${seed}` }, undefined, { someZero: true });
    });

  it('a conv with explicit pads (an ONNX import) gets a ZeroPadding2D before it', async () => {
    const g = graph([
      { id: 'x', op: 'Input', attrs: { shape: [8, 8, 3] } },
      { id: 'c', op: 'Conv2D', name: 'conv1', inputs: ['x'], attrs: { filters: 2, kernel_size: 3, padding: [[1, 2], [0, 1]], bias_initializer: 'ones' } },
    ], ['c']);
    const { files } = await roundTrip(g);
    expect(files.layers).toEqual(['input_1', 'conv1_pad', 'conv1']);
  });

  it('weights from a store are the ones exported', async () => {
    const g = graph([
      { id: 'x', op: 'Input', attrs: { shape: [4] } },
      { id: 'd', op: 'Dense', name: 'dense', inputs: ['x'], attrs: { units: 2 }, weights: { kernel: 'k', bias: 'b' } },
    ], ['d']);
    const weights = new Map([['k', tensor([4, 2], [1, 2, 3, 4, 5, 6, 7, 8])], ['b', tensor([2], [0.5, -0.5])]]);
    const files = exportKerasModel(g, { weights });
    expect(files.modelJson.weightsManifest[0].weights).toEqual([
      { name: 'dense/kernel', shape: [4, 2], dtype: 'float32' }, { name: 'dense/bias', shape: [2], dtype: 'float32' }]);
    expect([...new Float32Array(files.shard.buffer)]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 0.5, -0.5]);
    const model = await loadInTfjs(files.modelJson, files.shard);
    const [y] = await tfjsOutputs(model, tensor([1, 4], [1, 0, 0, 1]), ['dense']);
    expect([...y]).toEqual([1 + 7 + 0.5, 2 + 8 - 0.5]);
  });

  it("deepwire's importer reads the files back to the same layers and weights (Normalization included)", async () => {
    const g = graph([
      { id: 'x', op: 'Input', attrs: { shape: [6, 6, 3] } },
      { id: 'norm', op: 'Normalization', inputs: ['x'], attrs: { mean: [0.5, 0, 0.25], variance: [1, 2, 3] } },
      { id: 'conv', op: 'Conv2D', inputs: ['norm'], attrs: { filters: 5, kernel_size: [1, 3], strides: 2, activation: 'relu', kernel_regularizer: { l1: 0.01 } } },
      { id: 'bn', op: 'BatchNormalization', inputs: ['conv'] },
      { id: 'leaky', op: 'LeakyReLU', inputs: ['bn'], attrs: { negative_slope: 0.2 } },
    ], ['leaky']);
    const files = exportKerasModel(g, { seed: 3 });
    const back = await importTfjsLayers(files.modelJson, async () => files.shard);
    const a = analyzeGraph(g), b = analyzeGraph(back.graph);
    expect(b.problems).toEqual([]);
    expect(b.nodes.map((n) => [n.name, n.op, n.shape])).toEqual(a.nodes.map((n) => [n.name, n.op, n.shape]));
    const x = randomInput([6, 6, 3], 1);
    const want = runReference(a, { x }, { seed: 3 }).tensors.get('leaky')!;
    const got = runReference(b, { [b.nodes[0].id]: x }, { weights: materializeWeights(b, 0, back.weights) }).tensors.get(b.outputs[0])!;
    expectClose(got.data, want.data, { atol: 1e-6, rtol: 1e-5 });
  });
});

describe('what training reads survives the round trip (fit --save, then fit or evaluate the saved model)', () => {
  it('trainable: false and the kernel, bias, activity, depthwise and gamma regularizers', async () => {
    const g = graph([
      { id: 'x', op: 'Input', attrs: { shape: [6, 6, 2] } },
      { id: 'conv', op: 'Conv2D', inputs: ['x'], attrs: { filters: 3, kernel_size: 3, trainable: false, kernel_regularizer: { l1: 0.01 }, bias_regularizer: { l2: 0.5 }, activity_regularizer: { l1: 0.02, l2: 0.03 } } },
      { id: 'bn', op: 'BatchNormalization', inputs: ['conv'], attrs: { trainable: false, gamma_regularizer: { l2: 0.1 } } },
      { id: 'dw', op: 'DepthwiseConv2D', inputs: ['bn'], attrs: { kernel_size: 3, depthwise_regularizer: { l2: 0.2 } } },
      { id: 'flat', op: 'Flatten', inputs: ['dw'] },
      { id: 'dense', op: 'Dense', inputs: ['flat'], attrs: { units: 2, kernel_regularizer: { l2: 0.01 } } },
    ], ['dense']);
    const files = exportKerasModel(g);
    const back = await importTfjsLayers(files.modelJson, async () => files.shard);
    const a = analyzeGraph(g), b = analyzeGraph(back.graph);
    expect(b.problems).toEqual([]);
    const training = (n: (typeof a.nodes)[number]) => [n.name, n.attrs.trainable, n.weights.map((w) => [w.name, w.regularizer]), n.attrs.activity_regularizer ?? null];
    expect(b.nodes.map(training)).toEqual(a.nodes.map(training));
    expect(b.totals).toEqual(a.totals);
  });
});

describe('the augmentation layers in model.json (TF.js Layers has none: our importer reads them back)', () => {
  it('RandomFlip, RandomTranslation and RandomCrop keep their Keras names and arguments', async () => {
    const g = graph([
      { id: 'x', op: 'Input', attrs: { shape: [10, 10, 3] } },
      { id: 'flip', op: 'RandomFlip', inputs: ['x'], attrs: { mode: 'vertical' } },
      { id: 'shift', op: 'RandomTranslation', inputs: ['flip'], attrs: { height_factor: 0.2, width_factor: [-0.1, 0.3], fill_mode: 'wrap', interpolation: 'nearest' } },
      { id: 'crop', op: 'RandomCrop', inputs: ['shift'], attrs: { height: 8, width: 6 } },
      { id: 'dense', op: 'Dense', inputs: ['crop'], attrs: { units: 2 } },
    ], ['dense']);
    const files = exportKerasModel(g);
    const layers = (files.modelJson as any).modelTopology.config.layers;
    expect(layers.slice(1, 4).map((l: any) => [l.class_name, l.config])).toMatchObject([
      ['RandomFlip', { mode: 'vertical' }],
      ['RandomTranslation', { height_factor: 0.2, width_factor: [-0.1, 0.3], fill_mode: 'wrap', interpolation: 'nearest' }],
      ['RandomCrop', { height: 8, width: 6 }],
    ]);
    const back = await importTfjsLayers(files.modelJson, async () => files.shard);
    const a = analyzeGraph(g), b = analyzeGraph(back.graph);
    expect(b.problems).toEqual([]);
    expect(b.nodes.map((n) => [n.name, n.op, n.shape, n.attrs])).toEqual(a.nodes.map((n) => [n.name, n.op, n.shape, n.attrs]));
  });
});

describe('exportKerasModel on the zoo: TF.js computes the same features', () => {
  // Small inputs keep TF.js' pure-JS CPU backend and our float64 reference quick; between them every block kind
  // of the zoo (residual v1/v2, Inception, separable, depthwise, inverted residual, dense, NASNet cells, SE).
  const cases: [string, number[], string][] = [
    ['ResNet50', [32, 32, 3], 'conv5_block3_out'],
    ['ResNet50V2', [32, 32, 3], 'post_relu'],
    ['InceptionV3', [75, 75, 3], 'mixed10'],
    ['Xception', [71, 71, 3], 'block14_sepconv2_act'],
    ['MobileNet', [32, 32, 3], 'conv_pw_13_relu'],
    ['MobileNetV2', [32, 32, 3], 'out_relu'],
    ['DenseNet121', [32, 32, 3], 'relu'],
    ['NASNetMobile', [32, 32, 3], 'activation_187'],
    ['EfficientNetB0', [32, 32, 3], 'top_activation'],
  ];
  expect(cases.map(([n]) => ZOO.some((e) => e.name === n))).not.toContain(false);
  for (const [name, shape, probe] of cases)
    it(`${name} at ${shape.join('×')} up to ${probe}`, async () => {
      const g = zooModel(name, { include_top: false, input_shape: shape });
      const report = analyzeGraph(g);
      const id = report.nodes.find((n) => n.name === probe)?.id;
      expect(id, `${name} has a layer ${probe}`).toBeDefined();
      await roundTrip({ ...g, outputs: [id!] });
    }, 120_000);
});

describe('deepwire export-keras FILE OUT.json', () => {
  it('writes model.json and its weights beside it; TF.js runs them as deepwire does', async () => {
    const { code, stdout, written } = await runCli(['export-keras', 'examples/resnet-bottleneck.json', 'out/keras/bottleneck.json']);
    expect(code).toBe(0);
    expect(stdout).toBe('out/keras/bottleneck.json + out/keras/bottleneck.weights.bin: 13 layers, 383,232 params (trainable 380,672, non-trainable 2,560), 1,532,928 bytes of weights\n');
    const modelJson = JSON.parse(new TextDecoder().decode(written.get('out/keras/bottleneck.json')));
    expect(modelJson.weightsManifest[0].paths).toEqual(['bottleneck.weights.bin']);
    const shard = written.get('out/keras/bottleneck.weights.bin')!;
    const graph = JSON.parse(await readFile(new URL('../../examples/resnet-bottleneck.json', import.meta.url), 'utf8')) as GraphFile;
    const report = analyzeGraph(graph);
    const x = randomInput([56, 56, 256], 3);
    const want = runReference(report, { input: x }, { seed: graph.seed ?? 0 }).tensors.get(report.outputs[0])!;
    const [got] = await tfjsOutputs(await loadInTfjs(modelJson, shard), x, [report.byId.get(report.outputs[0])!.name]);
    expectClose(got, want.data, { atol: 1e-4, rtol: 1e-3 });
  }, 120_000);
});
