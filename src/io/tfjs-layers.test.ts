import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../graph/analyze.ts';
import { materializeWeights, runReference } from '../runtime/reference.ts';
import { tensor } from '../tensor.ts';
import { expectClose } from '../testing/expect-close.ts';
import { loadInTfjs, quantize, saveModel, tfjsCpu, tfjsOutputs, type SavedModel } from '../testing/tfjs-oracle.ts';
import { importTfjsLayers, topologyToGraph, type ManifestGroup } from './tfjs-layers.ts';

/** mulberry32: repeatable pseudo-random numbers in [0, 1). */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let r = Math.imul(s ^ (s >>> 15), 1 | s);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

/** Every layer InceptionV3 and MobileNetV2 use, and a few more, built by TF.js with random weights (BN statistics included). */
async function mixedModel() {
  const tf = await tfjsCpu();
  const L = tf.layers;
  const image = tf.input({ shape: [9, 9, 3], name: 'image' });
  const stem = L.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', name: 'stem' }).apply(image);
  const bn = L.batchNormalization({ name: 'bn' }).apply(stem);
  const act = L.activation({ activation: 'relu', name: 'act' }).apply(bn);
  const pool = L.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same', name: 'pool' }).apply(act);
  const proj = L.conv2d({ filters: 2, kernelSize: 1, strides: 2, useBias: false, name: 'proj' }).apply(act);
  const cat = L.concatenate({ name: 'cat' }).apply([pool, proj] as any);
  const dw = L.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, name: 'dw' }).apply(cat);
  const relu6 = L.reLU({ maxValue: 6, name: 'relu6' }).apply(dw);
  const pad = L.zeroPadding2d({ padding: [[1, 0], [0, 1]], name: 'pad' }).apply(relu6);
  const avg = L.averagePooling2d({ poolSize: 2, padding: 'same', name: 'avg' }).apply(pad);
  const sep = L.separableConv2d({ filters: 12, kernelSize: 1, name: 'sep' }).apply(avg);
  const add = L.add({ name: 'add' }).apply([avg, sep] as any);
  const gap = L.globalAveragePooling2d({ name: 'gap' }).apply(add);
  const drop = L.dropout({ rate: 0.3, name: 'drop' }).apply(gap);
  const probs = L.dense({ units: 5, activation: 'softmax', name: 'probs' }).apply(drop);
  const model = tf.model({ inputs: image, outputs: probs as any, name: 'mixed' });
  const next = random(7);
  model.setWeights(model.weights.map((w) => {
    const shape = w.shape as number[];
    const positive = w.name.includes('variance');
    return tf.tensor(Float32Array.from({ length: shape.reduce((a, d) => a * d, 1) }, () => (positive ? 0.5 + next() : next() * 2 - 1)), shape);
  }));
  return model;
}

const shardReader = (bytes: Uint8Array, calls: string[] = []) => async (path: string) => {
  calls.push(path);
  return bytes;
};

async function runImported(saved: SavedModel, x: Float32Array, outputs: string[]) {
  const { graph, weights } = await importTfjsLayers(saved.modelJson, shardReader(saved.shard));
  const report = analyzeGraph(graph);
  expect(report.problems).toEqual([]);
  const { tensors } = runReference(report, { image: tensor([1, 9, 9, 3], x) }, { weights: materializeWeights(report, 0, weights), outputs });
  return { graph, tensors };
}

