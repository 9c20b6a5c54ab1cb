// The whole pretrained backbone on a photo, three ways, from the same nsfwjs model files: deepwire on
// WebGPU, deepwire's CPU reference, and TF.js (pure-JS CPU backend) as the independent computation.
// `node --import ./bin/register.mjs bench/pretrained.ts [--model InceptionV3-pretrained] [--photo FILE]
//   [--backends webgpu,cpu,tfjs] [--write DIR]`; --write saves x.npy (the preprocessed photo) and the
// reference's outputs as NAME.npy, to check `deepwire run zoo:… --input DIR/x.npy --output NAME` against.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeGraph } from '../src/graph/analyze.ts';
import { imageToTensor } from '../src/io/image.ts';
import { writeNpy } from '../src/io/npy.ts';
import { base64ToBytes } from '../src/io/base64.ts';
import { readUmdExport } from '../src/io/umd-bundle.ts';
import { loadPretrained, PRETRAINED } from '../src/models/pretrained.ts';
import { nodeModelFiles } from '../src/models/pretrained-node.ts';
import { Engine } from '../src/runtime/engine.ts';
import { materializeWeights, runReference } from '../src/runtime/reference.ts';
import { runGraphOnGpu } from '../src/runtime/run-graph.ts';
import type { Tensor } from '../src/tensor.ts';
import { loadInTfjs, tfjsOutputs } from '../src/testing/tfjs-oracle.ts';

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  if (i >= 0) return process.argv[i + 1];
  return process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

const name = option('model') ?? 'InceptionV3-pretrained';
const def = PRETRAINED[name];
if (!def) throw new Error(`unknown model '${name}': use ${Object.keys(PRETRAINED).join(', ')}`);
const photo = option('photo') ?? new URL('../public/samples/chelsea.png', import.meta.url).pathname;
const backends = (option('backends') ?? 'webgpu,cpu,tfjs').split(',');
const writeDir = option('write');
const ms = (v: number) => (v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(1)} ms`);

// Our tensors and the TF.js layers they are compared with: an early block, the backbone's end, and our
// avg_pool against the package's own average pool over the whole map + flatten (flatten_1 in both models).
const early = def.name === 'InceptionV3-pretrained' ? 'mixed2' : 'block_5_add';
const ours = [early, def.backboneEnd, 'avg_pool'];
const theirs = [early, def.backboneEnd, 'flatten_1'];

let t = performance.now();
const model = await loadPretrained(name, nodeModelFiles(def.folder));
console.log(`${name}: loaded in ${ms(performance.now() - t)}; ${model.notes.join('; ')}`);
const x = imageToTensor(new Uint8Array(readFileSync(photo)), def.inputShape, { preprocess: def.preprocess }).tensor;
const report = analyzeGraph(model.graph);
console.log(`photo ${photo} → ${x.shape.join('×')} (crop, ${def.preprocess}); ${(report.totals.flops / 1e9).toFixed(2)} GFLOPs`);

const results: Record<string, Tensor[]> = {};
if (backends.includes('tfjs')) {
  t = performance.now();
  const read = nodeModelFiles(def.folder);
  const modelJson = readUmdExport(await read('model.min.js'), 'model') as Parameters<typeof loadInTfjs>[0];
  const parts: Uint8Array[] = [];
  for (let k = 1; k <= def.shards; k++) parts.push(base64ToBytes(readUmdExport(await read(`group1-shard${k}of${def.shards}.min.js`), 'shard') as string));
  const joined = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  parts.reduce((o, p) => (joined.set(p, o), o + p.length), 0);
  const tfModel = await loadInTfjs(modelJson, joined);
  const loadMs = performance.now() - t;
  t = performance.now();
  const out = await tfjsOutputs(tfModel, x, theirs);
  console.log(`tfjs (CPU backend): ${ms(performance.now() - t)} (+ ${ms(loadMs)} to load)`);
  results.tfjs = out.map((data, k) => ({ shape: [1, ...report.byId.get(ours[k])!.shape!], data }));
}
if (backends.includes('cpu')) {
  t = performance.now();
  const run = runReference(report, { input_1: x }, { weights: materializeWeights(report, 0, model.weights), outputs: ours });
  console.log(`deepwire CPU reference: ${ms(performance.now() - t)}`);
  results.cpu = ours.map((id) => run.tensors.get(id)!);
}
if (backends.includes('webgpu')) {
  const engine = await Engine.create();
  t = performance.now();
  const first = await runGraphOnGpu(engine, report, { input_1: x }, { seed: 0, outputs: ours, store: model.weights, timing: true });
  const firstMs = performance.now() - t;
  const again = await runGraphOnGpu(engine, report, { input_1: x }, { seed: 0, outputs: ours, store: model.weights, timing: true });
  console.log(`deepwire WebGPU (${engine.info.description}): first run ${ms(firstMs)} wall, compile included; GPU time ${ms(again.timings!.totalMs)} (${again.timings!.source})`);
  results.webgpu = ours.map((id) => first.tensors.get(id)!);
  engine.device.destroy();
}

const reference = results.tfjs ? 'tfjs' : 'cpu';
const others = Object.keys(results).filter((b) => b !== reference);
console.log(`\n| tensor | shape | ${others.map((b) => `max |${b} − ${reference}| / max |${reference}|`).join(' | ')} |`);
console.log(`|---|---|${others.map(() => '---:').join('|')}|`);
ours.forEach((id, k) => {
  const want = results[reference]?.[k];
  if (!want) return;
  let peak = 0;
  for (const v of want.data) peak = Math.max(peak, Math.abs(v));
  const cells = others.map((b) => {
    const got = results[b][k].data;
    let worst = 0;
    for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i] - want.data[i]));
    return (worst / peak).toExponential(2);
  });
  console.log(`| ${id}${id !== theirs[k] && reference === 'tfjs' ? ` (TF.js: ${theirs[k]})` : ''} | ${want.shape.join('×')} | ${cells.join(' | ')} |`);
});

if (writeDir) {
  mkdirSync(writeDir, { recursive: true });
  writeFileSync(join(writeDir, 'x.npy'), writeNpy(x));
  ours.forEach((id, k) => writeFileSync(join(writeDir, `${id}.npy`), writeNpy(results[reference][k])));
  console.log(`\nwrote ${writeDir}/x.npy and ${reference}'s ${ours.map((id) => `${id}.npy`).join(', ')}`);
}
