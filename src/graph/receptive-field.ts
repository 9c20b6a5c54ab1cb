// Receptive fields: which pixels of the graph's input image each output position of a node can see,
// composed through the ops as in Araujo et al., "Computing Receptive Fields of Convolutional Neural
// Networks" (Distill, 2019). Per axis, output position y sees input rows start + y·stride … start +
// y·stride + size − 1; start is negative where padding reaches past the image's top or left edge.
// Each op's own part is its `field` (src/ops/field.ts), in its file.
import { isMap, type FieldStep, type Pair } from '../ops/field.ts';
import type { GraphReport, NodeReport } from './analyze.ts';
import type { Shape } from './types.ts';

export type { Pair } from '../ops/field.ts';

/**
 * A node's receptive field in the pixels of an Input (or of the `from` node given to receptiveFields).
 * - `window`: output (y, x) sees rows start[0] + y·stride[0] … + size[0] − 1 and likewise columns
 *   (a bound: a dilated kernel skips rows inside it, a max takes one pixel of it).
 * - `whole`: every value may depend on every pixel (Dense over a vector, Flatten, global pooling).
 * - `none`: no field can be given; `reason` says why (the node has a problem, mixes two Inputs, …).
 * - `independent`: the node does not depend on the pixels asked about.
 */
export type ReceptiveField =
  | { kind: 'window'; input: string; size: Pair; stride: Pair; start: Pair; note?: string }
  | { kind: 'whole'; inputs: string[]; reason: string }
  | { kind: 'none'; reason: string }
  | { kind: 'independent' };

/** A pixel rectangle of the input image; bottom and right exclusive. */
export interface PixelRect {
  top: number;
  left: number;
  bottom: number;
  right: number;
}

export interface FieldOptions {
  /**
   * Measure fields in the pixels of this node's output instead of the Inputs' (an op's input maps);
   * nodes that do not depend on it are `independent`.
   */
  from?: string;
}

/** Every node's receptive field, by node id, in topological order of the report. */
export function receptiveFields(report: GraphReport, options: FieldOptions = {}): Map<string, ReceptiveField> {
  const fields = new Map<string, ReceptiveField>();
  for (const id of report.order) fields.set(id, nodeField(report.byId.get(id)!, report, fields, options.from));
  for (const node of report.nodes) if (!fields.has(node.id)) fields.set(node.id, { kind: 'none', reason: 'it is in a cycle' });
  return fields;
}

function nodeField(node: NodeReport, report: GraphReport, fields: Map<string, ReceptiveField>, from?: string): ReceptiveField {
  if (node.id === from || (from === undefined && node.def?.category === 'Input')) {
    const shape = node.shape ? node.shape.join('×') : 'unknown';
    return isMap(node.shape)
      ? { kind: 'window', input: node.id, size: [1, 1], stride: [1, 1], start: [0, 0] }
      : { kind: 'none', reason: `its ${shape} tensor is not an image (H×W×C)` };
  }
  if (!node.def || !node.shape) return { kind: 'none', reason: 'it has no output shape: fix its problem first' };
  const inputShapes = node.inputs.map((i) => report.byId.get(i)?.shape);
  if (inputShapes.some((s) => !s)) return { kind: 'none', reason: 'an input has no shape' };
  const rule = node.def.field(inputShapes as Shape[], node.attrs as never, node.shape);
  const inputs = node.inputs.map((i) => fields.get(i) ?? { kind: 'none' as const, reason: 'an input has no field' });
  if (rule === 'source') return from === undefined ? { kind: 'none', reason: 'an Input' } : { kind: 'independent' };
  if (rule === 'pointwise') return inputs[0];
  if (rule === 'merge') {
    // an operand broadcast across the map (a squeeze-and-excitation scale) feeds every position
    const spread = inputs.map((f, k) => (isMap(node.shape) && f.kind === 'window' && !sameSpatial(inputShapes[k]!, node.shape!)
      ? { kind: 'whole' as const, inputs: [f.input], reason: `${node.op} broadcasts an operand across the map` } : f));
    return union(spread);
  }
  if ('whole' in rule) return wholeOf(inputs, rule.whole);
  if ('none' in rule) return inputs.some((f) => f.kind !== 'independent') ? { kind: 'none', reason: rule.none } : { kind: 'independent' };
  return through(inputs[0], rule);
}

