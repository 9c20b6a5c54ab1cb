// Validation, naming, shape inference, parameter counts and FLOPs of a whole graph, in one pass.
// Total: any JSON value goes in, a report comes out; problems are data, never exceptions.
import { resolveAttrs, nearest } from '../ops/attrs.ts';
import { findOp, OPS } from '../ops/index.ts';
import { OpError, type OpDef, type WeightSpec } from '../ops/op.ts';
import { formatShape, sizeOf } from '../tensor.ts';
import { showValue } from '../show-value.ts';
import { GRAPH_FORMAT, GRAPH_VERSION, type Attrs, type GraphFile, type GraphGroup, type GraphNode, type Problem, type Shape } from './types.ts';

export interface NodeReport {
  id: string;
  name: string;
  /** Canonical op type (aliases resolved), or the unknown type as written. */
  op: string;
  def?: OpDef;
  /** Attrs with defaults filled and shorthand normalised. */
  attrs: Attrs;
  inputs: string[];
  /** Weight name → key in the graph's weight store (the node's "weights"); absent means "initialise". */
  weightRefs?: Record<string, string>;
  /** Output shape without the batch; null when it could not be inferred. */
  shape: Shape | null;
  weights: WeightSpec[];
  params: { trainable: number; nonTrainable: number };
  flops: number;
  problems: Problem[];
}

export interface GraphReport {
  /** Nodes in file order. */
  nodes: NodeReport[];
  byId: Map<string, NodeReport>;
  /** Topological order of the nodes that are not in a cycle. */
  order: string[];
  outputs: string[];
  problems: Problem[];
  totals: { params: number; trainable: number; nonTrainable: number; flops: number };
  /** The file's groups that are sound (known, distinct members), name defaulted to the id. */
  groups: GraphGroup[];
  ok: boolean;
}

/** Most nodes a graph may have: far above any real CNN (NASNetLarge has ~1 000 layers). */
export const MAX_NODES = 100_000;
/** Largest tensor a node may produce, in elements (16 GiB of float32). */
export const MAX_ELEMENTS = 2 ** 32;

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/**
 * Keras' default layer name: its to_snake_case of the class name (Conv2D → conv2d, BatchNormalization →
 * batch_normalization, ReLU → re_lu), with the pooling layers under their full class names as Keras
 * names them (MaxPool2D → max_pooling2d).
 */
export function kerasBaseName(type: string): string {
  return type.replace(/Pool2D$/, 'Pooling2D').replace(/(.)([A-Z][a-z]+)/g, '$1_$2').replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
}

/** Parses graph JSON text; syntax errors become a problem with the position. */
export function parseGraphText(text: string): { graph: unknown; problems: Problem[] } {
  try {
    return { graph: JSON.parse(text), problems: [] };
  } catch (e) {
    return {
      graph: null,
      problems: [{ message: `not valid JSON: ${(e as Error).message}`, hint: 'a deepwire graph is a JSON file saved by the editor or `deepwire` (format "deepwire-graph")' }],
    };
  }
}

