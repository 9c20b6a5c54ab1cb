// Fuzzing TF.js Layers import through the entry points the editor and the CLI use: importTfjsLayers
// (model.json + shards) and loadPretrained (the UMD-bundled model.min.js + base64 shards the model
// worker and `zoo:…-pretrained` read). Mutations: lying shapes (a 100 GB tensor), wrong dtypes and
// quantization fields, missing/duplicated/renamed weights, missing, truncated, flipped and padded
// shards, damaged topology values and damaged text. Every case must end in a graph or a clear
// message, within a time bound, holding no more than the files could (float32 ≤ 4 bytes per byte
// read), and a manifest that lies about sizes is refused before any shard is read. Prints the counts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../graph/analyze.ts';
import { loadPretrained } from '../models/pretrained.ts';
import { nsfwjsRoot } from '../models/pretrained-node.ts';
import { OpError } from '../ops/op.ts';
import { mutateText, seededRandom } from '../testing/mutate-graph.ts';
import { quantize, saveModel, tfjsCpu, type SavedModel } from '../testing/tfjs-oracle.ts';
import { importTfjsLayers, type ImportedModel } from './tfjs-layers.ts';

/** Per case; generous for a loaded 2-core machine (a valid case decodes a few hundred floats). */
const CASE_MS = 2_000;

const JUNK: unknown[] = [
  undefined, null, 0, -1, 1, 2.5, 1e9, 2 ** 31, 2 ** 53, 1e308, NaN, Infinity, '', 'x', 'float32', 'uint8', '🧠', true,
  [], [null], [-1], [1.5], [1e5, 1e5, 10], [2 ** 16, 2 ** 16, 2 ** 16], {}, { dtype: 'uint8' }, [[null, 1, 1, 3]],
];
const HUGE_SHAPES = [[100_000, 100_000, 10], [2 ** 31, 2], [1e308, 1e308], [4096, 4096, 4096, 4096], [2 ** 30, 3]];
const SHAPES = [...HUGE_SHAPES, [-1], [1.5], [], [0], [3, 'x'], 'x', null, [1, 1, 1, 1, 1, 1, 1]];
const DTYPES = ['float16', 'int32', 'bool', 'string', 'complex64', 'uint8', 'int64', 7, null, undefined];
const QUANTS: unknown[] = [
  { dtype: 'uint8' }, { dtype: 'uint8', min: '0', scale: 1 }, { dtype: 'uint16', min: NaN, scale: 0.1 }, { dtype: 'int4', min: 0, scale: 1 },
  { dtype: 'float16' }, { dtype: 'uint8', min: 0, scale: 1e308 }, { dtype: 'uint16', min: -1, scale: Infinity }, 'uint8', null, [], { dtype: null },
];

/** A small functional model with the layer kinds pretrained backbones use, its last layer named like MobileNetV2's. */
async function functionalModel() {
  const tf = await tfjsCpu();
  const L = tf.layers;
  const image = tf.input({ shape: [6, 6, 3], name: 'image' });
  const stem = L.conv2d({ filters: 4, kernelSize: 3, padding: 'same', name: 'stem' }).apply(image);
  const bn = L.batchNormalization({ name: 'bn' }).apply(stem);
  const relu = L.reLU({ maxValue: 6, name: 'relu6' }).apply(bn);
  const dw = L.depthwiseConv2d({ kernelSize: 3, padding: 'same', name: 'dw' }).apply(relu);
  const add = L.add({ name: 'add' }).apply([relu, dw] as any);
  const out = L.activation({ activation: 'relu', name: 'out_relu' }).apply(add);
  const gap = L.globalAveragePooling2d({ name: 'gap' }).apply(out);
  const probs = L.dense({ units: 3, activation: 'softmax', name: 'probs' }).apply(gap);
  return tf.model({ inputs: image, outputs: probs as any, name: 'fuzzed' });
}

async function sequentialModel() {
  const tf = await tfjsCpu();
  const L = tf.layers;
  return tf.sequential({ name: 'seq', layers: [
    L.conv2d({ inputShape: [5, 5, 2], filters: 3, kernelSize: 3, activation: 'relu', name: 'c1' }),
    L.maxPooling2d({ poolSize: 2, name: 'pool' }),
    L.flatten({ name: 'flat' }),
    L.dense({ units: 2, name: 'out' }),
  ] });
}

/** Keeps every weight's bytes but splits the shard in two, as the converter does for big models. */
function splitShard(saved: SavedModel): { model: any; shards: Record<string, Uint8Array> } {
  const model = structuredClone(saved.modelJson) as any;
  const half = saved.shard.length >> 1;
  model.weightsManifest[0].paths = ['group1-shard1of2.bin', 'group1-shard2of2.bin'];
  return { model, shards: { 'group1-shard1of2.bin': saved.shard.slice(0, half), 'group1-shard2of2.bin': saved.shard.slice(half) } };
}

type Case = { model: any; shards: Record<string, Uint8Array> };