const sameSpatial = (a: Shape, b: Shape) => isMap(a) && a[0] === b[0] && a[1] === b[1];

/** A field seen through one more window: Araujo et al.'s r' = r + (k − 1)·d·j, j' = j·s, start' = start − p·j. */
function through(f: ReceptiveField, step: FieldStep): ReceptiveField {
  if (f.kind !== 'window') return f;
  const axis = (i: 0 | 1) => ({
    size: f.size[i] + (step.kernel[i] - 1) * step.dilation[i] * f.stride[i],
    stride: f.stride[i] * step.stride[i],
    start: f.start[i] - step.padBefore[i] * f.stride[i],
  });
  const [h, w] = [axis(0), axis(1)];
  const note = step.note ?? f.note;
  return { kind: 'window', input: f.input, size: [h.size, w.size], stride: [h.stride, w.stride], start: [h.start, w.start], ...(note ? { note } : {}) };
}

function wholeOf(inputs: ReceptiveField[], reason: string): ReceptiveField {
  const none = inputs.find((f) => f.kind === 'none');
  if (none) return none;
  const ids = [...new Set(inputs.flatMap((f) => (f.kind === 'window' ? [f.input] : f.kind === 'whole' ? f.inputs : [])))];
  return ids.length ? { kind: 'whole', inputs: ids, reason } : { kind: 'independent' };
}

/** A merge's field: the smallest window holding all of its operands' windows (or whole, or none). */
function union(inputs: ReceptiveField[]): ReceptiveField {
  const none = inputs.find((f) => f.kind === 'none');
  if (none) return none;
  const whole = inputs.filter((f) => f.kind === 'whole');
  if (whole.length) return wholeOf(inputs, whole[0].reason);
  const windows = inputs.filter((f): f is Extract<ReceptiveField, { kind: 'window' }> => f.kind === 'window');
  if (!windows.length) return { kind: 'independent' };
  const [first] = windows;
  const other = windows.find((f) => f.input !== first.input);
  if (other) return { kind: 'none', reason: `it mixes two Inputs, '${first.input}' and '${other.input}'` };
  const uneven = windows.find((f) => f.stride[0] !== first.stride[0] || f.stride[1] !== first.stride[1]);
  if (uneven)
    return { kind: 'none', reason: `its operands step through the input at different strides (${first.stride.join('×')} and ${uneven.stride.join('×')})` };
  const axis = (i: 0 | 1) => {
    const start = Math.min(...windows.map((f) => f.start[i]));
    const end = Math.max(...windows.map((f) => f.start[i] + f.size[i]));
    return { start, size: end - start };
  };
  const [h, w] = [axis(0), axis(1)];
  const note = windows.find((f) => f.note)?.note;
  return { kind: 'window', input: first.input, size: [h.size, w.size], stride: first.stride, start: [h.start, w.start], ...(note ? { note } : {}) };
}

/**
 * The input pixels output position [y, x] sees, clipped to the image [H, W] (bottom and right
 * exclusive); null where the field is `none` or `independent`. A `whole` field is the whole image.
 */
export function fieldRect(field: ReceptiveField, [y, x]: readonly [number, number], [H, W]: readonly [number, number]): PixelRect | null {
  if (field.kind === 'whole') return { top: 0, left: 0, bottom: H, right: W };
  if (field.kind !== 'window') return null;
  const top = field.start[0] + y * field.stride[0], left = field.start[1] + x * field.stride[1];
  return {
    top: Math.max(top, 0), left: Math.max(left, 0),
    bottom: Math.min(top + field.size[0], H), right: Math.min(left + field.size[1], W),
  };
}

/** "11×11 px, stride 4", "whole input (global average pooling: …)", or why there is none. */
export function describeField(field: ReceptiveField): string {
  const pair = ([a, b]: Pair) => (a === b ? `${a}` : `${a}×${b}`);
  switch (field.kind) {
    case 'window': return `${field.size[0]}×${field.size[1]} px, stride ${pair(field.stride)}`;
    case 'whole': return `the whole input (${field.reason})`;
    case 'none': return `none: ${field.reason}`;
    case 'independent': return 'none: it does not depend on these pixels';
  }
}
