// The pretrained backbones from nsfwjs@4.3.0: Keras' structure and parameter counts, the head never
// loaded, TF.js's numbers for the same files and photo, and first-layer maps that follow the photo.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../graph/analyze.ts';
import { imageToTensor } from '../io/image.ts';
import { base64ToBytes } from '../io/base64.ts';
import { readUmdExport } from '../io/umd-bundle.ts';
import { materializeWeights, runReference } from '../runtime/reference.ts';
import type { Tensor } from '../tensor.ts';
import { expectClose } from '../testing/expect-close.ts';
import { loadInTfjs, tfjsOutputs } from '../testing/tfjs-oracle.ts';
import { loadPretrained, PRETRAINED, type PretrainedModel } from './pretrained.ts';
import { nodeModelFiles } from './pretrained-node.ts';

const photo = (name: string) => new Uint8Array(readFileSync(new URL(`../../public/samples/${name}`, import.meta.url)));

const loaded = new Map<string, Promise<PretrainedModel>>();
const load = (name: string) => {
  if (!loaded.has(name)) loaded.set(name, loadPretrained(name, nodeModelFiles(PRETRAINED[name].folder)));
  return loaded.get(name)!;
};

/** The same files as TF.js reads them: the whole model (head included) from model.json and the joined shards. */
async function tfjsModel(name: string) {
  const { folder, shards } = PRETRAINED[name];
  const read = nodeModelFiles(folder);
  const modelJson = readUmdExport(await read('model.min.js'), 'model') as Parameters<typeof loadInTfjs>[0];
  const parts = [];
  for (let k = 1; k <= shards; k++) parts.push(base64ToBytes(readUmdExport(await read(`group1-shard${k}of${shards}.min.js`), 'shard') as string));
  const joined = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  parts.reduce((o, p) => (joined.set(p, o), o + p.length), 0);
  return loadInTfjs(modelJson, joined);
}

function runOurs(model: PretrainedModel, x: Tensor, outputs: string[]) {
  const report = analyzeGraph(model.graph);
  return runReference(report, { input_1: x }, { weights: materializeWeights(report, 0, model.weights), outputs }).tensors;
}

/** |got − want| ≤ 1e-3·max|want| everywhere: the "within 1e-3 relative", for activations that are often 0. */
function expectRelative(got: Float32Array, want: Float32Array, rel = 1e-3) {
  let peak = 0;
  for (const v of want) peak = Math.max(peak, Math.abs(v));
  expect(peak).toBeGreaterThan(0.1);
  expectClose(got, want, { atol: rel * peak, rtol: 0 });
}

