// An explanation as lines of text (`deepwire explain`): every number as the editor writes activations
// (formatValue), the last line `value: V`, the value the run computed.
import { formatValue } from '../format.ts';
import { formatShape } from '../tensor.ts';
import { axisNames, nodeLabel } from './position.ts';
import type {
  ActivationStep, BatchNormExplanation, ConvExplanation, DenseExplanation, DotExplanation, Explanation, MergeExplanation, PoolExplanation,
} from './types.ts';

/** `y 4, x 7, c 2` */
export const describeAt = (at: readonly number[]): string => {
  const names = axisNames(at.length);
  return at.map((v, i) => `${names[i]} ${v}`).join(', ');
};

const pair = ([a, b]: readonly number[]) => (a === b ? `${a}` : `${a}×${b}`);
const span = (v: readonly number[]) => (v.length === 1 ? `${v[0]}` : `${v[0]}…${v[v.length - 1]}${v.length > 1 && v[1] - v[0] > 1 ? ` every ${v[1] - v[0]}` : ''}`);
const MIDDLE_DOT = '·';

/** A rows×cols grid of numbers, right-aligned; padding shown as `·`. */
function grid(values: readonly (number | null)[], cols: number): string[] {
  const cells = values.map((v) => (v === null ? MIDDLE_DOT : formatValue(v)));
  const width = Math.max(...cells.map((c) => c.length));
  const lines: string[] = [];
  for (let r = 0; r < cells.length / cols; r++) lines.push(cells.slice(r * cols, (r + 1) * cols).map((c) => c.padStart(width)).join(' '));
  return lines;
}

/** Two grids side by side under their titles. */
function sideBySide(left: string[], right: string[], titles: [string, string], indent: string): string[] {
  const width = Math.max(titles[0].length, ...left.map((l) => l.length));
  return [titles, ...left.map((l, i) => [l, right[i] ?? ''])].map(([a, b]) => `${indent}${a.padEnd(width)}   ${b}`.trimEnd());
}

function activationLines(step: ActivationStep): string[] {
  if (step.name === 'linear') return [];
  if (step.softmax) {
    const { max, sum, count } = step.softmax;
    return [`activation softmax over the ${count} values at this position: exp(${formatValue(step.before)} − ${formatValue(max)}) / ${formatValue(sum)} = ${formatValue(step.after)}`];
  }
  return [`activation ${step.name}: ${formatValue(step.before)} → ${formatValue(step.after)}`];
}

function convLines(e: ConvExplanation, detail: number): string[] {
  const rank = [...e.terms].sort((p, q) => Math.abs(q.partial) - Math.abs(p.partial));
  const shown = rank.slice(0, detail);
  const others = rank.slice(detail);
  const what = e.op === 'SeparableConv2D' ? 'per input channel and depth multiplier: depthwise sum × pointwise weight' : 'per input channel: Σ patch × kernel';
  const [H, W] = e.input.shape;
  const padded = e.rows.some((r) => r < 0 || r >= H) || e.cols.some((c) => c < 0 || c >= W);
  const lines = [
    `window on ${nodeLabel(e.input.id, e.input.name)} (${formatShape(e.input.shape)}): rows ${span(e.rows)}, cols ${span(e.cols)}${padded ? ` (outside 0…${H - 1} × 0…${W - 1}: padding, shown ·)` : ''}`,
    `${what} (${e.terms.length} term${e.terms.length === 1 ? '' : 's'}${others.length ? `, the ${shown.length} largest shown` : ''}):`,
  ];
  const cols = e.cols.length;
  for (const t of shown) {
    const pw = t.pointwise ? ` (depth multiplier ${t.pointwise.multiplier}): depthwise ${formatValue(t.pointwise.depthwise)} × pointwise ${formatValue(t.pointwise.weight)} =` : ':';
    lines.push(`  channel ${t.channel}${pw} partial ${formatValue(t.partial)}`);
    lines.push(...sideBySide(grid(t.patch, cols), grid(t.kernel, cols), ['patch', 'kernel'], '    '));
  }
  if (others.length) lines.push(`  the other ${others.length}: Σ ${formatValue(others.reduce((s, t) => s + t.partial, 0))}`);
  lines.push(`bias: ${e.bias === null ? 'none (use_bias false)' : formatValue(e.bias)}`);
  lines.push(`sum: ${formatValue(e.preActivation)} (the partials and the bias)`);
  return [...lines, ...activationLines(e.activation)];
}

function poolLines(e: PoolExplanation): string[] {
  const lines = [`window on ${nodeLabel(e.input.id, e.input.name)} (${formatShape(e.input.shape)}), channel ${e.channel}: rows ${span(e.rows)}, cols ${span(e.cols)}`];
  if (e.values.length <= 256) lines.push(...grid(e.values, e.cols.length).map((l) => `  ${l}`));
  else lines.push(`  (${e.values.length} values: too many to print)`);
  if (e.winner) lines.push(`max: ${formatValue(e.winner.value)} at row ${e.winner.row}, col ${e.winner.col}`);
  else lines.push(`mean: ${formatValue(e.sum!)} / ${e.count} = ${formatValue(e.total)}`);
  return lines;
}

const SYMBOLS: Partial<Record<MergeExplanation['operation'], string>> = { add: '+', subtract: '−', multiply: '×', divide: '÷' };