describe('importTfjsLayers: a model TF.js saved', () => {
  const next = random(3);
  const x = Float32Array.from({ length: 9 * 9 * 3 }, () => next());
  const probes = ['bn', 'cat', 'relu6', 'add', 'probs'];

  it('keeps the Keras layer names and maps every layer to its op', async () => {
    const saved = await saveModel(await mixedModel());
    const { graph } = await runImported(saved, x, ['probs']);
    expect(graph.name).toBe('mixed');
    expect(graph.nodes.map((n) => `${n.id}:${n.op}`)).toEqual([
      'image:Input', 'stem:Conv2D', 'bn:BatchNormalization', 'act:Activation', 'pool:MaxPool2D', 'proj:Conv2D', 'cat:Concatenate',
      'dw:DepthwiseConv2D', 'relu6:ReLU', 'pad:ZeroPadding2D', 'avg:AveragePool2D', 'sep:SeparableConv2D', 'add:Add',
      'gap:GlobalAveragePool2D', 'drop:Dropout', 'probs:Dense',
    ]);
    expect(graph.outputs).toEqual(['probs']);
    const byId = Object.fromEntries(graph.nodes.map((n) => [n.id, n]));
    expect(byId.stem.attrs).toMatchObject({ filters: 4, kernel_size: [3, 3], padding: 'same', activation: 'relu', use_bias: true });
    expect(byId.dw.attrs).toMatchObject({ depth_multiplier: 2, use_bias: true });
    expect(byId.relu6.attrs).toMatchObject({ max_value: 6 });
    expect(byId.stem.weights).toEqual({ kernel: 'stem/kernel', bias: 'stem/bias' });
    expect(byId.bn.weights).toEqual({ gamma: 'bn/gamma', beta: 'bn/beta', moving_mean: 'bn/moving_mean', moving_variance: 'bn/moving_variance' });
    expect(byId.proj.weights).toEqual({ kernel: 'proj/kernel' });
    expect(byId.cat.inputs).toEqual(['pool', 'proj']);
  });

  it('computes what TF.js computes, layer by layer (float32 weights)', async () => {
    const model = await mixedModel();
    const saved = await saveModel(model);
    const { tensors } = await runImported(saved, x, probes);
    const want = await tfjsOutputs(model, { shape: [1, 9, 9, 3], data: x }, probes);
    probes.forEach((id, k) => expectClose(tensors.get(id)!.data, want[k], { atol: 1e-5, rtol: 1e-4 }));
  });

  it.each(['uint8', 'uint16'] as const)('computes what TF.js computes with %s-quantised weights', async (dtype) => {
    const saved = quantize(await saveModel(await mixedModel()), dtype);
    const { tensors } = await runImported(saved, x, probes);
    const want = await tfjsOutputs(await loadInTfjs(saved.modelJson, saved.shard), { shape: [1, 9, 9, 3], data: x }, probes);
    probes.forEach((id, k) => expectClose(tensors.get(id)!.data, want[k], { atol: 1e-5, rtol: 1e-4 }));
  });

  it('imports a Sequential model: an Input named after the first layer, the last layer the output', async () => {
    const tf = await tfjsCpu();
    const model = tf.sequential({ layers: [
      tf.layers.conv2d({ inputShape: [6, 6, 1], filters: 2, kernelSize: 3, name: 'c1' }),
      tf.layers.flatten({ name: 'flat' }),
      tf.layers.dense({ units: 3, name: 'out' }),
    ] });
    const saved = await saveModel(model);
    const { graph, weights } = await importTfjsLayers(saved.modelJson, shardReader(saved.shard));
    expect(graph.nodes.map((n) => [n.id, n.op, n.inputs])).toEqual([['c1_input', 'Input', []], ['c1', 'Conv2D', ['c1_input']], ['flat', 'Flatten', ['c1']], ['out', 'Dense', ['flat']]]);
    const report = analyzeGraph(graph);
    const x6 = Float32Array.from({ length: 36 }, (_, i) => Math.sin(i));
    const got = runReference(report, { c1_input: tensor([1, 6, 6, 1], x6) }, { weights: materializeWeights(report, 0, weights) }).tensors.get('out')!;
    const [want] = await tfjsOutputs(model, { shape: [1, 6, 6, 1], data: x6 }, ['out']);
    expectClose(got.data, want, { atol: 1e-5, rtol: 1e-4 });
  });

  it("imports Keras' gelu (a layer's activation and an Activation layer) and computes what TF.js computes", async () => {
    const tf = await tfjsCpu();
    const model = tf.sequential({ layers: [
      tf.layers.conv2d({ inputShape: [5, 5, 2], filters: 3, kernelSize: 3, activation: 'gelu' as any, name: 'c1' }),
      tf.layers.activation({ activation: 'gelu' as any, name: 'act' }),
    ] });
    const saved = await saveModel(model);
    const { graph, weights } = await importTfjsLayers(saved.modelJson, shardReader(saved.shard));
    expect(graph.nodes.map((n) => [n.id, n.op, n.attrs?.activation])).toEqual([['c1_input', 'Input', undefined], ['c1', 'Conv2D', 'gelu'], ['act', 'Activation', 'gelu']]);
    const report = analyzeGraph(graph);
    // Inputs to ±6, so the conv's outputs reach far into gelu's negative tail.
    const x = Float32Array.from({ length: 50 }, (_, i) => 6 * Math.sin(1.7 * i));
    const got = runReference(report, { c1_input: tensor([1, 5, 5, 2], x) }, { weights: materializeWeights(report, 0, weights) }).tensors.get('act')!;
    const [want] = await tfjsOutputs(model, { shape: [1, 5, 5, 2], data: x }, ['act']);
    expectClose(got.data, want, { atol: 1e-5, rtol: 1e-4 });
  });
});

