// Random edits of valid graphs for fuzzing: dropped fields, wrong types, huge numbers, extra and
// missing inputs (cycles, dangling references), duplicated and deleted nodes, and edits of the text
// itself (truncation, flipped bytes, unicode, deep nesting). Deterministic for a seed.
import { OPS } from '../ops/index.ts';

/** A small seeded PRNG (mulberry32): fuzz cases repeat exactly. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let r = Math.imul(s ^ (s >>> 15), 1 | s);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

const JUNK: unknown[] = [
  undefined, null, 0, -1, 1, 2, 3, 0.5, 1e9, -1e9, 2 ** 53, 1e308, -0, '', 'same', 'valid', 'relu', 'x', 'concat',
  'Ωμέγα', '🧠', '\u0000', [], [0], [1, 1], [3, 3], [-1], [[1, 1], [1, 1]], [28, 28, 3], [1e6, 1e6, 1e6], [65536, 65536, 64],
  {}, { l1: 0.01 }, { l1: -1 }, true, false,
];
const ATTR_KEYS = [...new Set(OPS.flatMap((o) => Object.keys(o.attrs)))];
const NODE_KEYS = ['id', 'op', 'inputs', 'attrs', 'name', 'weights'];
const PLAUSIBLE: [string, unknown[]][] = [
  ['filters', [1, 3, 8, 17, 32]], ['kernel_size', [1, 2, 3, 5, [1, 7], [7, 1]]], ['strides', [1, 2, [2, 1]]],
  ['padding', ['same', 'valid', [[1, 0], [0, 2]]]], ['dilation_rate', [1, 2]], ['activation', ['relu', 'sigmoid', 'softmax', 'linear']],
  ['pool_size', [2, 3]], ['ceil_mode', [true, false]], ['units', [1, 5, 33]], ['use_bias', [true, false]],
];

/** Applies 1–3 structural edits to a clone of `graph`. */
export function mutateGraph(graph: unknown, rand: () => number): any {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const g: any = structuredClone(graph);
  for (let m = 1 + Math.floor(rand() * 3); m > 0; m--) {
    const nodes: any[] = Array.isArray(g?.nodes) ? g.nodes : [];
    const picked = nodes.length ? pick(nodes) : undefined;
    const node: any = picked && typeof picked === 'object' ? picked : undefined;
    const kind = Math.floor(rand() * 14);
    if (kind >= 10 && node?.attrs && typeof node.attrs === 'object') {
      // Plausible edits that keep many graphs valid, so the compiler sees varied shapes too.
      const [key, values] = pick(PLAUSIBLE);
      node.attrs[key] = pick(values);
    } else if (kind === 0 && node) delete node[pick(NODE_KEYS)];
    else if (kind === 1 && node) node[pick(NODE_KEYS)] = pick(JUNK);
    else if (kind === 2 && node) node.attrs = { ...(node.attrs && typeof node.attrs === 'object' ? node.attrs : {}), [pick(ATTR_KEYS)]: pick(JUNK) };
    else if (kind === 3 && node) node.op = pick(OPS).type;
    else if (kind === 4 && node) node.inputs = [...(Array.isArray(node.inputs) ? node.inputs : []), pick([...nodes.map((n) => n?.id), 'ghost'])];
    else if (kind === 5 && node) node.inputs = Array.isArray(node.inputs) ? node.inputs.slice(1) : node.inputs;
    else if (kind === 6 && node) nodes.push(structuredClone(node));
    else if (kind === 7) nodes.splice(Math.floor(rand() * nodes.length), 1);
    else if (kind === 8 && node) {
      node.attrs = { [pick(ATTR_KEYS)]: deepNest(rand() < 0.5 ? 100 : 5_000) };
      break; // a deeply nested value stays the last edit: cloning it again would only test structuredClone
    }
    else if (g && typeof g === 'object') g[pick(['format', 'version', 'nodes', 'outputs', 'name', 'seed'])] = pick(JUNK);
  }
  return g;
}

/** Edits of the file's text: truncation, flipped bytes, inserted unicode. */
export function mutateText(text: string, rand: () => number): string {
  const at = Math.floor(rand() * text.length);
  switch (Math.floor(rand() * 3)) {
    case 0: return text.slice(0, at);
    case 1: return text.slice(0, at) + String.fromCharCode(Math.floor(rand() * 0x3000)) + text.slice(at + 1);
    default: return text.slice(0, at) + '"\u202e🧠\ud800"' + text.slice(at);
  }
}

function deepNest(depth: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = { a: v };
  return v;
}
