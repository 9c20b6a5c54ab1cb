/** Scales and ticks for the training curves (train-chart.ts): a linear map from data to pixels and "nice"
 *  tick values (1, 2 or 5 × 10^k apart, as d3's ticks), so the axes read 0, 0.5, 1, 1.5 rather than
 *  0.37, 0.74. Pure, no DOM. */

export interface LinearScale {
  (value: number): number;
  domain: [number, number];
  range: [number, number];
  /** The data value at a pixel. */
  invert(px: number): number;
}

/** Maps [d0, d1] onto [r0, r1]; a zero-width domain maps everything to the middle of the range. */
export function linearScale(domain: [number, number], range: [number, number]): LinearScale {
  const [d0, d1] = domain, [r0, r1] = range;
  const span = d1 - d0;
  const scale = ((v: number) => (span === 0 ? (r0 + r1) / 2 : r0 + ((v - d0) / span) * (r1 - r0))) as LinearScale;
  scale.domain = [d0, d1];
  scale.range = [r0, r1];
  scale.invert = (px: number) => (r1 === r0 ? d0 : d0 + ((px - r0) / (r1 - r0)) * span);
  return scale;
}

/** The tick step for about `count` ticks over [min, max]: 1, 2 or 5 times a power of ten. */
export function tickStep(min: number, max: number, count: number): number {
  const raw = Math.abs(max - min) / Math.max(1, count);
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  // d3's thresholds (√50, √10, √2): the step whose tick count lies nearest to `count` on a log scale.
  return (fraction >= Math.SQRT2 * 5 ? 10 : fraction >= Math.sqrt(10) ? 5 : fraction >= Math.SQRT2 ? 2 : 1) * power;
}

/** Multiples of the nice step inside [min, max] (both included when they fall on it). */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (min === max) return [min];
  const step = tickStep(min, max, count);
  const ticks: number[] = [];
  // Integers times the step, so 0.1 + 0.2 does not creep in.
  for (let k = Math.ceil(min / step - 1e-9); k * step <= max + step * 1e-9; k++) ticks.push(roundTo(k * step, step));
  return ticks;
}

/** [min, max] widened outwards to whole steps, so the curve's extremes sit on or inside the end ticks. */
export function niceDomain(min: number, max: number, count = 5): [number, number] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [0, 1];
  if (min === max) return min === 0 ? [0, 1] : [Math.min(0, min), Math.max(0, max)];
  const step = tickStep(min, max, count);
  return [roundTo(Math.floor(min / step + 1e-9) * step, step), roundTo(Math.ceil(max / step - 1e-9) * step, step)];
}

/** A tick label with as many decimals as the step needs (0.25 → "0.25", 2000 → "2000"). */
export function formatTick(value: number, step: number): string {
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  return value.toFixed(Math.min(decimals, 6));
}

/** The smallest and largest finite values, or null when there is none. */
export function finiteExtent(values: Iterable<number>): [number, number] | null {
  let lo = Infinity, hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : null;
}

const roundTo = (v: number, step: number) => {
  const decimals = Math.max(0, -Math.floor(Math.log10(step)) + 1);
  return Number(v.toFixed(Math.min(decimals, 12)));
};

export type XUnit = 'step' | 'epoch';

/**
 * Where a run's points sit on the x axis: at their optimizer step, or by epoch — batch b of epoch e at
 * e − 1 + b / n (n: the run's batches per epoch, its longest epoch), an epoch's mean where its last batch is —
 * so runs of other batch sizes or steps per epoch line up epoch by epoch.
 */
export function xPosition(curves: { batches: readonly { step: number; epoch: number; batch: number }[] }, unit: XUnit):
  { batch(b: { step: number; epoch: number; batch: number }): number; epoch(e: { step: number; epoch: number }): number } {
  if (unit === 'step') return { batch: (b) => b.step, epoch: (e) => e.step };
  const counts = new Map<number, number>();
  for (const b of curves.batches) counts.set(b.epoch, Math.max(counts.get(b.epoch) ?? 0, b.batch));
  const perEpoch = Math.max(1, ...counts.values());
  return { batch: (b) => b.epoch - 1 + b.batch / perEpoch, epoch: (e) => e.epoch - 1 + (counts.get(e.epoch) ?? perEpoch) / perEpoch };
}
