// Node fingerprints for incremental runs: a hash of what decides a node's output — op, attrs, weights
// (stored data or initializer spec + seed + key), the fingerprints of its inputs, and for an Input the
// data fed. Equal fingerprint ⇒ equal tensor, so a Session reruns only the nodes whose fingerprint moved.
import type { GraphReport, NodeReport } from '../graph/analyze.ts';
import type { Tensor } from '../tensor.ts';
import type { WeightStore } from './reference.ts';

/** cyrb53: a fast 53-bit string/word hash, as hex. Not cryptographic: collisions need ~2^26 distinct values. */
function hashWords(words: Uint32Array | number[], seed = 0): string {
  let h1 = 0xdeadbeef ^ seed, h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    h1 = Math.imul(h1 ^ w, 2654435761);
    h2 = Math.imul(h2 ^ w, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (h2 >>> 0).toString(16).padStart(8, '0') + (h1 >>> 0).toString(16).padStart(8, '0');
}

export function hashString(s: string): string {
  const words = new Array<number>(s.length);
  for (let i = 0; i < s.length; i++) words[i] = s.charCodeAt(i);
  return hashWords(words, s.length);
}

// Weight tensors are hashed once per object: a pretrained model's 20 M weights are not rehashed per run.
const tensorHashes = new WeakMap<Tensor, string>();

/** Hash of a tensor's shape and every float's bits (so -0 ≠ 0 and NaN payloads count). */
export function hashTensor(t: Tensor): string {
  let h = tensorHashes.get(t);
  if (!h) {
    const bits = new Uint32Array(t.data.buffer, t.data.byteOffset, t.data.length);
    h = `${t.shape.join('x')}:${hashWords(bits, t.data.length)}`;
    tensorHashes.set(t, h);
  }
  return h;
}

/** Hash of a feed's content, not its identity: the same photo fed twice is the same input. */
export function hashFeed(t: Tensor): string {
  const bits = new Uint32Array(t.data.buffer, t.data.byteOffset, t.data.length);
  return `${t.shape.join('x')}:${hashWords(bits, t.data.length)}`;
}

export interface FingerprintOptions {
  seed: number;
  store?: WeightStore;
  /** Input id → feed; an Input without a feed hashes as its shape only (structure). */
  feeds?: Record<string, Tensor>;
}

function weightsKey(node: NodeReport, seed: number, store?: WeightStore): unknown[] {
  return node.weights.map((spec) => {
    const key = node.weightRefs?.[spec.name] ?? `${node.id}/${spec.name}`;
    const stored = store?.get(key);
    return stored ? ['stored', hashTensor(stored)] : ['init', key, seed, spec.shape, spec.initializer];
  });
}

/**
 * Every analysed node's fingerprint, in topological order. With `feeds` the Inputs hash their data (what
 * decides whether to rerun); without, their shape only (what decides whether a compiled graph fits).
 */
export function fingerprints(report: GraphReport, options: FingerprintOptions): Map<string, string> {
  const out = new Map<string, string>();
  for (const id of report.order) {
    const node = report.byId.get(id)!;
    const feed = node.op === 'Input' ? options.feeds?.[id] : undefined;
    const { name: _name, ...attrs } = node.attrs as Record<string, unknown>; // a rename changes no output
    const parts = [node.op, attrs, weightsKey(node, options.seed, options.store), node.inputs.map((i) => out.get(i) ?? `?${i}`), feed ? hashFeed(feed) : node.shape];
    out.set(id, hashString(JSON.stringify(parts)));
  }
  return out;
}
