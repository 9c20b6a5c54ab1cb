// The editor session's weight store: the real weights of every model opened with them (ONNX files,
// pretrained backbones), under the keys the graph's node `weights` refer to. The graph JSON (undo, share
// links, files) carries the references, never the data. Each opened set is also kept in IndexedDB
// (editor/weight-db.ts, keyed by a hash of its content) and the autosave names the sets its graph refers
// to, so a reload restores them before the first run; a set that is gone is said on the nodes needing it.
import type { GraphFile, GraphReport, WeightStore } from '../src/index.ts';
import { deleteWeightsExcept, getWeights, hasWeights, packWeights, putWeights, WeightDbError, type StoredWeights } from './weight-db.ts';

/** What the autosave records: a stored set (by content hash) and the key prefix this graph uses for it. */
export interface SavedWeightSet { hash: string; prefix: string }

interface WeightSet {
  prefix: string;
  /** Content hash once computed (also when storing it then failed: the reload says it is gone). */
  hash: string | null;
  /** Resolves to null once stored, or to why it could not be. */
  kept: Promise<string | null>;
}

const session: WeightStore = new Map();
/** Full key (prefix included) → the set it came from. */
const setOf = new Map<string, WeightSet>();
let opened = 0;
/** The reload's restore (and clean-up) of the autosave's sets; new sets are stored after it. */
let restoring: Promise<void> = Promise.resolve();
let restored = true;
/** The autosave's sets while they are being restored: an autosave meanwhile must still name them. */
let restoringSets: SavedWeightSet[] = [];

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
  const set: WeightSet = { prefix, hash: null, kept: Promise.resolve(null) };
  for (const [key, tensor] of weights) {
    session.set(prefix + key, tensor);
    setOf.set(prefix + key, set);
  }
  set.hash = stored?.hash ?? null;
  set.kept = weightsReady().then(() => (stored ? keptByWorker(set, weights, stored) : keep(set, weights)));
  if (!prefix) return graph;
  return {
    ...graph,
    nodes: graph.nodes.map((n) => (n.weights
      ? { ...n, weights: Object.fromEntries(Object.entries(n.weights).map(([name, key]) => [name, prefix + key])) }
      : n)),
  };
}

/** The model worker stored the set; a start-up clean-up racing it may have deleted it again: then store it here. */
async function keptByWorker(set: WeightSet, weights: WeightStore, stored: StoredWeights): Promise<string | null> {
  if (stored.problem) return notKept(stored.problem);
  return (await hasWeights(stored.hash!).catch(() => false)) ? null : keep(set, weights);
}

const notKept = (why: string) => `its weights are not kept for a reload: ${why}. The graph is kept; after a reload open the file again`;

async function keep(set: WeightSet, weights: WeightStore): Promise<string | null> {
  try {
    const { hash, record } = await packWeights(weights);
    set.hash = hash;
    await putWeights(record);
    return null;
  } catch (e) {
    return notKept(e instanceof WeightDbError ? e.message : `storing them failed (${(e as Error)?.message ?? e})`);
  }
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

/** The autosave's extra field: the stored sets this graph refers to (empty when it has no imported weights). */
export function savedWeightSets(graph: GraphFile): { weightSets?: SavedWeightSet[] } {
  const saved = setsOf(graph).filter((s) => s.hash).map((s) => ({ hash: s.hash!, prefix: s.prefix }));
  for (const pending of restored ? [] : restoringSets)
    if (!saved.some((s) => s.hash === pending.hash && s.prefix === pending.prefix)) saved.push(pending);
  return saved.length ? { weightSets: saved } : {};
}

/**
 * Takes the autosave's `weightSets` off a restored graph and brings those sets back from IndexedDB into the
 * session store (weightsReady() waits for it); then deletes stored sets that neither this graph nor this
 * session refers to (the undo history lives in the page: nothing before the reload refers to them).
 */
export function restoreWeightSets(graph: GraphFile & { weightSets?: unknown }): GraphFile {
  const { weightSets, ...rest } = graph;
  const wanted = Array.isArray(weightSets)
    ? weightSets.filter((s): s is SavedWeightSet => typeof s?.hash === 'string' && typeof s?.prefix === 'string')
    : [];
  restored = false;
  restoringSets = wanted;
  restoring = (async () => {
    for (const { hash, prefix } of wanted) {
      const stored = await getWeights(hash).catch(() => null);
      if (!stored) continue;
      const set: WeightSet = { prefix, hash, kept: Promise.resolve(null) };
      for (const [key, tensor] of stored) {
        // A model opened while this ran keeps its own keys.
        if (session.has(prefix + key)) continue;
        session.set(prefix + key, tensor);
        setOf.set(prefix + key, set);
      }
    }
    const inUse = new Set([...wanted.map((s) => s.hash), ...[...setOf.values()].map((s) => s.hash).filter((h): h is string => !!h)]);
    await deleteWeightsExcept(inUse).catch(() => 0);
  })().finally(() => (restored = true));
  return rest;
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