/** Every path into a JSON value: [parent, key] pairs. */
function slots(v: unknown, out: [any, string | number][] = [], depth = 0): [any, string | number][] {
  if (depth > 40 || !v || typeof v !== 'object') return out;
  for (const k of Array.isArray(v) ? v.keys() : Object.keys(v)) {
    out.push([v, k]);
    slots((v as any)[k], out, depth + 1);
  }
  return out;
}

/** 1–3 edits of a clone: manifest fields, shards, or any value of the topology. */
function mutate(base: Case, rand: () => number): Case {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const model = structuredClone(base.model);
  const shards = { ...base.shards };
  for (let m = 1 + Math.floor(rand() * 3); m > 0; m--) {
    const groups: any[] = Array.isArray(model.weightsManifest) ? model.weightsManifest : [];
    const group = groups.length ? pick(groups) : undefined;
    const entries: any[] = Array.isArray(group?.weights) ? group.weights : [];
    const entry = entries.length ? pick(entries) : undefined;
    const names = Object.keys(shards);
    const shard = names.length ? pick(names) : undefined;
    const kind = Math.floor(rand() * 16);
    if (kind === 0 && entry) entry.shape = pick(SHAPES);
    else if (kind === 1 && entry) entry.dtype = pick(DTYPES);
    else if (kind === 2 && entry) entry.quantization = pick(QUANTS);
    else if (kind === 3 && entries.length) entries.splice(Math.floor(rand() * entries.length), 1);
    else if (kind === 4 && entry) entries.splice(Math.floor(rand() * entries.length), 0, structuredClone(entry));
    else if (kind === 5 && entry) entry.name = pick([`${String(entry.name)}_x`, 'stem/kernel', '', 7, null, String(entry.name).toUpperCase()]);
    else if (kind === 6 && group) group.paths = pick([[], ['missing.bin'], [5], 'group1-shard1of1.bin', [...(group.paths ?? []), ...(group.paths ?? [])], null]);
    else if (kind === 7) model.weightsManifest = pick([undefined, {}, [], [null], 'x', [{ paths: [] }], [{ weights: [] }], [...groups, ...groups]]);
    else if (kind === 8 && shard) shards[shard] = shards[shard].slice(0, Math.floor(rand() * shards[shard].length));
    else if (kind === 9 && shard) {
      const bytes = shards[shard].slice();
      for (let k = 1 + Math.floor(rand() * 8); k > 0 && bytes.length; k--) bytes[Math.floor(rand() * bytes.length)] ^= 1 << Math.floor(rand() * 8);
      shards[shard] = bytes;
    } else if (kind === 10 && shard) delete shards[shard];
    else if (kind === 11 && shard) shards[shard] = Uint8Array.from({ length: shards[shard].length + 1 + Math.floor(rand() * 64) }, (_, i) => shards[shard][i] ?? 0xff);
    else if (kind === 12 && entry) entry.shape = pick(HUGE_SHAPES); // the lying manifest, often
    else {
      // any value of model.json: wrong type, huge number, deleted key
      const all = slots(model.modelTopology);
      if (!all.length) continue;
      const [parent, key] = pick(all);
      if (rand() < 0.25) Array.isArray(parent) ? parent.splice(key as number, 1) : delete parent[key];
      else parent[key] = structuredClone(pick(JUNK));
    }
  }
  return { model, shards };
}

const reader = (shards: Record<string, Uint8Array>, reads: string[]) => async (path: string) => {
  reads.push(path);
  const bytes = shards[path];
  if (!bytes) throw new Error(`ENOENT: no such file '${path}'`);
  return bytes;
};

type Counts = Record<'imported' | 'refused' | 'refusedBeforeReading' | 'hugeClaims', number>;
const newCounts = (): Counts => ({ imported: 0, refused: 0, refusedBeforeReading: 0, hugeClaims: 0 });

/** Bytes of float32 the store holds. */
const held = (m: ImportedModel) => [...m.weights.values()].reduce((a, t) => a + t.data.byteLength, 0);

/** One case: a graph that checks out holding ≤ 4× the bytes read, or a message (never a TypeError, never a RangeError from a giant allocation). */
async function check(label: string, load: () => Promise<ImportedModel>, fileBytes: () => number, counts: Counts, reads: string[], huge = false): Promise<void> {
  const started = performance.now();
  try {
    const m = await load();
    expect(analyzeGraph(m.graph).ok, label).toBe(true);
    expect(held(m), label).toBeLessThanOrEqual(4 * fileBytes());
    expect(huge, `${label}: a manifest claiming a huge tensor was accepted`).toBe(false);
    counts.imported++;
  } catch (e) {
    const err = e as Error;
    const plain = err instanceof OpError || (err?.constructor === Error && !/^ENOENT/.test(err.message));
    expect(plain, `${label}: ${err?.stack ?? err}`).toBe(true);
    expect(err.message.length, label).toBeGreaterThan(10);
    expect(err.message, label).not.toMatch(/internal error|undefined|\[object Object\]|Cannot read|is not a function/);
    counts.refused++;
    if (!reads.length) counts.refusedBeforeReading++;
  }
  if (huge) {
    counts.hugeClaims++;
    expect(reads, `${label}: shards read although the manifest claims a huge tensor`).toEqual([]);
  }
  expect(performance.now() - started, label).toBeLessThan(CASE_MS);
}

