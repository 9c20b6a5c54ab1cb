// The editor session's weight store: the real weights of every model opened with them (ONNX files,
// pretrained backbones), under the keys the graph's node `weights` refer to. The graph JSON (undo, share
// links, files) carries the references, never the data. Each opened set is also kept in IndexedDB
// (editor/weight-db.ts, keyed by a hash of its content) and the autosave names the sets its graph refers
// to, so a reload restores them before the first run; a set that is gone is said on the nodes needing it.
// Tabs share that storage: each publishes the sets it refers to, and a clean-up keeps them all (weight-gc.ts).
import type { GraphFile, GraphReport, WeightStore } from '../src/index.ts';
import { collectWeights, getWeights, hasWeights, packWeights, putTab, putWeights, WeightDbError, type StoredWeights } from './weight-db.ts';

/** What the autosave records: a stored set (by content hash) and the key prefix this graph uses for it. */
export interface SavedWeightSet { hash: string; prefix: string }

interface WeightSet {
  prefix: string;
  /** Content hash once computed (also when storing it then failed: the reload says it is gone). */
  hash: string | null;
  /** Its tensors under their own keys: stored again if a clean-up in another tab took them meanwhile. */
  weights: WeightStore;
  /** In IndexedDB (stored, or restored from there); this tab's record names it. */
  stored: boolean;
  /** Resolves to null once stored, or to why it could not be. */
  kept: Promise<string | null>;
}

const session: WeightStore = new Map();
/** Full key (prefix included) → the set it came from. */
const setOf = new Map<string, WeightSet>();
/** Every set this page holds: its graph and every undo or redo step refer to some of them, never to others. */
const sets = new Set<WeightSet>();
let opened = 0;
/** The reload's restore (and clean-up) of the autosave's sets; new sets are stored after it. */
let restoring: Promise<void> = Promise.resolve();
let restored = true;
/** The autosave's sets while they are being restored: an autosave meanwhile must still name them. */
let restoringSets: SavedWeightSet[] = [];
/** Hashes of the sets the autosave last named. */
let autosaved: string[] = [];

export const GONE_MESSAGE = 'weights of this imported model are gone: open the file again';

/** The store a run passes to materializeWeights(report, seed, store): one Map for the whole session. */
export function getWeightStore(): WeightStore {
  return session;
}

/**
 * Adds a model's weights to the session store and returns its graph pointing at them. Keys that another
 * model already uses get a prefix (`2:conv1/kernel`), so undoing back to an earlier model still finds
 * its own weights, never the newer model's tensors of the same name. Storing the set for reloads starts
 * here; weightsKept(graph) says how that went.
 */
export function adoptWeights(graph: GraphFile, weights: WeightStore, stored?: StoredWeights): GraphFile {
  opened++;
  const keys = [...weights.keys()];
  const clash = keys.some((key) => session.has(key) && session.get(key) !== weights.get(key));
  // A restored set may already use `N:` prefixes: skip to a free one.
  while (clash && keys.some((key) => session.has(`${opened}:${key}`))) opened++;
  const prefix = clash ? `${opened}:` : '';
  const set: WeightSet = { prefix, hash: stored?.hash ?? null, weights, stored: false, kept: Promise.resolve(null) };
  for (const [key, tensor] of weights) {
    session.set(prefix + key, tensor);
    setOf.set(prefix + key, set);
  }
  sets.add(set);
  set.kept = weightsReady().then(() => keep(set, stored));
  if (!prefix) return graph;
  return {
    ...graph,
    nodes: graph.nodes.map((n) => (n.weights
      ? { ...n, weights: Object.fromEntries(Object.entries(n.weights).map(([name, key]) => [name, prefix + key])) }
      : n)),
  };
}

const notKept = (why: string) => `its weights are not kept for a reload: ${why}. The graph is kept; after a reload open the file again`;

/** Stores a set (unless the model worker did), then names it in this tab's record. */
async function keep(set: WeightSet, stored?: StoredWeights): Promise<string | null> {
  try {
    if (stored?.problem) throw new WeightDbError(stored.problem);
    if (!set.hash) {
      const { hash, record } = await packWeights(set.weights);
      set.hash = hash;
      await putWeights(record);
    }
    set.stored = true;
    // A clean-up elsewhere keeps it once the record names it; one that ran before may have taken it.
    await publish();
    await storeAgain(set);
    return null;
  } catch (e) {
    set.stored = false;
    return notKept(e instanceof WeightDbError ? e.message : `storing them failed (${(e as Error)?.message ?? e})`);
  }
}

/** Stores a set again from the page's copy when it is gone from IndexedDB. */
async function storeAgain(set: WeightSet): Promise<void> {
  if (set.hash && !(await hasWeights(set.hash))) await putWeights((await packWeights(set.weights)).record);
}

const refsOf = (graph: GraphFile) => graph.nodes.flatMap((n) => Object.values(n.weights ?? {}));

function setsOf(graph: GraphFile): WeightSet[] {
  return [...new Set(refsOf(graph).map((ref) => setOf.get(ref)).filter((s): s is WeightSet => !!s))];
}

/** Waits until the sets `graph` refers to are stored; null when they are, else the message to show. */
export async function weightsKept(graph: GraphFile): Promise<string | null> {
  for (const set of setsOf(graph)) {
    const problem = await set.kept;
    if (problem) return problem;
  }
  return null;
}

/**
 * The autosave's extra field: the stored sets this graph refers to (empty when it has no imported
 * weights). This tab's record follows it, so no tab's clean-up deletes what the autosave names.
 */
