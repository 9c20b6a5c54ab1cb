// The weights of a TF.js Layers model: the manifest (groups of weights laid end to end over binary
// shards) checked against what the graph's layers need before any shard is read, then the needed
// weights decoded to float32: q·scale + min for uint8/uint16, IEEE half for float16.
// Reference: tfjs-core/src/io/io_utils.ts (decodeWeights), tensorflowjs/quantization.py.
import type { GraphReport } from '../graph/analyze.ts';
import type { GraphFile } from '../graph/types.ts';
import { OpError } from '../ops/op.ts';
import type { WeightStore } from '../runtime/reference.ts';
import { formatShape } from '../tensor.ts';

const isObject = (v: unknown): v is Record<string, any> => !!v && typeof v === 'object' && !Array.isArray(v);
function fail(message: string, hint?: string): never {
  throw new OpError(message, hint);
}

/** Reads one weight shard, by its path in the manifest (relative to model.json). */
export type ShardReader = (path: string) => Promise<Uint8Array>;

/** Most values one weight may claim: past this a manifest is damaged or hostile (a 2 G-value float32 tensor is 8 GB). */
const MAX_WEIGHT_VALUES = 2 ** 31;

export interface ManifestGroup {
  paths: string[];
  weights: ManifestEntry[];
}

export interface ManifestEntry {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: string; min?: number; scale?: number };
}

interface Located {
  key: string;
  entry: ManifestEntry;
  /** Byte offset in the group's concatenated shards. */
  offset: number;
  bytes: number;
}

export interface WeightPlan {
  groups: { paths: string[]; bytes: number; wanted: Located[] }[];
}

/** A value from the file, quoted, for a message: a missing one says so. */
const show = (v: unknown) => (v === undefined ? '(none)' : JSON.stringify(v));

const BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2 };

/** Finds every weight the graph's nodes need in the manifest, checks shapes and sizes; sets the nodes' `weights`. */
export function planWeights(manifest: unknown, graph: GraphFile, report: GraphReport): WeightPlan {
  const needed = report.nodes.filter((r) => r.weights.length);
  if (manifest === undefined && needed.length === 0) return { groups: [] };
  if (!Array.isArray(manifest)) fail('model.json has no "weightsManifest" list', 'save the model with its weights (tfjs.converters.save_keras_model writes both)');
  const groups: WeightPlan['groups'] = [];
  const byName = new Map<string, { group: number; at: Located }>();
  manifest.forEach((g: unknown, gi: number) => {
    if (!isObject(g) || !Array.isArray(g.paths) || !g.paths.every((p: unknown) => typeof p === 'string') || !Array.isArray(g.weights))
      fail(`weight group ${gi + 1} of the manifest needs "paths" and "weights" lists`, 'the model.json is damaged: save the model again');
    let offset = 0;
    for (const e of g.weights as unknown[]) {
      const entry = checkEntry(e);
      const bytes = entryBytes(entry);
      byName.set(entry.name.replace(/:0$/, ''), { group: gi, at: { key: entry.name, entry, offset, bytes } });
      offset += bytes;
    }
    groups.push({ paths: g.paths, bytes: offset, wanted: [] });
  });

  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  for (const r of needed) {
    const node = byId.get(r.id)!;
    // a shared layer's later calls (`fc_call1`) read the weights of `fc`
    const layer = byName.has(`${node.id}/${r.weights[0].name}`) ? node.id : node.id.replace(/_call\d+$/, '');
    const refs: Record<string, string> = {};
    for (const spec of r.weights) {
      const found = byName.get(`${layer}/${spec.name}`) ?? [...byName].find(([n]) => n.endsWith(`/${layer}/${spec.name}`))?.[1];
      if (!found) fail(`layer '${layer}' (${r.op}) needs the weight '${spec.name}', which the manifest does not list (it should be '${layer}/${spec.name}')`, 'the weights do not belong to this model.json: save them together again');
      const { entry } = found.at;
      if (entry.shape.length !== spec.shape.length || entry.shape.some((d, i) => d !== spec.shape[i]))
        fail(`weight '${entry.name}' is ${formatShape(entry.shape)} in the manifest, but layer '${layer}' needs ${formatShape(spec.shape)}`, 'the weights do not belong to this model.json, or the input size was changed in a way the layer cannot follow');
      if (entry.dtype !== 'float32') fail(`weight '${entry.name}' has dtype ${show(entry.dtype)}; deepwire loads float32 weights`, 'save the model with float32 weights (quantised storage is fine)');
      if (!groups[found.group].wanted.includes(found.at)) groups[found.group].wanted.push(found.at);
      refs[spec.name] = found.at.key;
    }
    node.weights = refs;
  }
  return { groups: groups.filter((g) => g.wanted.length) };
}

