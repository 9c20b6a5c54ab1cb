// The pretrained backbones on WebGPU against TF.js (CPU backend) loading the same nsfwjs model files:
// InceptionV3 on a 299×299 photo up to mixed2 (the whole network is bench/pretrained.ts), MobileNetV2 whole.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../graph/analyze.ts';
import { imageToTensor } from '../io/image.ts';
import { base64ToBytes, readUmdExport } from '../io/umd-bundle.ts';
import { Engine } from '../runtime/engine.ts';
import { runGraphOnGpu } from '../runtime/run-graph.ts';
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
  const want = await tfjsOutputs(await tfjsModel(name), x, probes.map((p) => as[p] ?? p));
  probes.forEach((id, k) => {
    const peak = want[k].reduce((a, v) => Math.max(a, Math.abs(v)), 0);
    expect(peak).toBeGreaterThan(0.1);
    expectClose(got.tensors.get(id)!.data, want[k], { atol: 1e-3 * peak, rtol: 0 });
  });
}

describe.skipIf(!gpu)('pretrained backbones on WebGPU = TF.js on the same files', () => {
  it('InceptionV3-pretrained, chelsea.png at 299×299, up to mixed2', () => compare('InceptionV3-pretrained', 'chelsea.png', ['activation_1', 'mixed0', 'mixed2']));

  // the package's 7×7 average pool + flatten over out_relu is our avg_pool (global average pool)
  it('MobileNetV2-pretrained, rocket.jpg at 224×224, the whole backbone', () =>
    compare('MobileNetV2-pretrained', 'rocket.jpg', ['block_5_add', 'out_relu', 'avg_pool'], { avg_pool: 'flatten_1' }));
});
