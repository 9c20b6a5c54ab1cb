// Imported weights kept across reloads: one IndexedDB record per weight set (an opened ONNX file, a
// TF.js model, a pretrained backbone), keyed by a hash of its content, so the same file opened twice is
// stored once. Beside them, one record per tab naming the sets it refers to (editor/weight-gc.ts), so a
// clean-up in one tab never deletes what another tab, its undo steps or an autosave still needs.
import type { Tensor, WeightStore } from '../src/index.ts';
import { collectSets, type TabRecord } from './weight-gc.ts';

const DB_NAME = 'deepwire-weights';
const STORE = 'sets';
const TABS = 'tabs';

interface Entry { key: string; shape: number[]; offset: number; length: number }

/** One record: every tensor of the set back to back in one float32 buffer. */
interface SetRecord { hash: string; bytes: number; entries: Entry[]; data: ArrayBuffer; savedAt: number }

/** Why a set could not be kept, worded for the user. */
export class WeightDbError extends Error {}

const mb = (bytes: number) => (bytes < 1e6 ? `${Math.ceil(bytes / 1e3)} kB` : `${(bytes / 1e6).toFixed(bytes < 1e7 ? 1 : 0)} MB`);

let opening: Promise<IDBDatabase> | null = null;

/** Another tab deleting or upgrading the database: let it, and open again next time. */
function watched(db: IDBDatabase): IDBDatabase {
  db.onversionchange = () => {
    db.close();
    opening = null;
  };
  return db;
}

function open(): Promise<IDBDatabase> {
  opening ??= new Promise<IDBDatabase>((resolve, reject) => {
    if (typeof indexedDB === 'undefined') return reject(new WeightDbError('this browser gives the page no IndexedDB storage'));
    const refused = (error: DOMException | null, hint = '') =>
      reject(new WeightDbError(`this browser refused its storage (${error?.message ?? 'IndexedDB did not open'}${hint})`));
    const addStores = (db: IDBDatabase) => {
      if (!db.objectStoreNames.contains(STORE)) db.createObjectStore(STORE, { keyPath: 'hash' });
      if (!db.objectStoreNames.contains(TABS)) db.createObjectStore(TABS, { keyPath: 'tab' });
    };
    const req = indexedDB.open(DB_NAME);
    req.onupgradeneeded = () => addStores(req.result);
    req.onsuccess = () => {
      const db = req.result;
      // Made before there were tab records, or by another script opening it first: upgrade to add our stores.
      if (!db.objectStoreNames.contains(STORE) || !db.objectStoreNames.contains(TABS)) {
        const version = db.version + 1;
        db.close();
        const again = indexedDB.open(DB_NAME, version);
        again.onupgradeneeded = () => addStores(again.result);
        again.onsuccess = () => resolve(watched(again.result));
        again.onerror = () => refused(again.error);
        return;
      }
      resolve(watched(db));
    };
    req.onerror = () => refused(req.error, '; a private window?');
    req.onblocked = () => reject(new WeightDbError('another deepwire tab holds the weight storage open: close it and try again'));
  });
  opening.catch(() => (opening = null));
  return opening;
}

function done<T>(req: IDBRequest<T>, tx: IDBTransaction): Promise<T> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve(req.result);
    tx.onabort = tx.onerror = () => reject(tx.error ?? req.error);
  });
}

/** Packs a set into one buffer (the record) and hashes it: SHA-256 of the keys, shapes and values. */
export async function packWeights(weights: WeightStore): Promise<{ hash: string; record: SetRecord }> {
  const entries: Entry[] = [];
  let length = 0;
  for (const [key, t] of [...weights].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    entries.push({ key, shape: [...t.shape], offset: length, length: t.data.length });
    length += t.data.length;
  }
  const data = new Float32Array(length);
  for (const e of entries) data.set(weights.get(e.key)!.data, e.offset);
  const head = new TextEncoder().encode(JSON.stringify(entries));
  const hash = await digest(head, new Uint8Array(data.buffer));
  return { hash, record: { hash, bytes: data.byteLength, entries, data: data.buffer, savedAt: Date.now() } };
}

