// The user's class sets kept across reloads: one IndexedDB record per set (its classes and their decoded
// pictures, at most 512 px on the longer side, with their thumbnails), written a moment after each change
// and read back when the editor opens. A database of its own, apart from the weights' (weight-db.ts):
// the sets are the user's data, not weights a graph refers to, and they are not garbage-collected.
import type { ClassSet } from './class-sets.ts';

const DB_NAME = 'deepwire-data';
const STORE = 'class-sets';

interface SetRecord { name: string; order: number; set: ClassSet }

let opening: Promise<IDBDatabase> | null = null;

function open(): Promise<IDBDatabase> {
  opening ??= new Promise<IDBDatabase>((resolve, reject) => {
    if (typeof indexedDB === 'undefined') return reject(new Error('this browser gives the page no IndexedDB storage'));
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: 'name' });
    req.onsuccess = () => {
      req.result.onversionchange = () => {
        req.result.close();
        opening = null;
      };
      resolve(req.result);
    };
    req.onerror = () => reject(new Error(`this browser refused its storage (${req.error?.message ?? 'IndexedDB did not open'})`));
  });
  opening.catch(() => (opening = null));
  return opening;
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = tx.onerror = () => reject(new Error(tx.error?.name === 'QuotaExceededError'
      ? 'the browser\'s storage is full: remove photos or sets you no longer need'
      : `the browser did not store them (${tx.error?.message ?? 'the write was aborted'})`));
  });
}

/** Replaces what is kept with `sets`, in their order. */
export async function saveClassSets(sets: readonly ClassSet[]): Promise<void> {
  const db = await open();
  const tx = db.transaction(STORE, 'readwrite');
  const store = tx.objectStore(STORE);
  store.clear();
  sets.forEach((set, order) => store.put({ name: set.name, order, set } satisfies SetRecord));
  await done(tx);
}

/** The kept sets, in the order they were made. */
export async function loadClassSets(): Promise<ClassSet[]> {
  const db = await open();
  const req = db.transaction(STORE, 'readonly').objectStore(STORE).getAll();
  const records = await new Promise<SetRecord[]>((resolve, reject) => {
    req.onsuccess = () => resolve(req.result as SetRecord[]);
    req.onerror = () => reject(new Error(`the browser did not read them back (${req.error?.message})`));
  });
  return records.sort((a, b) => a.order - b.order).map((r) => r.set);
}
