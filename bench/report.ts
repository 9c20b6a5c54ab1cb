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
  /** Largest |value| of the reference output: the scale max_abs_diff is to be read against. */
  ref_max_abs?: number | null;
  runs?: number;
  adapter?: string;
  longest_task_ms?: number;
  /** The output read into one array reused across warm runs (deepwire's `into`; not with --fresh-outputs). */
  reused_output?: boolean;
  /** 1-minute load average of the machine when the row finished: noise from other work shows here. */
  load_avg?: number;
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

/** Conv-level tolerance (STYLE.md): beyond it an engine computed something else, and its time means nothing. */
export function outOfTolerance(r: EngineRow): boolean {
  return r.max_abs_diff !== null && r.ref_max_abs != null && !(r.max_abs_diff <= 1e-4 + 1e-3 * r.ref_max_abs);
}

export function maxAbs(a: Float32Array): number {
  let max = 0;
  for (const v of a) max = Math.max(max, Math.abs(v));
  return max;
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
const exp = (v: number | null) => (v === null ? '–' : v.toExponential(1));
const mib = (v: number | null) => (v === null ? '–' : v === 0 ? '0' : `${(v / 2 ** 20).toFixed(1)} MiB`);

function markdown(head: string[], body: string[][], leftColumns: number): string {
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i < leftColumns ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  return [line(head), `|${widths.map((w, i) => `${i < leftColumns ? '-' : '-'}${'-'.repeat(w)}${i < leftColumns ? '-' : ':'}`).join('|')}|`, ...body.map(line)].join('\n');
}

/** The engine rows as one Markdown table, failures in words; then deepwire's ratios per workload. */
export function formatTable(rows: (EngineRow | RatioRow)[]): string {
  const engines = rows.filter((r): r is EngineRow => 'engine' in r);
  const ratios = rows.filter((r): r is RatioRow => !('engine' in r));
  // Longest main-thread task during the warm runs (issue #8 item 4: the editor stays responsive); 0 = none over 50 ms.
  const head = ['workload', 'engine', 'median', 'min', 'first run', 'GFLOP/s', 'peak GPU', 'max |diff|', 'of max |ref|', 'runs', 'longest task'];
  const notes: string[] = [];
  const body = engines.map((r) => r.error
    ? [r.workload, r.engine, (notes.push(`[${notes.length + 1}] ${r.workload} ${r.engine}: ${r.error.split(' | ')[0].slice(0, 240)}`), r.error.startsWith('skipped') ? `skipped [${notes.length}]` : `failed [${notes.length}]`), '', '', '', '', '', '', '', '']
    : [r.workload, r.engine, ms(r.median_ms), ms(r.min_ms), ms(r.first_ms), r.gflops!.toFixed(2), mib(r.peak_gpu_bytes),
      `${outOfTolerance(r) ? 'WRONG ' : ''}${exp(r.max_abs_diff)}`, exp(r.ref_max_abs ?? null), String(r.runs ?? ''),
      r.longest_task_ms === undefined ? '–' : ms(r.longest_task_ms)]);
  const out = [markdown(head, body, 2), ...(notes.length ? ['', ...notes] : [])];
  if (ratios.length) {
    out.push('', markdown(
      ['workload', 'fastest WebGPU peer', 'deepwire warm speed-up', 'cold first run speed-up', 'deepwire peak GPU ÷ least peer'],
      ratios.map((r) => [r.workload, r.fastest_webgpu_peer, `${r.ratio_vs_fastest_webgpu_peer.toFixed(2)}×`, `${r.first_run_ratio.toFixed(2)}×`, r.peak_gpu_bytes_vs_least_peer.toFixed(2)]),
      2,
    ));
  }
  return out.join('\n');
}
