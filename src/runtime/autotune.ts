// Picks the conv kernel an adapter runs fastest by measuring, once per adapter: the direct kernel
// (register tiles), the GEMM (32×32 workgroup-memory tiles) and the wide GEMM (64×64 tiles, for big
// GPUs), each on two 3×3 convs whose times add up: an early layer with many output tiles and a late
// one with few, where K is split. Timed with timestamp queries where offered. A candidate far behind
// after a conv is not timed further, and the wide GEMM not at all where the GEMM is far behind: on
// SwiftShader the GEMMs run 12× slower than the direct conv (and conv2d-gemm64 takes 6–8 s to compile
// there), so the tune stays a few seconds on a CPU adapter. Where a GEMM wins, its split-K policy is
// tuned too, on the late conv: how many workgroups a conv should make before K is split (the default
// for a big GPU, never, or four times as many), and whether a stride-1 pool before a 1×1 conv runs
// faster in the conv's loads (fusion.ts rule 7) than as a dispatch of its own, which saves writing and
// reading the pooled tensor. Not timed where the direct conv wins: on SwiftShader the fused pool lost
// (the pool kernel shares window rows between outputs; the conv recomputes each window once per 32
// filters), and its pipeline would add a second to the tune. The choice is cached (localStorage in a browser, a
// JSON file under the user's cache folder in Node) so later sessions start with it; an entry written
// by an older deepwire (a kernel name alone: the default split) is still read.
import { analyzeGraph } from '../graph/analyze.ts';
import { GEMM_BUSY_WORKGROUPS, type ConvKernel, type LowerOptions } from '../compile/lower.ts';
import type { GraphFile } from '../graph/types.ts';
import type { Engine } from './engine.ts';
import { materializeWeights } from './reference.ts';

const CACHE_KEY = 'deepwire.conv-kernel';

/** What is measured, in order; a tie goes to the earlier. */
export const TUNE_CANDIDATES: readonly ConvKernel[] = ['direct', 'gemm', 'gemm64'];
/** A candidate this many times the fastest's time so far is dropped (and gemm64 is not tried behind a dropped gemm). */
export const TUNE_PRUNE = 3;
/** Candidates that are a bigger-tiled form of another: measured only while that one is still in. */
const REFINES: Partial<Record<ConvKernel, ConvKernel>> = { gemm64: 'gemm' };

/**
 * The convs timed: ResNet-50's 28×28×64 3×3 (an early layer: 196 tiles of 32×32) and its 7×7×512 →
 * 512 3×3 (a late one: 32 tiles, so split K runs), so the winner is the better one across a network.
 */
export const TUNE_CONVS: readonly { input: [number, number, number]; filters: number }[] = [
  { input: [28, 28, 64], filters: 64 },
  { input: [7, 7, 512], filters: 512 },
];

/**
 * The split-K targets tried once a GEMM wins (LowerOptions.gemmWorkgroups: the workgroups a conv should
 * make before K is split; 0 never splits), in order, so a tie keeps the default.
 */
export const TUNE_SPLIT_TARGETS: readonly number[] = [GEMM_BUSY_WORKGROUPS, 0, 4 * GEMM_BUSY_WORKGROUPS];

/** The pool projection timed with its pool in the conv's loads and apart: GoogLeNet's inception 3b (a 3×3 max pool of 28×28×256, 64 filters). */
export const TUNE_POOL = { input: [28, 28, 256] as [number, number, number], filters: 64 };

/** What an adapter runs fastest: the conv kernel, for a GEMM its split-K target (absent: the default), and whether pools go in the conv's loads. */
export interface Tuned {
  kernel: ConvKernel;
  gemmWorkgroups?: number;
  /**
   * LowerOptions.fusePools, measured with a GEMM: true where faster, false where not (or where the
   * pooled variant failed); absent with the direct conv, whose tune does not time it (it lost there).
   */
  fusePools?: boolean;
}

export interface TuneResult extends Tuned {
  /** Per candidate timed on every conv, the sum over TUNE_CONVS of each conv's median milliseconds. */
  ms: Partial<Record<ConvKernel, number>>;
  /** Candidates dropped, or never tried, for being TUNE_PRUNE times behind. */
  pruned: ConvKernel[];
  /** With a GEMM: the late conv's median milliseconds at each split-K target. */
  splitMs?: Record<number, number>;
  /** With a GEMM: TUNE_POOL's median milliseconds with it, the pool in the conv's loads and apart. */
  poolMs?: { fused: number; apart: number };
}

