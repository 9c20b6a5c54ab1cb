// Keeping graphs: autosave in sessionStorage and localStorage, .json files, and share links that carry
// the graph deflated and base64url-encoded in the URL hash (#g=…). Every reader validates before anything loads.
import { GRAPH_FORMAT, GRAPH_VERSION, analyzeGraph, parseGraphText, type GraphFile, type WeightStore } from '../src/index.ts';
import { base64ToBytes, bytesToBase64 } from '../src/io/base64.ts';
import { embedWeights, takeEmbeddedWeights } from '../src/io/weights-file.ts';
import { downloadFile } from './download.ts';
import { fileStem } from './export-files.ts';
import { normalizeGraph } from './graph-edits.ts';
import { autosaveWeightSets, restoreWeightSets } from './weight-store.ts';

const AUTOSAVE_KEY = 'deepwire.autosave';
/** Longest hash we produce: far below browser limits, still pasteable into chats and issues. */
export const SHARE_LINK_MAX = 60_000;
/** Most a link may inflate to: a deflate bomb (1 000:1) stops here instead of filling memory. */
export const SHARE_TEXT_MAX = 4_000_000;

export type Loaded = { ok: true; graph: GraphFile } | { ok: false; message: string };

/** Accepts a parsed value as a graph when its outer structure is sound; node-level problems are shown on the nodes. */
export function acceptGraph(raw: unknown): Loaded {
  const structural = analyzeGraph(raw).problems.filter((p) => !p.node);
  const r = raw as Partial<GraphFile> | null;
  const fatal = !r || typeof r !== 'object' || r.format !== GRAPH_FORMAT || r.version !== GRAPH_VERSION || !Array.isArray(r.nodes)
    || !r.nodes.every((n) => n && typeof n === 'object' && typeof n.id === 'string' && typeof n.op === 'string');
  if (fatal) {
    const first = structural[0];
    return { ok: false, message: first ? `${first.message}${first.hint ? ` (${first.hint})` : ''}` : 'this is not a deepwire graph' };
  }
  return { ok: true, graph: normalizeGraph(r as GraphFile) };
}

export function parseGraph(text: string): Loaded {
  const { graph, problems } = parseGraphText(text);
  if (problems.length) return { ok: false, message: problems[0].message };
  return acceptGraph(graph);
}

/**
 * A graph file as Open reads it: one saved with its weights (Save with weights) gives them apart, for the
 * weight store; the graph keeps only the references, so undo, autosave and share links never carry the data.
 */
export function parseGraphFile(text: string): { loaded: Loaded; weights: WeightStore | null } {
  const { graph, problems } = parseGraphText(text);
  if (problems.length) return { loaded: { ok: false, message: problems[0].message }, weights: null };
  try {
    const { graph: bare, weights } = takeEmbeddedWeights(graph);
    return { loaded: acceptGraph(bare), weights };
  } catch (e) {
    const { message, hint } = e as { message: string; hint?: string };
    return { loaded: { ok: false, message: `${message}${hint ? ` (${hint})` : ''}` }, weights: null };
  }
}

/**
 * The graph with the weights its nodes refer to (imported or trained) inside it, as one .json file: what it
 * saved (file name, tensors, bytes). Fails naming a weight that is gone; nodes without weights keep their seed.
 */
export function downloadGraphWithWeights(graph: GraphFile, store: WeightStore): { name: string; tensors: number; bytes: number } {
  const saved = embedWeights(graph, store);
  const text = JSON.stringify(saved);
  const name = `${fileStem(graph)}.json`;
  downloadFile({ name, data: text, type: 'application/json' });
  return { name, tensors: saved.embeddedWeights.tensors.length, bytes: text.length };
}

// Storage the browser may refuse (disabled, private mode, full): nothing read, nothing written.
function read(storage: () => Storage): string | null {
  try {
    return storage().getItem(AUTOSAVE_KEY);
  } catch {
    return null;
  }
}

