// Keras' model.summary() as text, with a FLOPs column: what `deepwire summary` prints and what the
// editor's window.deepwire.summary().text holds.
import type { GraphReport } from './analyze.ts';
import { formatCount, formatScaledCount } from '../format.ts';

/** One row per layer, a continuation line per extra input (as Keras lists a merge's inputs), then the totals. */
export function modelSummary(name: string, report: GraphReport): string {
  const header = ['Layer (type)', 'Output Shape', 'Param #', 'FLOPs', 'Connected to'];
  const rows: string[][] = [];
  for (const r of report.nodes) {
    const inputs = r.inputs.map((id) => report.byId.get(id)?.name ?? id);
    const shape = r.shape ? `(None, ${r.shape.join(', ')})` : '?';
    rows.push([`${r.name} (${r.op})`, shape, formatCount(r.params.trainable + r.params.nonTrainable), formatScaledCount(r.flops), inputs[0] ?? '']);
    for (const more of inputs.slice(1)) rows.push(['', '', '', '', more]);
  }
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c].length)));
  const line = (cells: string[]) => (' ' + cells.map((cell, c) => cell.padEnd(widths[c])).join('   ')).trimEnd();
  const width = widths.reduce((a, b) => a + b, 0) + 3 * (widths.length - 1) + 1;
  const { totals } = report;
  return [
    `Model: "${name}"`,
    '_'.repeat(width),
    line(header),
    '='.repeat(width),
    ...rows.map(line),
    '='.repeat(width),
    `Total params: ${formatCount(totals.params)}`,
    `Trainable params: ${formatCount(totals.trainable)}`,
    `Non-trainable params: ${formatCount(totals.nonTrainable)}`,
    `Total FLOPs: ${formatScaledCount(totals.flops, 'FLOPs')} per image (1 multiply-add = 2 FLOPs)`,
    '_'.repeat(width),
    '',
  ].join('\n');
}
