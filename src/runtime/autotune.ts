// Picks the conv kernel an adapter runs fastest by measuring, once per adapter: the direct kernel
// (register tiles) and the GEMM (workgroup-memory tiles) on one representative 3×3 conv, timed with
// timestamp queries where offered. The choice is cached (localStorage in a browser, a JSON file under
// the user's cache folder in Node) so later sessions start with it.
import { analyzeGraph } from '../graph/analyze.ts';
import type { ConvKernel } from '../compile/lower.ts';
import type { Engine } from './engine.ts';
import { materializeWeights } from './reference.ts';

const CACHE_KEY = 'deepwire.conv-kernel';

export interface TuneResult {
  kernel: ConvKernel;
  /** Median milliseconds per candidate. */
  ms: Partial<Record<ConvKernel, number>>;
}

/** The cached choice for an adapter, if any. */
export async function cachedConvKernel(adapter: string): Promise<ConvKernel | undefined> {
  return (await readCache())[adapter];
}

/** Measures the candidates on `engine`, caches the winner under its adapter and returns it. */
export async function tuneConvKernel(engine: Engine, runs = 5): Promise<TuneResult> {
  const report = analyzeGraph({
    format: 'deepwire-graph', version: 1, outputs: ['y'],
    nodes: [
      { id: 'x', op: 'Input', attrs: { shape: [28, 28, 64] } },
      { id: 'y', op: 'Conv2D', inputs: ['x'], attrs: { filters: 64, kernel_size: 3, padding: 'same', activation: 'relu' } },
    ],
  });
  const weights = materializeWeights(report, 0);
  const x = { shape: [1, 28, 28, 64], data: new Float32Array(28 * 28 * 64).fill(0.5) };
  const ms: TuneResult['ms'] = {};
  for (const kernel of ['direct', 'gemm'] as const) {
    const compiled = engine.compile(report, weights, { convKernel: kernel });
    try {
      await compiled.run({ x });
      const times: number[] = [];
      for (let i = 0; i < runs; i++) {
        const started = performance.now();
        const { timings } = await compiled.run({ x }, { timing: true });
        times.push(timings?.source === 'timestamp-query' ? timings.totalMs : performance.now() - started);
      }
      ms[kernel] = times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
    } finally {
      compiled.destroy();
    }
  }
  const kernel: ConvKernel = (ms.direct ?? Infinity) <= (ms.gemm ?? Infinity) ? 'direct' : 'gemm';
  await writeCache({ ...(await readCache()), [engine.info.description]: kernel });
  return { kernel, ms };
}

type Cache = Record<string, ConvKernel>;

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
