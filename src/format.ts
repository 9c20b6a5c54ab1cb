// How numbers are written, in the CLI and the editor alike: counts (params, FLOPs, bytes), measured
// values (activations, losses) and sizes. One place, so a table and the node it describes agree.

// Built once: toLocaleString builds a formatter per call (a quarter of a second over a 500-node sync).
const GROUPED = new Intl.NumberFormat('en-US');

/** 163696 → `163,696`: a count in full, as Keras' model.summary() prints params. */
export function formatCount(n: number): string {
  return GROUPED.format(n);
}

/** 999 → `999`, 1234567 → `1.23 M`, (5.1e8, 'FLOPs') → `510.00 MFLOPs`: two decimals in the largest unit that fits. */
export function formatScaledCount(n: number, suffix = ''): string {
  const units: [number, string][] = [[1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e3, 'k']];
  for (const [size, unit] of units) if (n >= size) return `${(n / size).toFixed(2)} ${unit}${suffix}`;
  return suffix ? `${n} ${suffix}` : `${n}`;
}

/** 1.23 G, 45.6 M, 789 k: three significant digits, for FLOPs on a node's face (estimates: three say enough). */
export function formatCompactCount(n: number): string {
  for (const [unit, size] of [['G', 1e9], ['M', 1e6], ['k', 1e3]] as const)
    if (n >= size) return `${(n / size).toPrecision(3).replace(/\.?0+$/, '')} ${unit}`;
  return String(n);
}

/** Up to 6 significant digits, no trailing zeros: 0.25, 5, 1234570, 1.5e-7. */
export function formatNumber(x: number): string {
  return Object.is(x, -0) ? '0' : String(Number(x.toPrecision(6)));
}

/** An activation as the viewer shows it: 4 significant digits, exponent notation when very large or small. */
export function formatValue(v: number, exponentDigits = 3): string {
  if (!Number.isFinite(v)) return String(v);
  return Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(exponentDigits) : v.toPrecision(4);
}

/** 12345678 bytes → `12.3 MB`. */
export function formatMegabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}
