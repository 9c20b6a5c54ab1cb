// Resolves a node's raw attrs against its op's schema: fills Keras defaults, normalises
// shorthand (3 → [3, 3]), and reports every bad, out-of-range or unknown attr as a message.
import type { Attrs } from '../graph/types.ts';
import { parseInitializer, parseRegularizer } from '../weights/specs.ts';
import { showValue } from '../show-value.ts';
import { ACTIVATIONS } from './activations.ts';
import type { AttrSpec, OpDef } from './op.ts';

export interface AttrProblem {
  attr: string;
  message: string;
  hint?: string;
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Largest size any one dimension or count may have; beyond it nothing could be allocated anyway. */
export const MAX_DIM = 1 << 24;

function resolveOne(key: string, spec: AttrSpec, v: unknown): { value?: unknown; error?: string } {
  switch (spec.kind) {
    case 'int': {
      if (!isInt(v)) return { error: `must be a whole number, got ${showValue(v)}` };
      const min = spec.min ?? -MAX_DIM, max = spec.max ?? MAX_DIM;
      if (v < min || v > max) return { error: `must be between ${min} and ${max}, got ${v}` };
      return { value: v };
    }
    case 'float': {
      if (!isNum(v)) return { error: `must be a number, got ${showValue(v)}` };
      if ((spec.min !== undefined && v < spec.min) || (spec.max !== undefined && v > spec.max))
        return { error: `must be between ${spec.min ?? '-∞'} and ${spec.max ?? '∞'}, got ${v}` };
      return { value: v };
    }
    case 'optionalFloat': {
      if (v === null) return { value: null };
      if (!isNum(v)) return { error: `must be a number or null, got ${showValue(v)}` };
      if (spec.min !== undefined && v < spec.min) return { error: `must be at least ${spec.min}, got ${v}` };
      return { value: v };
    }
    case 'bool':
      return typeof v === 'boolean' ? { value: v } : { error: `must be true or false, got ${showValue(v)}` };
    case 'enum':
    case 'activation': {
      const options = spec.kind === 'enum' ? spec.options : Object.keys(ACTIVATIONS);
      const s = typeof v === 'string' ? v.toLowerCase() : v;
      const name = spec.kind === 'activation' && s === 'silu' ? 'swish' : s;
      if (typeof name !== 'string' || !options.includes(name)) return { error: `must be one of ${options.join(', ')}; got ${showValue(v)}` };
      return { value: name };
    }
    case 'pair': {
      if (v === null && spec.default === null) return { value: null };
      const pair = isInt(v) ? [v, v] : v;
      const min = spec.min ?? 1;
      if (!Array.isArray(pair) || pair.length !== 2 || !pair.every(isInt))
        return { error: `must be a whole number or a pair [a, b], got ${showValue(v)}` };
      if (pair.some((x) => x < min || x > MAX_DIM)) return { error: `must be between ${min} and ${MAX_DIM}, got ${showValue(v)}` };
      return { value: [pair[0], pair[1]] };
    }
    case 'padding': {
      if (v === 'same' || v === 'valid') return { value: v };
      if (typeof v === 'string' && ['same', 'valid'].includes(v.toLowerCase())) return { value: v.toLowerCase() };
      const p = resolvePads(v);
      if (typeof p === 'string') return { error: `must be 'same', 'valid' or explicit [[top, bottom], [left, right]]; ${p}` };
      return { value: p };
    }
    case 'pads': {
      const p = resolvePads(v);
      return typeof p === 'string' ? { error: p } : { value: p };
    }
    case 'ints': {
      if (!Array.isArray(v) || !v.every(isInt)) return { error: `must be a list of whole numbers, got ${showValue(v)}` };
      const min = spec.min ?? 1;
      const bad = v.find((x) => !(x >= min && x <= MAX_DIM) && !(spec.allowMinusOne && x === -1));
      if (bad !== undefined) return { error: `entries must be between ${min} and ${MAX_DIM}, got ${bad}` };
      if (spec.allowMinusOne && v.filter((x) => x === -1).length > 1) return { error: 'at most one entry may be -1' };
      return { value: [...v] };
    }
    case 'floats': {
      if (v === null) return { value: null };
      if (isNum(v)) return { value: [v] };
      if (!Array.isArray(v) || !v.every(isNum)) return { error: `must be a number or a list of numbers, got ${showValue(v)}` };
      return { value: [...v] };
    }
    case 'axes': {
      if (isInt(v)) return { value: v };
      if (Array.isArray(v) && v.length === 2 && v.every(isInt)) return { value: [v[0], v[1]] };
      return { error: `must be an axis or a pair of axes, got ${showValue(v)}` };
    }
    case 'initializer': {
      const init = parseInitializer(v);
      return typeof init === 'string' ? { error: init } : { value: init };
    }
    case 'regularizer': {
      const reg = parseRegularizer(v);
      return typeof reg === 'string' ? { error: reg } : { value: reg };
    }
  }
}

/** int, [h, w] or [[top, bottom], [left, right]] → [[top, bottom], [left, right]]; a string on error. */
function resolvePads(v: unknown): [[number, number], [number, number]] | string {
  const ok = (x: unknown): x is number => isInt(x) && x >= 0 && x <= MAX_DIM;
  if (ok(v)) return [[v, v], [v, v]];
  if (Array.isArray(v) && v.length === 2 && ok(v[0]) && ok(v[1])) return [[v[0], v[0]], [v[1], v[1]]];
  if (Array.isArray(v) && v.length === 2 && v.every((p) => Array.isArray(p) && p.length === 2 && p.every(ok)))
    return [[v[0][0], v[0][1]], [v[1][0], v[1][1]]];
  return `expected non-negative whole numbers as n, [h, w] or [[top, bottom], [left, right]], got ${showValue(v)}`;
}

/**
 * Resolves raw attrs; every attr of the schema is present in the result (defaults filled). Keras'
 * `trainable` (any layer) is kept when given, as a boolean: false freezes the node while training.
 */
export function resolveAttrs(op: OpDef, raw: Attrs | undefined): { attrs: Attrs; problems: AttrProblem[] } {
  const attrs: Attrs = {};
  const problems: AttrProblem[] = [];
  const given = raw && typeof raw === 'object' && !Array.isArray(raw) ? raw : {};
  for (const [key, spec] of Object.entries(op.attrs)) {
    const v = given[key];
    if (v === undefined) {
      const d = resolveOne(key, spec, spec.default);
      attrs[key] = d.value ?? spec.default;
      continue;
    }
    const r = resolveOne(key, spec, v);
    if (r.error !== undefined) {
      problems.push({ attr: key, message: `${op.type} ${key} ${r.error}` });
      attrs[key] = resolveOne(key, spec, spec.default).value ?? spec.default;
    } else attrs[key] = r.value;
  }
  if (given.trainable !== undefined) {
    if (typeof given.trainable === 'boolean') attrs.trainable = given.trainable;
    else problems.push({ attr: 'trainable', message: `${op.type} trainable must be true or false, got ${showValue(given.trainable)}` });
  }
  for (const key of Object.keys(given)) {
    if (!(key in op.attrs) && key !== 'name' && key !== 'trainable' && key !== 'dtype')
      problems.push({
        attr: key,
        message: `${op.type} has no attribute '${key}'`,
        hint: nearest(key, Object.keys(op.attrs)) ?? `known attributes: ${Object.keys(op.attrs).join(', ') || 'none'}`,
      });
  }
  return { attrs, problems };
}

/** "did you mean 'filters'?" for a misspelt name, by edit distance. */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined, bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) [best, bestD] = [c, d];
  }
  return best !== undefined && bestD <= Math.max(2, word.length / 3) ? `did you mean '${best}'?` : undefined;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length];
}