function write(storage: () => Storage, text: string): void {
  try {
    storage().setItem(AUTOSAVE_KEY, text);
  } catch {
    // The file and link still work.
  }
}

/**
 * Keeps the graph twice: as this tab's (sessionStorage: its reload reopens it, not what another tab
 * saved since) and as the latest of any tab's (localStorage: what a new tab opens). With the stored
 * weight sets it refers to (IndexedDB), restored on reload.
 */
export function autosave(graph: GraphFile): void {
  const text = JSON.stringify({ ...graph, ...autosaveWeightSets(graph) });
  write(() => sessionStorage, text);
  write(() => localStorage, text);
}

/** This tab's autosave, or in a new tab the latest any tab saved; null when there is none. */
export function restoreAutosave(): GraphFile | null {
  const shared = read(() => localStorage);
  const text = read(() => sessionStorage) ?? shared;
  if (!text) return null;
  const loaded = parseGraph(text);
  return loaded.ok ? restoreWeightSets(loaded.graph, sharedSets(shared)) : null;
}

/** The latest autosave of any tab, for the weight sets it names (a clean-up keeps them); null when there is none. */
function sharedSets(text: string | null): { weightSets?: unknown } | null {
  try {
    return text ? (JSON.parse(text) as { weightSets?: unknown }) : null;
  } catch {
    return null;
  }
}

export function downloadGraph(graph: GraphFile): void {
  downloadFile({ name: `${fileStem(graph)}.json`, data: JSON.stringify(graph, null, 2), type: 'application/json' });
}

async function pipe(bytes: Uint8Array, stream: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const out = new Blob([bytes as BlobPart]).stream().pipeThrough(stream);
  return new Uint8Array(await new Response(out).arrayBuffer());
}

const toBase64Url = (bytes: Uint8Array) => bytesToBase64(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

/** `#g=…` for the graph, or an error when it would be too long for a link. */
export async function shareHash(graph: GraphFile): Promise<{ ok: true; hash: string } | { ok: false; message: string }> {
  const text = new TextEncoder().encode(JSON.stringify(graph));
  const packed = await pipe(text, new CompressionStream('deflate-raw'));
  const hash = `#g=${toBase64Url(packed)}`;
  if (hash.length > SHARE_LINK_MAX || text.length > SHARE_TEXT_MAX)
    return { ok: false, message: `this graph needs a ${Math.round(hash.length / 1000)} kB link, more than the ${SHARE_LINK_MAX / 1000} kB limit: save it as a file instead` };
  return { ok: true, hash };
}

/** Reads a `#g=…` hash; null when the hash carries no graph. */
export async function readShareHash(hash: string): Promise<Loaded | null> {
  const m = /^#g=(.*)$/.exec(hash);
  if (!m) return null;
  if (m[1].length > SHARE_LINK_MAX) return { ok: false, message: 'the share link is longer than any deepwire makes: it was not opened' };
  try {
    const bytes = await inflateCapped(base64ToBytes(m[1]), SHARE_TEXT_MAX);
    if (!bytes) return { ok: false, message: `the share link unpacks to more than ${SHARE_TEXT_MAX / 1e6} MB, more than any deepwire makes: it was not opened` };
    return parseGraph(new TextDecoder().decode(bytes));
  } catch {
    return { ok: false, message: 'the share link is damaged (cut short or edited?): copy the whole link again' };
  }
}

/** Inflates deflate-raw bytes, giving up (null) as soon as the output passes `max` bytes. */
async function inflateCapped(bytes: Uint8Array, max: number): Promise<Uint8Array | null> {
  const reader = new Blob([bytes as BlobPart]).stream().pipeThrough(new DecompressionStream('deflate-raw')).getReader();
  const parts: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > max) {
      await reader.cancel();
      return null;
    }
    parts.push(value);
  }
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) o += (out.set(p, o), p.length);
  return out;
}
