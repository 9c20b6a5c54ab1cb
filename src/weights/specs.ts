// Keras initializer and regularizer specs as they appear in a graph file, and their parsing.
// Accepted forms: 'he_normal', { "class_name": "HeNormal", "config": { "seed": 1 } },
// { "name": "constant", "value": 0.5 }; regularizers 'l2', { "l1": 0.01 }, { "class_name": "L1L2", "config": {...} }.
import { showValue } from '../show-value.ts';

export const INITIALIZERS = [
  'zeros', 'ones', 'constant', 'glorot_uniform', 'glorot_normal', 'he_uniform', 'he_normal',
  'lecun_uniform', 'lecun_normal', 'random_uniform', 'random_normal', 'truncated_normal',
] as const;
export type InitializerName = (typeof INITIALIZERS)[number];

export interface Initializer {
  name: InitializerName;
  /** value (constant); minval, maxval (random_uniform); mean, stddev (random_normal, truncated_normal); seed. */
  config: Record<string, number>;
}

export interface Regularizer {
  l1: number;
  l2: number;
}

const CLASS_TO_NAME: Record<string, InitializerName> = {
  Zeros: 'zeros', Ones: 'ones', Constant: 'constant', GlorotUniform: 'glorot_uniform',
  GlorotNormal: 'glorot_normal', HeUniform: 'he_uniform', HeNormal: 'he_normal',
  LecunUniform: 'lecun_uniform', LecunNormal: 'lecun_normal', RandomUniform: 'random_uniform',
  RandomNormal: 'random_normal', TruncatedNormal: 'truncated_normal',
};

const snake = (s: string) => s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();

/** Parses an initializer spec; returns an error message string when it is not one. */
export function parseInitializer(v: unknown): Initializer | string {
  let name: string | undefined;
  let config: Record<string, unknown> = {};
  if (typeof v === 'string') name = v;
  else if (v && typeof v === 'object' && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    if (typeof o.class_name === 'string') {
      name = CLASS_TO_NAME[o.class_name] ?? snake(o.class_name);
      config = (o.config && typeof o.config === 'object' ? o.config : {}) as Record<string, unknown>;
    } else if (typeof o.name === 'string') {
      name = o.name;
      config = Object.fromEntries(Object.entries(o).filter(([k]) => k !== 'name'));
    }
  }
  if (!name) return `expected an initializer name such as 'he_normal', got ${showValue(v)}`;
  const key = (CLASS_TO_NAME[name] ?? snake(name)) as InitializerName;
  if (!INITIALIZERS.includes(key)) return `unknown initializer '${name}'; known: ${INITIALIZERS.join(', ')}`;
  const numeric: Record<string, number> = {};
  for (const [k, x] of Object.entries(config)) {
    if (x === null || x === undefined) continue;
    if (typeof x !== 'number' || !Number.isFinite(x)) return `initializer ${key}: '${k}' must be a finite number`;
    numeric[k] = x;
  }
  return { name: key, config: numeric };
}

/** Parses a regularizer spec; null means none; a string return is an error message. */
export function parseRegularizer(v: unknown): Regularizer | null | string {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') {
    if (v === 'l1') return { l1: 0.01, l2: 0 };
    if (v === 'l2') return { l1: 0, l2: 0.01 };
    if (v === 'l1_l2') return { l1: 0.01, l2: 0.01 };
    return `unknown regularizer '${v}'; use 'l1', 'l2', 'l1_l2' or { "l1": 0.01, "l2": 0.01 }`;
  }
  if (typeof v === 'object' && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    // Keras' serialized form ({ class_name: 'L2', config: { l2: 0.01 } }) or the bare config.
    const serialized = typeof o.class_name === 'string';
    if (serialized && !['L1', 'L2', 'L1L2', 'l1', 'l2', 'l1_l2'].includes(o.class_name as string))
      return `regularizer ${o.class_name} is not one deepwire computes: it has L1, L2 and L1L2 (a penalty left out would train another model)`;
    const c = (serialized ? o.config ?? {} : o) as Record<string, unknown>;
    const unknown = Object.keys(c).filter((k) => k !== 'l1' && k !== 'l2');
    if (unknown.length) return `regularizer ${showValue(v)} has ${unknown.map((k) => `'${k}'`).join(', ')}: deepwire's regularizers take only l1 and l2`;
    const l1 = c.l1 ?? 0, l2 = c.l2 ?? 0;
    if (typeof l1 !== 'number' || typeof l2 !== 'number' || !(l1 >= 0) || !(l2 >= 0) || !Number.isFinite(l1) || !Number.isFinite(l2))
      return `regularizer factors l1 and l2 must be non-negative numbers, got ${showValue(v)}`;
    return { l1, l2 };
  }
  return `expected a regularizer ('l1', 'l2', 'l1_l2' or { "l1": …, "l2": … }), got ${showValue(v)}`;
}