/** Whether the model's manifest claims a weight past 2 G values (8 GB as float32). */
const claimsHuge = (model: any) => Array.isArray(model?.weightsManifest) && model.weightsManifest.some((g: any) => Array.isArray(g?.weights)
  && g.weights.some((w: any) => Array.isArray(w?.shape) && w.shape.every((d: unknown) => Number.isInteger(d) && (d as number) >= 0) && w.shape.reduce((a: number, d: number) => a * d, 1) > 2 ** 31));

/** A UMD module as nsfwjs ships them: `module.exports = <literal>`. */
const umd = (value: unknown) => `!function(e){e.exports=${JSON.stringify(value)}}(module);`;
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

describe('TF.js Layers models, fuzzed', () => {
  it('3 000 mutated manifests, shards and topologies: a graph or a message, every time', async () => {
    const f32 = await saveModel(await functionalModel());
    const seq = await saveModel(await sequentialModel());
    const bases: Case[] = [f32, quantize(f32, 'uint8'), quantize(f32, 'uint16'), seq, quantize(seq, 'uint8')].map((s) => ({ model: s.modelJson, shards: { 'weights.bin': s.shard } }));
    bases.push(splitShard(f32));
    // every base imports as it is
    for (const base of bases) await importTfjsLayers(base.model, reader(base.shards, []));
    const rand = seededRandom(20261126);
    const counts = newCounts();
    for (let i = 0; i < 3000; i++) {
      const { model, shards } = mutate(bases[i % bases.length], rand);
      const reads: string[] = [];
      const bytes = () => reads.reduce((a, p) => a + (shards[p]?.length ?? 0), 0);
      await check(`case ${i}`, () => importTfjsLayers(model, reader(shards, reads)), bytes, counts, reads, claimsHuge(model));
    }
    console.log(`fuzzed TF.js Layers models: ${JSON.stringify(counts)}`);
    expect(counts.refused).toBeGreaterThan(1000); // the error paths really run
    expect(counts.imported).toBeGreaterThan(200); // and so does the import of what stays valid (flipped weight bytes)
    expect(counts.hugeClaims).toBeGreaterThan(100);
  }, 300_000);

  it('1 000 damaged UMD texts through loadPretrained (model.min.js and base64 shards): a graph or a message', async () => {
    const saved = await saveModel(await functionalModel());
    const model = structuredClone(saved.modelJson) as any;
    model.weightsManifest[0].paths = ['group1-shard1of1'];
    const files = { 'model.min.js': umd(model), 'group1-shard1of1.min.js': umd(b64(saved.shard)) };
    await loadPretrained('MobileNetV2-pretrained', async (f) => files[f as keyof typeof files]);
    const rand = seededRandom(9);
    const counts = newCounts();
    for (let i = 0; i < 1000; i++) {
      const mutated = { ...files };
      const which = rand() < 0.5 ? 'model.min.js' : 'group1-shard1of1.min.js';
      mutated[which] = mutateText(mutated[which], rand);
      if (rand() < 0.2) mutated[which] = mutateText(mutated[which], rand);
      const reads: string[] = [];
      const read = async (f: string) => {
        if (f !== 'model.min.js') reads.push(f);
        return mutated[f as keyof typeof mutated];
      };
      const bytes = () => mutated['group1-shard1of1.min.js'].length; // base64 text: more than the bytes it holds
      await check(`UMD case ${i} (${which})`, () => loadPretrained('MobileNetV2-pretrained', read), bytes, counts, reads);
    }
    console.log(`fuzzed UMD model files: ${JSON.stringify(counts)}`);
    expect(counts.refused).toBeGreaterThan(400);
    expect(counts.imported).toBeGreaterThan(50);
  }, 300_000);

  it('a real MobileNetV2 (nsfwjs) with its manifest and shard damaged: 60 cases', async () => {
    const dir = join(nsfwjsRoot(), 'dist', 'models', 'mobilenet_v2');
    const text = readFileSync(join(dir, 'model.min.js'), 'utf8');
    const shardText = readFileSync(join(dir, 'group1-shard1of1.min.js'), 'utf8');
    const { readUmdExport } = await import('./umd-bundle.ts');
    const { base64ToBytes } = await import('./base64.ts');
    const base: Case = { model: readUmdExport(text, 'model.min.js'), shards: { 'group1-shard1of1': base64ToBytes(readUmdExport(shardText, 'shard') as string) } };
    const rand = seededRandom(4);
    const counts = newCounts();
    for (let i = 0; i < 60; i++) {
      const { model, shards } = mutate(base, rand);
      const reads: string[] = [];
      const bytes = () => reads.reduce((a, p) => a + (shards[p]?.length ?? 0), 0);
      // the backbone only, as the editor and CLI open it
      await check(`MobileNetV2 case ${i}`, () => importTfjsLayers(model, reader(shards, reads), { outputs: ['out_relu'] }), bytes, counts, reads, claimsHuge(model));
    }
    console.log(`fuzzed MobileNetV2: ${JSON.stringify(counts)}`);
    expect(counts.refused).toBeGreaterThan(10);
  }, 300_000);
});