function mergeLines(e: MergeExplanation): string[] {
  if (e.concat) {
    const [o] = e.operands;
    return [`from input ${o.index + 1} of ${e.concat.offsets.length}, ${nodeLabel(o.id, o.name)}, which fills axis ${e.concat.axis + 1} from ${e.concat.offsets[o.index]}: its ${describeAt(o.at)} = ${formatValue(o.value)}`];
  }
  const lines = ['operands at this position:', ...e.operands.map((o) => `  ${nodeLabel(o.id, o.name)} (${describeAt(o.at)}): ${formatValue(o.value)}`)];
  const values = e.operands.map((o) => formatValue(o.value));
  const symbol = SYMBOLS[e.operation];
  const formula = symbol ? values.join(` ${symbol} `) : e.operation === 'average' ? `(${values.join(' + ')}) / ${values.length}` : `${e.operation}(${values.join(', ')})`;
  return [...lines, `${e.operation}: ${formula} = ${formatValue(e.total)}`];
}

function dotLines(e: DotExplanation): string[] {
  const list = (v: number[]) => (v.length <= 16 ? v.map(formatValue).join(', ') : `${v.slice(0, 16).map(formatValue).join(', ')}, … (${v.length} in all)`);
  const lines = e.operands.map((o) => `${nodeLabel(o.id, o.name)} from ${describeAt(o.at)} along its axis: ${list(o.values)}`);
  lines.push(`products: ${list(e.products)}`, `Σ products: ${formatValue(e.sum)}`);
  if (e.norms) lines.push(`normalize: ${formatValue(e.sum)} / (${formatValue(e.norms[0])} × ${formatValue(e.norms[1])}) = ${formatValue(e.total)}`);
  return lines;
}

/** Whose statistics normalise the value: the channel's moving ones, or the position's own over its channels. */
export function statisticsLabel(e: BatchNormExplanation): string {
  return e.statistics === 'moving' ? `channel ${e.channel}'s moving statistics` : `the position's ${e.shape[e.shape.length - 1]} channels`;
}

function batchNormLines(e: BatchNormExplanation): string[] {
  return [
    `x: ${formatValue(e.x)} (${nodeLabel(e.input.id, e.input.name)}, same position)`,
    `${statisticsLabel(e)}: mean ${formatValue(e.mean)}, variance ${formatValue(e.variance)}, epsilon ${formatValue(e.epsilon)}`,
    `(x − mean) / √(variance + epsilon) = ${formatValue(e.normalized)}`,
    `× gamma ${e.gamma === null ? '1 (scale false)' : formatValue(e.gamma)} + beta ${e.beta === null ? '0 (center false)' : formatValue(e.beta)} = ${formatValue(e.total)}`,
  ];
}

function denseLines(e: DenseExplanation): string[] {
  const width = String(e.input.size - 1).length;
  return [
    `inputs: ${nodeLabel(e.input.id, e.input.name)} (${e.input.size} values); the ${e.top.length} largest input × weight:`,
    ...e.top.map((t) => `  [${String(t.index).padStart(width)}] ${formatValue(t.input)} × ${formatValue(t.weight)} = ${formatValue(t.product)}`),
    ...(e.rest.count ? [`  the other ${e.rest.count}: Σ ${formatValue(e.rest.sum)}`] : []),
    `bias: ${e.bias === null ? 'none (use_bias false)' : formatValue(e.bias)}`,
    `sum: ${formatValue(e.preActivation)}`,
    ...activationLines(e.activation),
  ];
}

/** The op and its key attrs, for the first line. */
function heading(e: Explanation, attrs: Record<string, unknown>): string {
  const parts: string[] = [];
  if (e.kind === 'conv' || (e.kind === 'pool' && !e.global)) {
    const kernel = (attrs.kernel_size ?? attrs.pool_size) as number[];
    parts.push(kernel.join('×'));
    const strides = (attrs.strides ?? attrs.pool_size) as number[];
    if (strides.some((s) => s !== 1)) parts.push(`strides ${pair(strides)}`);
    const dilation = attrs.dilation_rate as number[] | undefined;
    if (dilation?.some((d) => d !== 1)) parts.push(`dilation ${pair(dilation)}`);
    parts.push(`padding ${JSON.stringify(attrs.padding).replace(/"/g, '')}`);
    if (typeof attrs.groups === 'number' && attrs.groups > 1) parts.push(`groups ${attrs.groups}`);
  }
  if (e.kind === 'conv' || e.kind === 'dense') if (attrs.activation !== 'linear') parts.push(String(attrs.activation));
  return `${nodeLabel(e.node, e.name)} (${e.op}${parts.length ? ` ${parts.join(', ')}` : ''}) at ${describeAt(e.at)} of ${formatShape(e.shape)}${e.image ? `, image ${e.image + 1}` : ''}`;
}

/**
 * The breakdown as lines, ending with the total, how far the run's float32 value is from it, and
 * `value: V`. `detail`: how many conv channels to print with their patch and kernel (the largest partials).
 */
export function explanationText(e: Explanation, attrs: Record<string, unknown>, { detail = 8 } = {}): string[] {
  const body = e.kind === 'conv' ? convLines(e, detail) : e.kind === 'pool' ? poolLines(e) : e.kind === 'merge' ? mergeLines(e)
    : e.kind === 'dot' ? dotLines(e) : e.kind === 'batch-norm' ? batchNormLines(e) : denseLines(e);
  const difference = Math.abs(e.total - e.value);
  const agreement = difference === 0 ? 'the run computed exactly this'
    : `the run's float32 value differs by ${difference.toExponential(1)}: rounding of terms of magnitude ${formatValue(e.scale)}`;
  return [heading(e, attrs), ...body, `total: ${formatValue(e.total)} (float64 from the run's float32 tensors; ${agreement})`, `value: ${formatValue(e.value)}`];
}