describe('InceptionV3-pretrained', () => {
  it("is Keras' InceptionV3(include_top=False, pooling='avg'): 21,802,784 params, Keras layer names", async () => {
    const { graph, weights } = await load('InceptionV3-pretrained');
    const report = analyzeGraph(graph);
    expect(report.problems).toEqual([]);
    expect(report.totals).toMatchObject({ params: 21_802_784, trainable: 21_768_352, nonTrainable: 34_432 });
    expect(graph.nodes).toHaveLength(312);
    expect(graph.nodes.slice(0, 3).map((n) => `${n.id}:${n.op}`)).toEqual(['input_1:Input', 'conv2d_1:Conv2D', 'batch_normalization_1:BatchNormalization']);
    expect(graph.nodes.slice(-2).map((n) => `${n.id}:${n.op}`)).toEqual(['mixed10:Concatenate', 'avg_pool:GlobalAveragePool2D']);
    expect(report.byId.get('mixed2')!.shape).toEqual([35, 35, 288]);
    expect(report.byId.get('avg_pool')!.shape).toEqual([2048]);
    expect(weights.size).toBe(94 + 3 * 94); // conv kernels; BN beta, moving mean, moving variance (Keras' InceptionV3 BN has scale=False)
  });

  it('leaves the classification head out entirely: no head layer in the graph, no head weight decoded', async () => {
    const { graph, weights } = await load('InceptionV3-pretrained');
    const text = JSON.stringify(graph);
    for (const head of ['average_pooling2d_10', 'flatten_1', 'dense_', 'dropout_']) expect(text).not.toContain(head);
    expect([...weights.keys()].filter((k) => !/^(conv2d|batch_normalization)_\d+\//.test(k))).toEqual([]);
  });

  it('computes what TF.js computes for the same model files and photo, up to mixed2 (299×299, within 1e-3 relative)', async () => {
    const model = await load('InceptionV3-pretrained');
    const x = imageToTensor(photo('chelsea.png'), [299, 299, 3], { preprocess: model.def.preprocess }).tensor;
    const probes = ['activation_1', 'mixed0', 'mixed2'];
    const ours = runOurs(model, x, probes);
    const want = await tfjsOutputs(await tfjsModel('InceptionV3-pretrained'), x, probes);
    probes.forEach((id, k) => expectRelative(ours.get(id)!.data, want[k]));
  }, 120_000);

  it("has first-layer maps that follow the photo's edges and textures, not noise", async () => {
    const model = await load('InceptionV3-pretrained');
    const x = imageToTensor(photo('chelsea.png'), [299, 299, 3], { preprocess: 'unit' }).tensor;
    const report = analyzeGraph(model.graph);
    const outputs = ['conv2d_1', 'activation_1'];
    const trained = runReference(report, { input_1: x }, { weights: materializeWeights(report, 0, model.weights), outputs }).tensors;
    // the same net with Keras' initial weights (glorot_uniform, seeded): what untrained filters give
    const fresh = analyzeGraph({ ...model.graph, nodes: model.graph.nodes.map(({ weights: _, ...n }) => n) });
    const untrained = runReference(fresh, { input_1: x }, { seed: 0, outputs }).tensors;

    // 1. spatial structure: neighbouring pixels of a map agree; shuffled, the same values do not
    const maps = trained.get('activation_1')!;
    const live = channels(maps).filter((m) => variance(m) > 1e-6);
    expect(live.length).toBeGreaterThan(24);
    const neighbours = mean(live.map((m) => correlation(m.subarray(0, m.length - 1), m.subarray(1))));
    const shuffled = mean(live.map((m) => shuffle(m)).map((m) => correlation(m.subarray(0, m.length - 1), m.subarray(1))));
    expect(neighbours).toBeGreaterThan(0.5);
    expect(Math.abs(shuffled)).toBeLessThan(0.05);

    // 2. trained filters: R, G and B taps of a conv2d_1 kernel move together (luminance edges), untrained ones do not
    expect(rgbAgreement(materializeWeights(report, 0, model.weights).get('conv2d_1')!.kernel)).toBeGreaterThan(0.3);
    expect(Math.abs(rgbAgreement(materializeWeights(fresh, 0).get('conv2d_1')!.kernel))).toBeLessThan(0.15);

    // 3. edges: many more trained channels follow the photo's gradient magnitude than its brightness
    const { gradient, brightness } = photoFeatures(x);
    const edgeChannels = (conv: Tensor) => channels(conv).filter((m) => Math.abs(correlation(m.map(Math.abs), gradient)) > Math.abs(correlation(m, brightness))).length;
    const trainedEdges = edgeChannels(trained.get('conv2d_1')!);
    expect(trainedEdges).toBeGreaterThanOrEqual(8);
    expect(trainedEdges).toBeGreaterThan(edgeChannels(untrained.get('conv2d_1')!) + 4);
  }, 60_000);
});

describe('MobileNetV2-pretrained', () => {
  it("is Keras' MobileNetV2(include_top=False, pooling='avg'): 2,257,984 params", async () => {
    const { graph } = await load('MobileNetV2-pretrained');
    const report = analyzeGraph(graph);
    expect(report.problems).toEqual([]);
    expect(report.totals).toMatchObject({ params: 2_257_984, trainable: 2_223_872, nonTrainable: 34_112 });
    expect(report.byId.get('out_relu')!.shape).toEqual([7, 7, 1280]);
    expect(JSON.stringify(graph)).not.toContain('dense_');
  });

  it('computes what TF.js computes, the whole backbone (depthwise, ReLU6, padding, residual adds)', async () => {
    const model = await load('MobileNetV2-pretrained');
    const x = imageToTensor(photo('rocket.jpg'), [224, 224, 3], { preprocess: model.def.preprocess }).tensor;
    const probes = ['block_1_expand_relu', 'block_5_add', 'out_relu'];
    const ours = runOurs(model, x, probes);
    const want = await tfjsOutputs(await tfjsModel('MobileNetV2-pretrained'), x, probes);
    probes.forEach((id, k) => expectRelative(ours.get(id)!.data, want[k]));
  }, 120_000);
});

describe('loadPretrained: problems', () => {
  it('an unknown name lists the known ones', async () => {
    await expect(loadPretrained('ResNet50-pretrained', async () => '')).rejects.toThrow("no pretrained model 'ResNet50-pretrained'");
  });

  it('a model file that is not the data module, or a damaged shard', async () => {
    await expect(loadPretrained('MobileNetV2-pretrained', async () => 'module.exports = load();')).rejects.toThrow('mobilenet_v2/model.min.js exports no data literal');
    const real = nodeModelFiles('mobilenet_v2');
    const damaged = async (file: string) => (file === 'model.min.js' ? real(file) : 'n.exports="AAAA$AAA"');
    await expect(loadPretrained('MobileNetV2-pretrained', damaged)).rejects.toThrow(
      "cannot read the weight shard 'group1-shard1of1': mobilenet_v2/group1-shard1of1.min.js is not valid base64: character \"$\" at offset 4",
    );
  });
});

// ── statistics of maps ─────────────────────────────────────────────────────────────────────────

function channels(t: Tensor): Float64Array[] {
  const C = t.shape[t.shape.length - 1], n = t.data.length / C;
  return Array.from({ length: C }, (_, c) => Float64Array.from({ length: n }, (_, p) => t.data[p * C + c]));
}
function mean(v: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i];
  return sum / v.length;
}
function variance(v: Float64Array): number {
  const m = mean(v);
  return mean(v.map((x) => (x - m) ** 2));
}
function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const ma = mean(a), mb = mean(b);
  let ab = 0, aa = 0, bb = 0;
  for (let i = 0; i < a.length; i++) (ab += (a[i] - ma) * (b[i] - mb)), (aa += (a[i] - ma) ** 2), (bb += (b[i] - mb) ** 2);
  return ab / Math.sqrt(aa * bb);
}
function shuffle(v: Float64Array): Float64Array {
  const out = v.slice();
  let s = 12345;
  for (let i = out.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
/** Mean correlation, over the filters of a 3×3×3×F kernel, of the R and G taps and of the G and B taps. */
function rgbAgreement(kernel: Tensor): number {
  const F = kernel.shape[3];
  const taps = (f: number, c: number) => Array.from({ length: 9 }, (_, t) => kernel.data[(t * 3 + c) * F + f]);
  return mean(Array.from({ length: F }, (_, f) => (correlation(taps(f, 0), taps(f, 1)) + correlation(taps(f, 1), taps(f, 2))) / 2));
}
/** Luminance and its gradient magnitude at the centres of conv2d_1's windows (3×3, stride 2, valid: 149×149). */
function photoFeatures(x: Tensor): { gradient: Float64Array; brightness: Float64Array } {
  const W = x.shape[2];
  const lum = (i: number, j: number) => {
    const o = (i * W + j) * 3;
    return 0.299 * x.data[o] + 0.587 * x.data[o + 1] + 0.114 * x.data[o + 2];
  };
  const gradient = new Float64Array(149 * 149), brightness = new Float64Array(149 * 149);
  for (let i = 0; i < 149; i++)
    for (let j = 0; j < 149; j++) {
      const ci = 2 * i + 1, cj = 2 * j + 1;
      gradient[i * 149 + j] = Math.hypot(lum(ci, cj + 1) - lum(ci, cj - 1), lum(ci + 1, cj) - lum(ci - 1, cj));
      brightness[i * 149 + j] = lum(ci, cj);
    }
  return { gradient, brightness };
}
