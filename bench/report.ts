// The benchmark's rows (bench/results.json) and the table printed from them.

export interface EngineRow {
  engine: string;
  workload: string;
  median_ms: number | null;
  min_ms: number | null;
  /** Cold: the model built from graph + weights, pipelines created, first output read back. */
  first_ms: number | null;
  gflops: number | null;
  peak_gpu_bytes: number | null;
  max_abs_diff: number | null;
  runs?: number;
  adapter?: string;
  longest_task_ms?: number;
  error?: string;
}

export interface RatioRow {
  workload: string;
  /** Fastest WebGPU peer's median ÷ deepwire's: 10 means deepwire is ten times faster. */
  ratio_vs_fastest_webgpu_peer: number;
  fastest_webgpu_peer: string;
  /** Fastest WebGPU peer's cold first run ÷ deepwire's. */
  first_run_ratio: number;
  /** deepwire's peak GPU bytes ÷ the smallest peer's: at most 1 is the target. */
  peak_gpu_bytes_vs_least_peer: number;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Largest |a − b|; Infinity when the lengths differ or a value is NaN. */
export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Infinity;
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= max)) max = Number.isNaN(d) ? Infinity : d;
  }
  return max;
}

const ms = (v: number | null) => (v === null ? '–' : v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(1)} ms`);
const mib = (v: number | null) => (v === null ? '–' : v === 0 ? '0' : `${(v / 2 ** 20).toFixed(1)} MiB`);

export function formatTable(rows: (EngineRow | RatioRow)[]): string {
  const head = ['workload', 'engine', 'median', 'min', 'first run', 'GFLOP/s', 'peak GPU', 'max |diff|', 'runs'];
  const body: string[][] = [];
  for (const r of rows) {
    if ('engine' in r) {
      if (r.error) body.push([r.workload, r.engine, r.error.slice(0, 90)]);
      else body.push([r.workload, r.engine, ms(r.median_ms), ms(r.min_ms), ms(r.first_ms), r.gflops!.toFixed(2), mib(r.peak_gpu_bytes), r.max_abs_diff === null ? '–' : r.max_abs_diff.toExponential(1), String(r.runs ?? '')]);
    } else {
      body.push([r.workload, `deepwire vs fastest WebGPU peer (${r.fastest_webgpu_peer})`,
        `${r.ratio_vs_fastest_webgpu_peer.toFixed(2)}×`, '', `${r.first_run_ratio.toFixed(2)}×`, '', `${r.peak_gpu_bytes_vs_least_peer.toFixed(2)}× least`, '', '']);
    }
  }
  const widths = head.map((h, i) => Math.max(h.length, ...body.filter((b) => b.length > 3).map((b) => (b[i] ?? '').length)));
  const line = (cells: string[]) => cells.length <= 3
    ? `| ${cells[0].padEnd(widths[0])} | ${cells[1].padEnd(widths[1])} | ${cells[2]}`
    : `| ${cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  return [line(head), `|${widths.map((w, i) => (i < 2 ? `-${'-'.repeat(w)}-` : `-${'-'.repeat(w)}:`)).join('|')}|`, ...body.map(line)].join('\n');
}