/** Checks the file's outer structure; returns the nodes it could read and the problems found. */
function readStructure(raw: unknown, problems: Problem[]): { nodes: GraphNode[]; outputs: string[] | null } {
  if (!isObject(raw)) {
    problems.push({ message: 'a graph file must be a JSON object', hint: 'expected { "format": "deepwire-graph", "version": 1, "nodes": [...], "outputs": [...] }' });
    return { nodes: [], outputs: null };
  }
  if (raw.format !== GRAPH_FORMAT)
    problems.push({ message: `not a deepwire graph: format is ${raw.format === undefined ? 'missing' : showValue(raw.format)}`, hint: `set "format": "${GRAPH_FORMAT}"` });
  if (raw.version !== GRAPH_VERSION)
    problems.push({
      message: `unsupported graph version ${raw.version === undefined ? '(missing)' : showValue(raw.version)}`,
      hint: typeof raw.version === 'number' && raw.version > GRAPH_VERSION ? 'this file is from a newer deepwire: update deepwire' : `set "version": ${GRAPH_VERSION}`,
    });
  if (!Array.isArray(raw.nodes)) {
    problems.push({ message: '"nodes" must be a list of nodes', hint: 'e.g. "nodes": [{ "id": "x", "op": "Input", "attrs": { "shape": [28, 28, 3] } }]' });
    return { nodes: [], outputs: null };
  }
  if (raw.nodes.length > MAX_NODES) {
    problems.push({ message: `${raw.nodes.length} nodes is more than deepwire handles (${MAX_NODES})` });
    return { nodes: [], outputs: null };
  }
  const nodes: GraphNode[] = [];
  raw.nodes.forEach((n, i) => {
    if (!isObject(n) || typeof n.id !== 'string' || n.id === '') {
      problems.push({ message: `node #${i + 1} needs a non-empty string "id"`, hint: 'give every node a unique id such as "conv1"' });
      return;
    }
    if (typeof n.op !== 'string') {
      problems.push({ node: n.id, message: `node '${n.id}' needs an "op" such as "Conv2D"` });
      return;
    }
    let inputs: string[] = [];
    if (n.inputs !== undefined) {
      if (Array.isArray(n.inputs) && n.inputs.every((x) => typeof x === 'string')) inputs = n.inputs as string[];
      else problems.push({ node: n.id, message: `node '${n.id}': "inputs" must be a list of node ids` });
    }
    if (n.attrs !== undefined && !isObject(n.attrs)) problems.push({ node: n.id, message: `node '${n.id}': "attrs" must be an object` });
    if (n.name !== undefined && (typeof n.name !== 'string' || n.name === ''))
      problems.push({ node: n.id, message: `node '${n.id}': "name" must be a non-empty string` });
    nodes.push({
      id: n.id, op: n.op, inputs,
      name: typeof n.name === 'string' && n.name !== '' ? n.name : undefined,
      attrs: isObject(n.attrs) ? (n.attrs as Attrs) : {},
      weights: isObject(n.weights) ? (n.weights as Record<string, string>) : undefined,
    });
  });
  let outputs: string[] | null = null;
  if (raw.outputs !== undefined) {
    if (Array.isArray(raw.outputs) && raw.outputs.every((x) => typeof x === 'string')) outputs = raw.outputs as string[];
    else problems.push({ message: '"outputs" must be a list of node ids' });
  }
  return { nodes, outputs };
}