export function autosaveWeightSets(graph: GraphFile): { weightSets?: SavedWeightSet[] } {
  const saved = setsOf(graph).filter((s) => s.hash).map((s) => ({ hash: s.hash!, prefix: s.prefix }));
  for (const pending of restored ? [] : restoringSets)
    if (!saved.some((s) => s.hash === pending.hash && s.prefix === pending.prefix)) saved.push(pending);
  autosaved = [...new Set(saved.map((s) => s.hash))].sort();
  void publish();
  return saved.length ? { weightSets: saved } : {};
}

/** The valid entries of an autosave's `weightSets`. */
function savedSets(weightSets: unknown): SavedWeightSet[] {
  return Array.isArray(weightSets)
    ? weightSets.filter((s): s is SavedWeightSet => typeof s?.hash === 'string' && typeof s?.prefix === 'string')
    : [];
}

/**
 * Takes the autosave's `weightSets` off a restored graph and brings those sets back from IndexedDB into the
 * session store (weightsReady() waits for it). Then deletes the stored sets nothing refers to: no open tab
 * (its graph, undo and redo steps), no closed tab's autosave still kept, nor `shared`, the autosave every
 * tab writes (the graph a new tab opens). Undo steps from before the reload are gone with the page.
 */
export function restoreWeightSets(graph: GraphFile & { weightSets?: unknown }, shared: { weightSets?: unknown } | null): GraphFile {
  const { weightSets, ...rest } = graph;
  const wanted = savedSets(weightSets);
  restored = false;
  restoringSets = wanted;
  restoring = (async () => {
    for (const { hash, prefix } of wanted) {
      const stored = await getWeights(hash).catch(() => null);
      if (!stored) continue;
      const set: WeightSet = { prefix, hash, weights: stored, stored: true, kept: Promise.resolve(null) };
      sets.add(set);
      for (const [key, tensor] of stored) {
        // A model opened while this ran keeps its own keys.
        if (session.has(prefix + key)) continue;
        session.set(prefix + key, tensor);
        setOf.set(prefix + key, set);
      }
    }
    await publish();
    const id = await thisTab();
    if (id) await collectWeights(await openTabs(), new Set(savedSets(shared?.weightSets).map((s) => s.hash))).catch(() => undefined);
  })().finally(() => (restored = true));
  return rest;
}

// ── this tab's record ───────────────────────────────────────────────────────

const TAB_KEY = 'deepwire.tab';
const TAB_LOCK = 'deepwire-tab:';
let tab: Promise<string | null> | null = null;

/**
 * This tab's id: kept in sessionStorage, so a reload keeps it (and replaces its own record), and held as
 * a Web Lock while the page is open, so another tab's clean-up can ask which tabs are open (a closed or
 * crashed page's locks are released). A duplicated tab copies sessionStorage, finds the id taken and
 * takes a new one. Null without Web Locks (http on a LAN address): no tab can tell that another closed,
 * so nothing is deleted.
 */
function thisTab(): Promise<string | null> {
  tab ??= (async () => {
    if (!globalThis.navigator?.locks) return null;
    let id: string;
    try {
      id = sessionStorage.getItem(TAB_KEY) ?? crypto.randomUUID();
    } catch {
      id = crypto.randomUUID();
    }
    while (!(await holdLock(id))) id = crypto.randomUUID();
    try {
      sessionStorage.setItem(TAB_KEY, id);
    } catch {
      // No sessionStorage: each load is a new tab, its old record kept as a closed tab's.
    }
    return id;
  })().catch(() => null);
  return tab;
}

/** Takes the tab's lock unless another page holds it, and keeps it as long as this page lives. */
function holdLock(id: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    navigator.locks.request(TAB_LOCK + id, { ifAvailable: true }, (lock) => {
      resolve(lock !== null);
      return lock ? new Promise<never>(() => {}) : undefined;
    }).catch(reject);
  });
}

/** Ids of the tabs whose page is open (this one's included). */
async function openTabs(): Promise<Set<string>> {
  const { held = [] } = await navigator.locks.query();
  return new Set(held.flatMap((l) => (l.name?.startsWith(TAB_LOCK) ? [l.name.slice(TAB_LOCK.length)] : [])));
}

let published = '';
let publishing: Promise<void> = Promise.resolve();

/**
 * Writes this tab's record (when it changed): the sets the autosave names and every set the page holds.
 * A clean-up in another tab that ran before the record was there may have taken one: it is stored again.
 */
function publish(): Promise<void> {
  publishing = publishing.then(async () => {
    const id = await thisTab();
    if (!id) return;
    const held = [...sets].filter((s) => s.stored);
    const record = { tab: id, saved: autosaved, held: [...new Set(held.map((s) => s.hash!))].sort() };
    const text = JSON.stringify(record);
    if (text === published) return;
    await putTab(record);
    published = text;
    for (const set of held) await storeAgain(set).catch(() => undefined);
  }).catch(() => undefined);
  return publishing;
}

/** Resolves once the reload's weights are back (or known to be gone); runs wait for it. */
export function weightsReady(): Promise<void> {
  return restoring.catch(() => undefined);
}

/**
 * Marks each node whose imported weights are not in the session (evicted from storage, or a graph file or
 * link whose weights were never here) with a problem, so nothing runs on silently random weights. Nothing
 * is marked while a restore is still under way. Returns the same report.
 */
export function markMissingWeights(report: GraphReport): GraphReport {
  if (!restored) return report;
  for (const node of report.nodes) {
    const missing = Object.values(node.weightRefs ?? {}).filter((ref) => !session.has(ref));
    if (!missing.length) continue;
    const problem = {
      node: node.id,
      message: GONE_MESSAGE,
      hint: `'${missing[0]}' is not in this browser's storage any more (evicted or cleared; graph files and share links carry references, not weights)`,
    };
    node.problems.push(problem);
    report.problems.push(problem);
    report.ok = false;
  }
  return report;
}