/** A Keras 2.2.4 model.json (as the Python converter writes it): x (1×1×2) → Dense fc (2 units). */
function tiny(fc: Record<string, unknown> = {}) {
  return {
    modelTopology: {
      keras_version: '2.2.4', backend: 'tensorflow',
      model_config: { class_name: 'Model', config: { name: 'tiny', layers: [
        { name: 'x', class_name: 'InputLayer', config: { batch_input_shape: [null, 1, 1, 2], dtype: 'float32', name: 'x' }, inbound_nodes: [] },
        { name: 'fc', class_name: 'Dense', config: { name: 'fc', units: 2, activation: 'linear', use_bias: true, ...fc }, inbound_nodes: [[['x', 0, 0, {}]]] },
      ], input_layers: [['x', 0, 0]], output_layers: [['fc', 0, 0]] } },
    },
    weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: [
      { name: 'fc/kernel', shape: [2, 2], dtype: 'float32', quantization: { dtype: 'uint16', min: -1, scale: 0.5 } },
      { name: 'fc/bias', shape: [2], dtype: 'float32', quantization: { dtype: 'float16' } },
    ] }] as ManifestGroup[],
  };
}
// uint16 LE 0, 1, 2, 65535 → -1, -0.5, 0, 32766.5; float16 0x3C00, 0xC000 → 1, -2
const TINY_SHARD = Uint8Array.from([0, 0, 1, 0, 2, 0, 0xff, 0xff, 0x00, 0x3c, 0x00, 0xc0]);