/** Analyses any value as a graph: structure, names, attrs, cycles, shapes, params, FLOPs. */
export function analyzeGraph(raw: unknown): GraphReport {
  const problems: Problem[] = [];
  const { nodes, outputs: declaredOutputs } = readStructure(raw, problems);
  // Nodes with an id that readStructure refused (no op, say): their own problem says so, not their users'.
  const refused = new Set(problems.flatMap((p) => (p.node ? [p.node] : [])));
  const reports: NodeReport[] = [];
  const byId = new Map<string, NodeReport>();

  for (const n of nodes) {
    const def = findOp(n.op);
    const report: NodeReport = {
      id: n.id, name: n.name ?? '', op: def?.type ?? n.op, def, attrs: {}, inputs: n.inputs ?? [], weightRefs: n.weights,
      shape: null, weights: [], params: { trainable: 0, nonTrainable: 0 }, flops: 0, problems: [],
    };
    if (byId.has(n.id)) {
      problems.push({ node: n.id, message: `two nodes have the id '${n.id}'`, hint: 'ids must be unique: rename one' });
      continue;
    }
    byId.set(n.id, report);
    reports.push(report);
    if (!def) {
      const guess = nearest(n.op, OPS.flatMap((o) => [o.type, ...(o.aliases ?? [])]));
      report.problems.push({ node: n.id, message: `unknown op '${n.op}'`, hint: guess ?? `known ops: ${OPS.map((o) => o.type).join(', ')}` });
      continue;
    }
    const { attrs, problems: attrProblems } = resolveAttrs(def, n.attrs);
    report.attrs = attrs;
    for (const p of attrProblems) report.problems.push({ node: n.id, message: p.message, hint: p.hint });
    const count = report.inputs.length;
    if (count < def.arity.min || count > def.arity.max) {
      const want = def.arity.min === def.arity.max ? `${def.arity.min}` : def.arity.max === Infinity ? `at least ${def.arity.min}` : `${def.arity.min} to ${def.arity.max}`;
      report.problems.push({
        node: n.id,
        message: `${def.type} takes ${want} input${/(^|\D)1$/.test(want) ? '' : 's'}, got ${count}`,
        hint: count < def.arity.min ? (def.arity.min === 0 ? undefined : 'connect another tensor to it') : 'disconnect the extra inputs',
      });
    }
  }

  const groups = readGroups(raw, byId, problems);
  assignNames(reports, problems);
  // After the names: the editor shows them, so messages name nodes by them (and their id where it differs).
  for (const r of reports)
    for (const inp of r.def ? r.inputs : [])
      if (!nodes.some((m) => m.id === inp) && !refused.has(inp))
        r.problems.push({ node: r.id, message: `input '${inp}' of ${r.def!.type} ${nodeLabel(r)} does not exist`, hint: 'connect an existing node or remove the input' });
  const order = topologicalOrder(reports, byId);

  for (const id of order) {
    const r = byId.get(id)!;
    if (!r.def || r.problems.length) continue;
    const inputShapes = r.inputs.map((i) => byId.get(i)?.shape ?? null);
    if (inputShapes.some((s) => s === null)) continue; // upstream already reported its own problem
    try {
      const shape = r.def.inferShape(inputShapes as Shape[], r.attrs);
      const elements = sizeOf(shape);
      if (!shape.every((d) => Number.isInteger(d) && d > 0))
        throw new OpError(`${r.def.type} would produce an empty or invalid shape ${formatShape(shape)}`);
      if (elements > MAX_ELEMENTS)
        throw new OpError(`${r.def.type} output ${formatShape(shape)} has ${elements.toExponential(2)} elements, more than any device holds`, 'use a smaller input or fewer filters');
      r.shape = shape;
      r.weights = r.def.weights?.(inputShapes as Shape[], r.attrs) ?? [];
      // A frozen layer's weights count as non-trainable, as Keras' summary counts them.
      for (const w of r.weights) r.params[w.trainable && r.attrs.trainable !== false ? 'trainable' : 'nonTrainable'] += sizeOf(w.shape);
      r.flops = r.def.flops(inputShapes as Shape[], shape, r.attrs);
    } catch (e) {
      r.problems.push(e instanceof OpError
        ? { node: id, message: e.message, hint: e.hint }
        : { node: id, message: `${r.def.type}: internal error: ${(e as Error)?.message ?? e}`, hint: 'please report this graph' });
    }
  }

  const outputs = declaredOutputs ?? reports.filter((r) => !reports.some((m) => m.inputs.includes(r.id))).map((r) => r.id);
  for (const o of outputs)
    if (!byId.has(o)) problems.push({ message: `output '${o}' is not a node of the graph`, hint: 'list existing node ids in "outputs"' });
  if (nodes.length && outputs.length === 0) problems.push({ message: 'the graph has no outputs', hint: 'list the node ids to compute in "outputs"' });
  if (nodes.length && !reports.some((r) => r.def?.category === 'Input'))
    problems.push({ message: 'the graph has no Input node', hint: 'add an Input with the shape of your data, e.g. [224, 224, 3]' });

  const all = [...problems, ...reports.flatMap((r) => r.problems)];
  const totals = { params: 0, trainable: 0, nonTrainable: 0, flops: 0 };
  for (const r of reports) {
    totals.trainable += r.params.trainable;
    totals.nonTrainable += r.params.nonTrainable;
    totals.flops += r.flops;
  }
  totals.params = totals.trainable + totals.nonTrainable;
  return { nodes: reports, byId, order, outputs, problems: all, totals, groups, ok: all.length === 0 };
}

/**
 * The optional "groups": each a set of existing nodes, a node in one group at most. A faulty group is
 * left out (the nodes stay as they are) and said why; a node claimed twice gets the problem itself.
 */
function readGroups(raw: unknown, byId: Map<string, NodeReport>, problems: Problem[]): GraphGroup[] {
  if (!isObject(raw) || raw.groups === undefined) return [];
  const example = 'e.g. "groups": [{ "id": "block1", "name": "conv2_block1", "nodes": ["conv1", "bn1"], "collapsed": true }]';
  if (!Array.isArray(raw.groups)) {
    problems.push({ message: '"groups" must be a list of groups', hint: example });
    return [];
  }
  const groups: GraphGroup[] = [];
  const ids = new Set<string>();
  const owner = new Map<string, string>();
  raw.groups.forEach((g, i) => {
    if (!isObject(g) || typeof g.id !== 'string' || g.id === '') {
      problems.push({ message: `group #${i + 1} needs a non-empty string "id"`, hint: example });
      return;
    }
    const id = g.id;
    if (ids.has(id)) return void problems.push({ message: `two groups have the id '${id}'`, hint: 'group ids must be unique: rename one' });
    ids.add(id);
    if (g.name !== undefined && (typeof g.name !== 'string' || g.name === ''))
      problems.push({ message: `group '${id}': "name" must be a non-empty string`, hint: 'e.g. "name": "conv2_block1"' });
    if (g.collapsed !== undefined && typeof g.collapsed !== 'boolean')
      problems.push({ message: `group '${id}': "collapsed" must be true or false, not ${showValue(g.collapsed)}` });
    if (!Array.isArray(g.nodes) || !g.nodes.length || !g.nodes.every((n) => typeof n === 'string')) {
      problems.push({ message: `group '${id}': "nodes" must be a non-empty list of node ids`, hint: example });
      return;
    }
    const members: string[] = [];
    for (const n of g.nodes as string[]) {
      if (!byId.has(n)) {
        problems.push({ message: `group '${id}' lists '${n}', which is not a node of the graph`, hint: `remove '${n}' from the group's "nodes"` });
        continue;
      }
      const other = owner.get(n);
      if (other === id) {
        problems.push({ message: `group '${id}' lists '${n}' twice`, hint: 'list each node once' });
        continue;
      }
      if (other !== undefined) {
        byId.get(n)!.problems.push({ node: n, message: `'${n}' is in two groups, '${other}' and '${id}'`, hint: `a node belongs to one group at most: remove it from '${id}' or '${other}'` });
        continue;
      }
      owner.set(n, id);
      members.push(n);
    }
    if (!members.length) return;
    groups.push({ id, name: typeof g.name === 'string' && g.name ? g.name : id, nodes: members, ...(g.collapsed === true ? { collapsed: true } : {}) });
  });
  return groups;
}

