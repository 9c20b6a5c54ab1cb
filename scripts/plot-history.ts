// Draws training curves from `deepwire fit --history` files as one SVG, for the README:
//   node --import ./bin/register.mjs scripts/plot-history.ts OUT.svg --metric loss|accuracy [--title T]
//        [--per-batch N] LABEL=HISTORY.json ...
// Scales and ticks are the editor's training chart's (editor/chart-scale.ts).
// Per epoch (default): each run's training curve solid and its validation curve dashed, one colour per
// run. --per-batch N: every batch's own value, averaged over N batches, x in epochs.
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { finiteExtent, formatTick, linearScale, niceDomain, niceTicks, tickStep } from '../editor/chart-scale.ts';

interface HistoryFile {
  history: Record<string, number[]>;
  params: { steps: number[] };
  batches: { step: number[]; loss: number[]; accuracy: number[] };
}

interface Series {
  label: string;
  color: string;
  dashed: boolean;
  points: [number, number][];
}

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: { metric: { type: 'string', default: 'loss' }, title: { type: 'string' }, 'per-batch': { type: 'string' } },
});
const [out, ...runs] = positionals;
/** A mistake in the command line: one line on stderr, no stack. */
function refuse(message: string): never {
  console.error(`plot-history: ${message}`);
  process.exit(2);
}
if (!out?.endsWith('.svg') || runs.length === 0) refuse('usage: plot-history.ts OUT.svg --metric loss|accuracy LABEL=HISTORY.json ...');
const metric = args.metric!;
if (metric !== 'loss' && metric !== 'accuracy') refuse(`--metric is loss or accuracy (what --history records), got '${metric}'`);
if (args['per-batch'] !== undefined && !(Number.isInteger(Number(args['per-batch'])) && Number(args['per-batch']) >= 1))
  refuse(`--per-batch averages N batches: a whole number ≥ 1, got '${args['per-batch']}'`);

function readHistory(file: string): HistoryFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    refuse(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  try {
    const h = JSON.parse(text) as HistoryFile;
    if (h?.history && h.params && h.batches) return h;
  } catch {
    // refused below
  }
  refuse(`${file} is not a history file: write one with deepwire fit … --history ${file}`);
}
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd'];

const series: Series[] = runs.flatMap((run, i): Series[] => {
  const [label, file] = run.includes('=') ? [run.slice(0, run.indexOf('=')), run.slice(run.indexOf('=') + 1)] : [run, run];
  const h = readHistory(file);
  const color = COLORS[i % COLORS.length];
  if (args['per-batch']) {
    const window = Number(args['per-batch']);
    const values = h.batches[metric as 'loss' | 'accuracy'];
    const perEpoch = h.params.steps[0];
    const points: [number, number][] = [];
    for (let end = window; end <= values.length; end += Math.max(1, Math.floor(window / 2))) {
      const mean = values.slice(end - window, end).reduce((a, b) => a + b, 0) / window;
      points.push([(end - window / 2) / perEpoch, mean]);
    }
    return [{ label, color, dashed: false, points }];
  }
  const epochs = (values: number[] | undefined) => (values ?? []).map((v, e): [number, number] => [e + 1, v]);
  const trained: Series = { label: `${label} (training)`, color, dashed: false, points: epochs(h.history[metric]) };
  const validated: Series = { label: `${label} (validation)`, color, dashed: true, points: epochs(h.history[`val_${metric}`]) };
  return validated.points.length ? [trained, validated] : [trained];
});

const all = series.flatMap((s) => s.points);
const xMin = args['per-batch'] ? 0 : 1;
const xMax = Math.max(...all.map((p) => p[0]));
const [yLo, yHi] = niceDomain(...(finiteExtent(all.map((p) => p[1])) ?? [0, 1]));
const W = 640, H = 360, left = 56, right = 16, top = 36, bottom = 44;
const sx = linearScale([xMin, xMax], [left, W - right]);
const sy = linearScale([yLo, yHi], [H - bottom, top]);

const parts: string[] = [];
parts.push(`<rect width="${W}" height="${H}" fill="white"/>`);
if (args.title) parts.push(`<text x="${W / 2}" y="20" text-anchor="middle" font-size="14" font-weight="600">${escape(args.title)}</text>`);
for (const y of niceTicks(yLo, yHi)) {
  parts.push(`<line x1="${left}" x2="${W - right}" y1="${sy(y)}" y2="${sy(y)}" stroke="#e5e5e5"/>`);
  parts.push(`<text x="${left - 6}" y="${sy(y) + 4}" text-anchor="end" font-size="11">${formatTick(y, tickStep(yLo, yHi, 5))}</text>`);
}
for (const x of niceTicks(xMin, xMax, 6)) {
  parts.push(`<line x1="${sx(x)}" x2="${sx(x)}" y1="${H - bottom}" y2="${H - bottom + 4}" stroke="#333"/>`);
  parts.push(`<text x="${sx(x)}" y="${H - bottom + 16}" text-anchor="middle" font-size="11">${formatTick(x, tickStep(xMin, xMax, 6))}</text>`);
}
parts.push(`<line x1="${left}" x2="${W - right}" y1="${H - bottom}" y2="${H - bottom}" stroke="#333"/>`);
parts.push(`<line x1="${left}" x2="${left}" y1="${top}" y2="${H - bottom}" stroke="#333"/>`);
parts.push(`<text x="${(left + W - right) / 2}" y="${H - 8}" text-anchor="middle" font-size="12">epoch</text>`);
parts.push(`<text transform="translate(14 ${(top + H - bottom) / 2}) rotate(-90)" text-anchor="middle" font-size="12">${escape(metric)}</text>`);
for (const s of series) {
  const d = s.points.map(([x, y], i) => `${i ? 'L' : 'M'}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join('');
  parts.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
}
// The legend where the curves are not: bottom right for accuracy (it rises), top right for loss.
const legendTop = metric === 'accuracy' ? H - bottom - 8 - series.length * 16 : top + 8;
series.forEach((s, i) => {
  const y = legendTop + i * 16;
  const x = W - right - 220;
  parts.push(`<line x1="${x}" x2="${x + 24}" y1="${y}" y2="${y}" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
  parts.push(`<text x="${x + 30}" y="${y + 4}" font-size="11">${escape(s.label)}</text>`);
});
writeFileSync(out, `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif">\n${parts.join('\n')}\n</svg>\n`);
console.log(`${out}: ${series.length} curves`);

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