describe('importTfjsLayers: weights', () => {
  it('dequantises uint16 (q·scale + min) and float16 exactly', async () => {
    const { weights, graph } = await importTfjsLayers(tiny(), shardReader(TINY_SHARD));
    expect([...weights.get('fc/kernel')!.data]).toEqual([-1, -0.5, 0, 32766.5]);
    expect([...weights.get('fc/bias')!.data]).toEqual([1, -2]);
    expect(graph.nodes[1].weights).toEqual({ kernel: 'fc/kernel', bias: 'fc/bias' });
  });

  it('dequantises uint8 as TF.js does, with the weights spread over two shards', async () => {
    const model = tiny();
    model.weightsManifest[0].paths = ['a.bin', 'b.bin'];
    model.weightsManifest[0].weights[0].quantization = { dtype: 'uint8', min: -1, scale: 2 / 255 };
    const shards: Record<string, Uint8Array> = { 'a.bin': Uint8Array.from([0, 255, 128]), 'b.bin': Uint8Array.from([1, 0x00, 0x3c, 0x00, 0xc0]) };
    const { weights } = await importTfjsLayers(model, async (p) => shards[p]);
    expectClose(weights.get('fc/kernel')!.data, [-1, 1, -1 + 256 / 255, -1 + 2 / 255], { atol: 1e-7, rtol: 0 });
  });

  it('shares the weights of a layer called twice (one node per call)', async () => {
    const model = tiny();
    const layers = model.modelTopology.model_config.config.layers;
    layers[1].inbound_nodes = [[['x', 0, 0, {}]], [['fc', 0, 0, {}]]];
    model.modelTopology.model_config.config.output_layers = [['fc', 1, 0]];
    const { graph, weights } = await importTfjsLayers(model, shardReader(TINY_SHARD));
    expect(graph.nodes.map((n) => [n.id, n.inputs, n.weights?.kernel])).toEqual([['x', [], undefined], ['fc', ['x'], 'fc/kernel'], ['fc_call1', ['fc'], 'fc/kernel']]);
    const report = analyzeGraph(graph);
    const y = runReference(report, { x: tensor([1, 1, 1, 2], [1, 1]) }, { weights: materializeWeights(report, 0, weights) }).tensors.get('fc_call1')!;
    // fc([1, 1]) = [1, 1]·[[-1, -0.5], [0, 32766.5]] + [1, -2] = [0, 32764]; again: [0·-1 + 32764·0 + 1, 0·-0.5 + 32764·32766.5 − 2]
    expect([...y.data]).toEqual([1, Math.fround(32764 * 32766.5 - 2)]);
  });

  it('reads Keras 3 call records (keras_history) and batch_shape', () => {
    const model = tiny();
    const [x, fc] = model.modelTopology.model_config.config.layers as any[];
    x.config = { batch_shape: [null, 1, 1, 2], name: 'x' };
    fc.inbound_nodes = [{ args: [{ class_name: '__keras_tensor__', config: { shape: [null, 1, 1, 2], keras_history: ['x', 0, 0] } }], kwargs: {} }];
    const { graph } = topologyToGraph(model.modelTopology);
    expect(graph.nodes.map((n) => [n.id, n.attrs, n.inputs])).toEqual([['x', { shape: [1, 1, 2] }, []], ['fc', { units: 2, use_bias: true, activation: 'linear' }, ['x']]]);
  });

  it('reads Keras 3 augmentation layers as Keras 3 writes their configs (seed and data_format not kept)', () => {
    const model = tiny();
    const layers = model.modelTopology.model_config.config.layers as any[];
    const call = (name: string) => [[name, 0, 0, {}]];
    const common = { seed: 1337, data_format: 'channels_last', trainable: true, dtype: 'float32' };
    layers.splice(1, 0,
      { name: 'flip', class_name: 'RandomFlip', config: { name: 'flip', mode: 'horizontal', ...common }, inbound_nodes: call('x') },
      { name: 'shift', class_name: 'RandomTranslation', config: { name: 'shift', height_factor: [-0.2, 0.3], width_factor: 0.1, fill_mode: 'reflect', interpolation: 'bilinear', fill_value: 0, ...common }, inbound_nodes: call('flip') },
      { name: 'crop', class_name: 'RandomCrop', config: { name: 'crop', height: 1, width: 1, ...common }, inbound_nodes: call('shift') });
    layers[4].inbound_nodes = call('crop');
    const { graph } = topologyToGraph(model.modelTopology);
    expect(graph.nodes.slice(1, 4).map((n) => [n.op, n.attrs])).toEqual([
      ['RandomFlip', { mode: 'horizontal' }],
      ['RandomTranslation', { height_factor: [-0.2, 0.3], width_factor: 0.1, fill_mode: 'reflect', interpolation: 'bilinear', fill_value: 0 }],
      ['RandomCrop', { height: 1, width: 1 }],
    ]);
    expect(analyzeGraph(graph).problems).toEqual([]);
  });

  it('keeps only what the chosen outputs need, and says what it left out', () => {
    const model = tiny();
    const { graph, notes } = topologyToGraph(model.modelTopology, { outputs: ['x'] });
    expect(graph.nodes.map((n) => n.id)).toEqual(['x']);
    expect(graph.outputs).toEqual(['x']);
    expect(notes).toEqual(['kept the 1 layers up to x; left out the 1 after them']);
    // a layer deepwire cannot import is no obstacle when it is cut off
    (model.modelTopology.model_config.config.layers[1] as any).class_name = 'Lambda';
    expect(topologyToGraph(model.modelTopology, { outputs: ['x'] }).graph.nodes).toHaveLength(1);
    expect(() => topologyToGraph(model.modelTopology)).toThrow("layer 'fc' is a Lambda");
  });
});