/** The GEMMs: their tune also sets the split-K target and whether pools fuse. */
const isGemm = (k: ConvKernel) => k === 'gemm' || k === 'gemm64';

/** The cached choice for an adapter, if any. */
export async function cachedTune(adapter: string): Promise<Tuned | undefined> {
  const cached = (await readCache())[adapter];
  // An older deepwire cached the kernel's name alone; a name this version does not know (a newer
  // deepwire's, or a damaged file) means measuring again.
  const entry = typeof cached === 'string' ? { kernel: cached } : (cached ?? {}) as { kernel?: unknown; gemmWorkgroups?: unknown; fusePools?: unknown };
  const kernel = TUNE_CANDIDATES.find((k) => k === entry.kernel);
  if (!kernel) return undefined;
  // A GEMM cached before pools were timed (no fusePools) is measured again, pools included.
  if (isGemm(kernel) && typeof entry.fusePools !== 'boolean') return undefined;
  const split = entry.gemmWorkgroups;
  const tuned: Tuned = typeof split === 'number' && Number.isInteger(split) && split >= 0 ? { kernel, gemmWorkgroups: split } : { kernel };
  if (typeof entry.fusePools === 'boolean') tuned.fusePools = entry.fusePools;
  return tuned;
}

/** Measures the candidates on `engine`, caches the winner under its adapter and returns it. */
export async function tuneConvKernel(engine: Engine, runs = 5): Promise<TuneResult> {
  const ms: TuneResult['ms'] = {};
  const farBehind = (k: ConvKernel, among: ConvKernel[]) => ms[k]! > TUNE_PRUNE * Math.min(...among.map((c) => ms[c]!));
  let alive = [...TUNE_CANDIDATES];
  /** The last (late) conv's time per candidate, at the default split-K target. */
  const late: Partial<Record<ConvKernel, number>> = {};
  for (const [i, conv] of TUNE_CONVS.entries()) {
    const timed: ConvKernel[] = [];
    for (const kernel of alive) {
      // A bigger-tiled form is first tried only where its base kept up; once timed it stands on its own.
      const base = REFINES[kernel];
      if (base && ms[kernel] === undefined && (!timed.includes(base) || farBehind(base, timed))) continue;
      const t = await medianMs(engine, convGraph(conv), { convKernel: kernel }, runs);
      ms[kernel] = (ms[kernel] ?? 0) + t;
      late[kernel] = t;
      timed.push(kernel);
    }
    // The far-behind drop out before the next conv; those still in finish the last one and are compared.
    alive = i === TUNE_CONVS.length - 1 ? timed : timed.filter((k) => !farBehind(k, timed));
  }
  for (const k of TUNE_CANDIDATES) if (!alive.includes(k)) delete ms[k];
  const kernel = alive.reduce((best, k) => (ms[k]! < ms[best]! ? k : best));
  const tuned: Tuned = { kernel };
  let splitMs: Record<number, number> | undefined;
  let poolMs: TuneResult['poolMs'];
  if (isGemm(kernel)) {
    // The late conv is where K splits (few output tiles): each other target timed there against the default.
    splitMs = { [TUNE_SPLIT_TARGETS[0]]: late[kernel]! };
    for (const target of TUNE_SPLIT_TARGETS.slice(1)) splitMs[target] = await medianMs(engine, convGraph(TUNE_CONVS.at(-1)!), { convKernel: kernel, gemmWorkgroups: target }, runs);
    tuned.gemmWorkgroups = TUNE_SPLIT_TARGETS.reduce((best, t) => (splitMs![t] < splitMs![best] ? t : best));
    // The pool in the conv's loads where that is faster, apart on a tie (its own dispatch keeps its own
    // time per node) or where the pooled variant does not build (the kernel's choice is kept all the same).
    const chosen = { convKernel: kernel, gemmWorkgroups: tuned.gemmWorkgroups };
    tuned.fusePools = false;
    try {
      poolMs = { apart: await medianMs(engine, poolGraph(), { ...chosen, fusePools: false }, runs), fused: await medianMs(engine, poolGraph(), { ...chosen, fusePools: true }, runs) };
      // A pooled variant that failed to build was timed apart again (CompiledGraph.prepare): not a win.
      if (poolMs.fused < poolMs.apart && !engine.poolsUnbuildable) tuned.fusePools = true;
    } catch {
      // the pools stay apart
    }
  }
  await writeCache({ ...(await readCache()), [engine.info.description]: tuned });
  return { ...tuned, ms, pruned: TUNE_CANDIDATES.filter((k) => !alive.includes(k)), ...(splitMs ? { splitMs } : {}), ...(poolMs ? { poolMs } : {}) };
}

