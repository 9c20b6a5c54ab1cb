// The pretrained backbones on WebGPU against TF.js (CPU backend) loading the same nsfwjs model files:
// InceptionV3 on a 299×299 photo up to mixed2 (the whole network is bench/pretrained.ts), MobileNetV2 whole;
// and `deepwire run zoo:InceptionV3-pretrained --input X.npy --output mixed2` (the CLI, on WebGPU) likewise.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../graph/analyze.ts';
import { runCli } from '../testing/cli-run.ts';
import { imageToTensor } from '../io/image.ts';
import { readNpy, writeNpy } from '../io/npy.ts';
import { base64ToBytes } from '../io/base64.ts';
import { readUmdExport } from '../io/umd-bundle.ts';
import { Engine } from '../runtime/engine.ts';
import { runGraphOnGpu } from '../runtime/run-graph.ts';
import type { Tensor } from '../tensor.ts';
import { expectClose } from '../testing/expect-close.ts';
import { testGpu } from '../testing/gpu.ts';
import { loadInTfjs, tfjsOutputs } from '../testing/tfjs-oracle.ts';
import { featureGraph } from './features.ts';
import { loadPretrained, PRETRAINED } from './pretrained.ts';
import { nodeModelFiles } from './pretrained-node.ts';

const gpu = await testGpu();
const engine = gpu ? await Engine.create(async () => gpu) : null;
const photo = (name: string) => new Uint8Array(readFileSync(new URL(`../../public/samples/${name}`, import.meta.url)));

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

/** TF.js's outputs, once per model, photo and probe list (TF.js on the CPU is the slow part). */
const tfjsRuns = new Map<string, Promise<Float32Array[]>>();
function tfjsOnce(name: string, file: string, x: Tensor, layers: string[]): Promise<Float32Array[]> {
  const key = `${name}|${file}|${layers.join()}`;
  if (!tfjsRuns.has(key)) tfjsRuns.set(key, tfjsModel(name).then((m) => tfjsOutputs(m, x, layers)));
  return tfjsRuns.get(key)!;
}

/** max |got − want| ≤ 1e-3 · max |want|: the "within 1e-3 relative", for activations that are often 0. */
function expectRelative(got: Float32Array, want: Float32Array) {
  expect(got.length).toBe(want.length);
  const peak = want.reduce((a, v) => Math.max(a, Math.abs(v)), 0);
  expect(peak).toBeGreaterThan(0.1);
  expectClose(got, want, { atol: 1e-3 * peak, rtol: 0 });
}

/**
 * Runs `name` on WebGPU up to `probes` and compares each with TF.js: |got − want| ≤ 1e-3·max|want|.
 * `as` names the TF.js layer to compare a probe with where it differs (our avg_pool vs the model's own pool + flatten).
 */
async function compare(name: string, file: string, probes: string[], as: Record<string, string> = {}) {
  const model = await loadPretrained(name, nodeModelFiles(PRETRAINED[name].folder));
  const [H, W, C] = model.def.inputShape;
  const x = imageToTensor(photo(file), [H, W, C], { preprocess: model.def.preprocess }).tensor;
  const report = analyzeGraph(featureGraph(model.graph, analyzeGraph(model.graph), probes));
  const got = await runGraphOnGpu(engine!, report, { input_1: x }, { seed: 0, outputs: probes, store: model.weights });
  const want = await tfjsOnce(name, file, x, probes.map((p) => as[p] ?? p));
  probes.forEach((id, k) => expectRelative(got.tensors.get(id)!.data, want[k]));
}


describe.skipIf(!gpu)('pretrained backbones on WebGPU = TF.js on the same files', () => {
  it('InceptionV3-pretrained, chelsea.png at 299×299, up to mixed2', () => compare('InceptionV3-pretrained', 'chelsea.png', ['activation_1', 'mixed0', 'mixed2']));

  it('deepwire run zoo:InceptionV3-pretrained --input X.npy --output mixed2 writes what TF.js computes', async () => {
    // X.npy: an already preprocessed 1×299×299×3 tensor, here the photo in [0, 1] ('unit', what the weights expect).
    const x = imageToTensor(photo('chelsea.png'), [299, 299, 3], { preprocess: 'unit' }).tensor;
    const path = join(mkdtempSync(join(tmpdir(), 'deepwire-pretrained-')), 'x.npy');
    writeFileSync(path, writeNpy(x));
    const run = await runCli(['run', 'zoo:InceptionV3-pretrained', '--input', path, '--output', 'mixed2']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('nsfwjs@4.3.0');
    expect(run.stdout).toMatch(/out\/mixed2\.npy: 1×35×35×288/);
    expect([...run.written.keys()]).toEqual(['out/mixed2.npy']);
    const got = readNpy(run.written.get('out/mixed2.npy')!);
    expect(got.shape).toEqual([1, 35, 35, 288]);
    const [want] = await tfjsOnce('InceptionV3-pretrained', 'chelsea.png', x, ['activation_1', 'mixed0', 'mixed2']).then((w) => w.slice(2));
    expectRelative(got.data, want);
  });

  // the package's 7×7 average pool + flatten over out_relu is our avg_pool (global average pool)
  it('MobileNetV2-pretrained, rocket.jpg at 224×224, the whole backbone', () =>
    compare('MobileNetV2-pretrained', 'rocket.jpg', ['block_5_add', 'out_relu', 'avg_pool'], { avg_pool: 'flatten_1' }));
});