describe('importTfjsLayers: problems are messages, and nothing is half-loaded', () => {
  const fails = async (model: unknown, message: string | RegExp, read = shardReader(TINY_SHARD), options = {}) => {
    await expect(importTfjsLayers(model, read, options)).rejects.toThrow(message);
  };

  it('an unsupported layer is named, with the supported ones listed', async () => {
    const model = tiny();
    (model.modelTopology.model_config.config.layers[1] as any).class_name = 'Lambda';
    await fails(model, "layer 'fc' is a Lambda, which deepwire cannot import");
    const hint = await importTfjsLayers(model, shardReader(TINY_SHARD)).catch((e) => e.hint);
    expect(hint).toMatch(/^deepwire imports InputLayer, Conv2D, DepthwiseConv2D, .*; import only the layers before it/);
  });

  it('a nested model, channels_first, a free input size, an unknown output', async () => {
    const nested = tiny();
    (nested.modelTopology.model_config.config.layers[1] as any).class_name = 'Functional';
    await fails(nested, "layer 'fc' is a whole Functional model nested inside this one");
    await fails(tiny({ data_format: 'channels_first' }), "layer 'fc' (Dense) is channels_first");
    const free = tiny();
    (free.modelTopology.model_config.config.layers[0].config as any).batch_input_shape = [null, null, null, 2];
    await fails(free, "Input 'x' has a free size (?×?×2)");
    await fails(tiny(), "'fx' is not a layer of this model", undefined, { outputs: ['fx'] });
  });

  it('an activation deepwire lacks fails the import, naming the layer', async () => {
    await fails(tiny({ activation: 'log_softmax' }), /^the imported model does not check out: fc: .*log_softmax/);
  });

  it('a graph model or a foreign file says what it is', async () => {
    await fails({ modelTopology: { node: [], versions: {} } }, 'this is a TF.js graph model (a converted SavedModel), not a Layers model');
    await fails([1, 2], 'model.json must hold a JSON object with "modelTopology" and "weightsManifest"');
    await fails({ modelTopology: { class_name: 'Conv2D', config: {} } }, "model.json describes a 'Conv2D', not a Keras Functional or Sequential model");
  });

  it('a weight missing from the manifest, or of the wrong shape', async () => {
    const missing = tiny();
    missing.weightsManifest[0].weights[1].name = 'dense/bias';
    await fails(missing, "layer 'fc' (Dense) needs the weight 'bias', which the manifest does not list (it should be 'fc/bias')");
    const wrong = tiny();
    wrong.weightsManifest[0].weights[0].shape = [2, 3];
    await fails(wrong, "weight 'fc/kernel' is 2×3 in the manifest, but layer 'fc' needs 2×2");
  });

  it('a manifest claiming a 100 GB tensor fails before any shard is read or anything allocated', async () => {
    const huge = tiny();
    huge.weightsManifest[0].weights.push({ name: 'head/kernel', shape: [100_000, 250_000], dtype: 'float32' });
    const calls: string[] = [];
    // the claim is refused while the manifest is read, before the shard reader is ever called
    await fails(huge, "weight 'head/kernel' claims 100000×250000 = 2.50e+10 values (100 GB as float32), more than any layer holds", shardReader(TINY_SHARD, calls));
    expect(calls).toEqual([]);
  });

  it('a truncated shard, or one that cannot be read', async () => {
    await fails(tiny(), 'the weight shards group1-shard1of1.bin hold 7 bytes, the manifest says 12 bytes: they are truncated or do not belong to this model.json', shardReader(TINY_SHARD.subarray(0, 7)));
    await fails(tiny(), "cannot read the weight shard 'group1-shard1of1.bin': ENOENT", async () => {
      throw new Error('ENOENT');
    });
  });

  it('an unknown quantisation, or a weight without min and scale', async () => {
    const q = tiny();
    q.weightsManifest[0].weights[0].quantization = { dtype: 'int4' };
    await fails(q, `weight 'fc/kernel' has an unknown quantization "int4"`);
    const bare = tiny();
    bare.weightsManifest[0].weights[0].quantization = { dtype: 'uint8' };
    await fails(bare, "weight 'fc/kernel' is uint8-quantised without a finite min and scale");
  });
});