async function digest(head: Uint8Array, body: Uint8Array): Promise<string> {
  const hex = (buf: ArrayBuffer) => [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, '0')).join('');
  if (globalThis.crypto?.subtle) {
    const all = new Uint8Array(head.length + body.length);
    all.set(head);
    all.set(body, head.length);
    return `sha256-${hex(await crypto.subtle.digest('SHA-256', all))}`;
  }
  // No SubtleCrypto outside secure contexts (http on a LAN address): two 32-bit FNV-1a lanes.
  let a = 0x811c9dc5, b = 0x01000193 ^ 0x5bd1e995;
  for (const bytes of [head, body])
    for (let i = 0; i < bytes.length; i++) {
      a = Math.imul(a ^ bytes[i], 0x01000193);
      b = Math.imul(b ^ bytes[i], 0x5bd1e995) ^ (b >>> 15);
    }
  return `fnv-${(a >>> 0).toString(16).padStart(8, '0')}${(b >>> 0).toString(16).padStart(8, '0')}-${body.length}`;
}

/** A set kept by storeWeights: its hash, and why it could not be stored (null when it is). */
export interface StoredWeights { hash: string | null; problem: string | null }

/** Packs, hashes and stores a set (the model worker does this, off the page's thread); never throws. */
export async function storeWeights(weights: WeightStore): Promise<StoredWeights> {
  let hash: string | null = null;
  try {
    const packed = await packWeights(weights);
    hash = packed.hash;
    await putWeights(packed.record);
    return { hash, problem: null };
  } catch (e) {
    return { hash, problem: e instanceof WeightDbError ? e.message : `storing them failed (${(e as Error)?.message ?? e})` };
  }
}

/** Whether a set is stored. */
export async function hasWeights(hash: string): Promise<boolean> {
  const db = await open();
  const tx = db.transaction(STORE);
  return (await done(tx.objectStore(STORE).count(hash), tx)) > 0;
}

/** Stores a packed set unless it is there already; a full disk or quota becomes a WeightDbError saying so. */
export async function putWeights(record: SetRecord): Promise<void> {
  const db = await open();
  const read = db.transaction(STORE);
  const existing = await done(read.objectStore(STORE).count(record.hash), read);
  if (existing) return;
  const estimate = await navigator.storage?.estimate?.().catch(() => undefined);
  const free = estimate?.quota !== undefined ? estimate.quota - (estimate.usage ?? 0) : Infinity;
  if (record.bytes > free)
    throw new WeightDbError(`they need ${mb(record.bytes)} and this browser's storage has ${mb(Math.max(0, free))} left`);
  try {
    const tx = db.transaction(STORE, 'readwrite');
    await done(tx.objectStore(STORE).put(record), tx);
  } catch (e) {
    const error = e as DOMException | null;
    if (error?.name === 'QuotaExceededError')
      throw new WeightDbError(`they need ${mb(record.bytes)}, more than this browser's storage quota allows`);
    throw new WeightDbError(`storing them failed (${error?.message ?? 'IndexedDB error'})`);
  }
}

/** A set as tensors viewing one buffer, or null when it is not stored (never saved, or evicted). */
export async function getWeights(hash: string): Promise<WeightStore | null> {
  const db = await open();
  const tx = db.transaction(STORE);
  const record = (await done(tx.objectStore(STORE).get(hash), tx)) as SetRecord | undefined;
  if (!record) return null;
  const store: WeightStore = new Map();
  for (const e of record.entries) store.set(e.key, { shape: e.shape, data: new Float32Array(record.data, e.offset * 4, e.length) } satisfies Tensor);
  return store;
}

/** Writes what a tab refers to (its earlier record replaced). */
export async function putTab(record: TabRecord): Promise<void> {
  const db = await open();
  const tx = db.transaction(TABS, 'readwrite');
  await done(tx.objectStore(TABS).put(record), tx);
}

/**
 * Deletes the stored sets that no tab record (of the open tabs, or of closed tabs still kept) and nothing
 * in `pinned` refers to, in one transaction, so no tab's record lands between the reading and the deleting.
 */
export async function collectWeights(openTabs: ReadonlySet<string>, pinned: ReadonlySet<string>): Promise<void> {
  const db = await open();
  const tx = db.transaction([STORE, TABS], 'readwrite');
  const sets = tx.objectStore(STORE), tabs = tx.objectStore(TABS);
  const keys = sets.getAllKeys();
  keys.onsuccess = () => {
    const records = tabs.getAll();
    records.onsuccess = () => {
      const { deleteSets, dropTabs, rewrite } = collectSets(keys.result as string[], records.result as TabRecord[], openTabs, pinned, Date.now());
      for (const h of deleteSets) sets.delete(h);
      for (const t of dropTabs) tabs.delete(t);
      for (const r of rewrite) tabs.put(r);
    };
  };
  await new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = tx.onerror = () => reject(tx.error);
  });
}