/** A node as the editor and the CLI name it: 'name', and its id in brackets where the two differ. */
function nodeLabel(r: NodeReport): string {
  return r.name && r.name !== r.id ? `'${r.name}' [${r.id}]` : `'${r.id}'`;
}

/** Keras-style default names (conv2d, conv2d_1, …; input_1, …); duplicate explicit names are problems. */
function assignNames(reports: NodeReport[], problems: Problem[]): void {
  const used = new Set<string>();
  for (const r of reports) {
    if (!r.name) continue;
    if (used.has(r.name)) problems.push({ node: r.id, message: `two nodes are named '${r.name}'`, hint: 'names must be unique: rename one' });
    used.add(r.name);
  }
  const counters = new Map<string, number>();
  for (const r of reports) {
    if (r.name) continue;
    const base = r.def?.type === 'Input' ? 'input' : kerasBaseName(r.op);
    let k = counters.get(base) ?? (base === 'input' ? 1 : 0);
    let name: string;
    do name = k === 0 ? base : `${base}_${k}`, k++;
    while (used.has(name));
    counters.set(base, k);
    used.add(name);
    r.name = name;
  }
}

/** Kahn's algorithm; nodes on a cycle get a problem that spells the cycle out. */
function topologicalOrder(reports: NodeReport[], byId: Map<string, NodeReport>): string[] {
  const indegree = new Map<string, number>();
  const consumers = new Map<string, string[]>();
  for (const r of reports) {
    const known = r.inputs.filter((i) => byId.has(i));
    indegree.set(r.id, known.length);
    for (const i of known) consumers.set(i, [...(consumers.get(i) ?? []), r.id]);
  }
  const ready = reports.filter((r) => indegree.get(r.id) === 0).map((r) => r.id);
  const order: string[] = [];
  while (ready.length) {
    const id = ready.shift()!;
    order.push(id);
    for (const c of consumers.get(id) ?? []) {
      const d = indegree.get(c)! - 1;
      indegree.set(c, d);
      if (d === 0) ready.push(c);
    }
  }
  if (order.length < reports.length) {
    const stuck = new Set(reports.filter((r) => !order.includes(r.id)).map((r) => r.id));
    for (const id of stuck) {
      const cycle = findCycle(id, byId, stuck);
      if (!cycle) continue; // downstream of a cycle, not on one: its input's problem says enough
      byId.get(id)!.problems.push({
        node: id,
        message: `${nodeLabel(byId.get(id)!)} is part of a cycle: ${cycle.map((c) => byId.get(c)!.name).join(' → ')}`,
        hint: 'a network flows one way: remove one of these connections',
      });
    }
  }
  return order;
}

function findCycle(start: string, byId: Map<string, NodeReport>, stuck: Set<string>): string[] | null {
  const path: string[] = [];
  const seen = new Set<string>();
  const walk = (id: string): boolean => {
    if (id === start && path.length) return true;
    if (seen.has(id)) return false;
    seen.add(id);
    path.push(id);
    for (const i of byId.get(id)?.inputs ?? []) if (stuck.has(i) && walk(i)) return true;
    path.pop();
    return false;
  };
  // path follows inputs (against the flow); report it in the direction data flows
  return walk(start) ? [start, ...path.slice(1).reverse(), start] : null;
}