function checkEntry(e: unknown): ManifestEntry {
  if (!isObject(e) || typeof e.name !== 'string') fail('a weight in the manifest has no name', 'the model.json is damaged: save the model again');
  const entry = e as ManifestEntry;
  if (!Array.isArray(entry.shape) || !entry.shape.every((d) => Number.isInteger(d) && d >= 0))
    fail(`weight '${entry.name}' has an invalid shape ${show(entry.shape)}`, 'the model.json is damaged: save the model again');
  const values = entry.shape.reduce((a, d) => a * d, 1);
  if (values > MAX_WEIGHT_VALUES)
    fail(`weight '${entry.name}' claims ${formatShape(entry.shape)} = ${values.toExponential(2)} values (${(values * 4 / 1e9).toFixed(0)} GB as float32), more than any layer holds`, 'the model.json is damaged: save the model again');
  const q = entry.quantization;
  if (q !== undefined) {
    if (!isObject(q) || !['uint8', 'uint16', 'float16'].includes(q.dtype))
      fail(`weight '${entry.name}' has an unknown quantization ${JSON.stringify(q?.dtype ?? q)}`, 'deepwire reads uint8, uint16 and float16 quantization (tensorflowjs_converter --quantize_*)');
    if (q.dtype !== 'float16' && !(Number.isFinite(q.min) && Number.isFinite(q.scale)))
      fail(`weight '${entry.name}' is ${q.dtype}-quantised without a finite min and scale`, 'the model.json is damaged: save the model again');
  } else if (!Object.hasOwn(BYTES, entry.dtype)) fail(`weight '${entry.name}' has dtype ${show(entry.dtype)}, which deepwire cannot read or skip`, 'save the model without non-numeric weights');
  return entry;
}

function entryBytes(e: ManifestEntry): number {
  return e.shape.reduce((a, d) => a * d, 1) * BYTES[e.quantization?.dtype ?? e.dtype];
}

export async function loadWeights(plan: WeightPlan, readShard: ShardReader): Promise<WeightStore> {
  const store: WeightStore = new Map();
  for (const group of plan.groups) {
    const shards: Uint8Array[] = [];
    for (const path of group.paths) {
      try {
        shards.push(await readShard(path));
      } catch (e) {
        throw new OpError(`cannot read the weight shard '${path}': ${(e as Error)?.message ?? e}`, 'keep the shards next to model.json, with the names the manifest gives');
      }
    }
    const total = shards.reduce((a, s) => a + s.length, 0);
    if (total < group.bytes) {
      const size = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(1)} MB` : `${n} bytes`);
      fail(`the weight shards ${group.paths.join(', ')} hold ${size(total)}, the manifest says ${size(group.bytes)}: they are truncated or do not belong to this model.json`, 'copy the model files again, all shards complete');
    }
    const joined = shards.length === 1 ? shards[0] : concat(shards, total);
    for (const at of group.wanted) store.set(at.key, { shape: [...at.entry.shape], data: decode(joined, at) });
  }
  return store;
}

function concat(parts: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) o += (out.set(p, o), p.length);
  return out;
}

/** One weight as float32, dequantised as TF.js does: q·scale + min (uint8/uint16), IEEE half (float16). */
function decode(bytes: Uint8Array, { entry, offset, bytes: length }: Located): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, length);
  const q = entry.quantization;
  const n = length / BYTES[q?.dtype ?? entry.dtype];
  const out = new Float32Array(n);
  if (q?.dtype === 'uint8') for (let i = 0; i < n; i++) out[i] = view.getUint8(i) * q.scale! + q.min!;
  else if (q?.dtype === 'uint16') for (let i = 0; i < n; i++) out[i] = view.getUint16(2 * i, true) * q.scale! + q.min!;
  else if (q?.dtype === 'float16') for (let i = 0; i < n; i++) out[i] = halfToFloat(view.getUint16(2 * i, true));
  else for (let i = 0; i < n; i++) out[i] = view.getFloat32(4 * i, true);
  return out;
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f, frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}