/** A tuning conv: 3×3 'same' with a ReLU. */
function convGraph({ input, filters }: (typeof TUNE_CONVS)[number]): GraphFile {
  return {
    format: 'deepwire-graph', version: 1, outputs: ['y'],
    nodes: [
      { id: 'x', op: 'Input', attrs: { shape: input } },
      { id: 'y', op: 'Conv2D', inputs: ['x'], attrs: { filters, kernel_size: 3, padding: 'same', activation: 'relu' } },
    ],
  };
}

/** TUNE_POOL: a 3×3 stride-1 'same' max pool, then a 1×1 conv with a ReLU. */
function poolGraph(): GraphFile {
  return {
    format: 'deepwire-graph', version: 1, outputs: ['y'],
    nodes: [
      { id: 'x', op: 'Input', attrs: { shape: TUNE_POOL.input } },
      { id: 'pool', op: 'MaxPool2D', inputs: ['x'], attrs: { pool_size: 3, strides: 1, padding: 'same' } },
      { id: 'y', op: 'Conv2D', inputs: ['pool'], attrs: { filters: TUNE_POOL.filters, kernel_size: 1, activation: 'relu' } },
    ],
  };
}

/** A tuning graph's median time with `options`, after a warm-up run. */
async function medianMs(engine: Engine, graph: GraphFile, options: Pick<LowerOptions, 'convKernel' | 'gemmWorkgroups' | 'fusePools'>, runs: number): Promise<number> {
  const report = analyzeGraph(graph);
  const weights = materializeWeights(report, 0);
  const input = report.byId.get('x')!.shape!;
  const x = { shape: [1, ...input], data: new Float32Array(input.reduce((a, b) => a * b, 1)).fill(0.5) };
  // The target and the pools explicitly, defaults included: a re-tune must not time candidates at the previous tune's.
  const compiled = engine.compile(report, weights, { gemmWorkgroups: TUNE_SPLIT_TARGETS[0], fusePools: false, ...options });
  try {
    await compiled.run({ x });
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      const { timings } = await compiled.run({ x }, { timing: true });
      times.push(timings?.source === 'timestamp-query' ? timings.totalMs : performance.now() - started);
    }
    return times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
  } finally {
    compiled.destroy();
  }
}

/** Adapter description → its Tuned, or (written by an older deepwire) the kernel's name. */
type Cache = Record<string, unknown>;

/** The cache file in Node and Deno (Deno also has a localStorage, but tests point XDG_CACHE_HOME elsewhere); null in a page. */
async function cacheFile(): Promise<string | null> {
  if (typeof document !== 'undefined' || typeof process === 'undefined' || !process.versions?.node) return null;
  const [{ homedir }, { join }] = await Promise.all([import('node:os'), import('node:path')]);
  return join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'deepwire', 'conv-kernel.json');
}

async function readCache(): Promise<Cache> {
  try {
    const file = await cacheFile();
    if (!file) return typeof localStorage !== 'undefined' ? JSON.parse(localStorage.getItem(CACHE_KEY) ?? '{}') : {};
    const { readFile } = await import('node:fs/promises');
    return JSON.parse(await readFile(file, 'utf8'));
  } catch {
    return {}; // no cache yet, or an unreadable one: tuning writes a fresh one
  }
}

async function writeCache(cache: Cache): Promise<void> {
  try {
    const file = await cacheFile();
    if (!file) return typeof localStorage !== 'undefined' ? localStorage.setItem(CACHE_KEY, JSON.stringify(cache)) : undefined;
    const [{ mkdir, writeFile }, { dirname }] = await Promise.all([import('node:fs/promises'), import('node:path')]);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, JSON.stringify(cache, null, 2));
  } catch {
    // a read-only home or storage quota: the choice just isn't remembered
  }
}
