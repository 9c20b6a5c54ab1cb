// ONNX import's pre-pass: the subgraphs torch.onnx writes for ops the opsets deepwire reads lack,
// rewritten to the one node a later opset has, before any node is converted (src/io/onnx-import.ts):
//
// - GELU, nn.GELU() (approximate='none') at opset 13–17: Div(x, √2) (or Mul(x, 1/√2)) → Erf →
//   Add(·, 1) → Mul(x, ·) → Mul(·, 0.5), or with the 0.5 taken first (Mul(x, 0.5) or Mul(·, 0.5) of the
//   Add): one Gelu node (opset 20, approximate 'none'), imported as Activation 'gelu'.
// - LayerNorm, F.layer_norm over the last axis at opset < 17: ReduceMean(x, axes [−1]) → Sub(x, mean) →
//   Pow(d, 2) → ReduceMean(axes [−1]) → Add(var, eps) → Sqrt → Div(d, std), then optionally Mul(·, gamma)
//   and Add(·, beta): one LayerNormalization node (opset 17: X, Scale, B; axis −1, epsilon eps). The same
//   over axis 1 of N×C×H×W (ConvNeXt's original channels_first LayerNorm, SAM's LayerNorm2d; weights
//   C×1×1) is a LayerNormalization over that axis alone, marked with the importer's deepwire_axis_only.
//
// A pattern is rewritten only when each value it computes on the way is read by the pattern alone (not
// by another node, not a model output); else its nodes stay, and the importer refuses the first one it
// cannot express (Erf, Pow) as usual. Constants are initializers or Constant nodes, in either operand
// order of the commutative ops; Constant nodes read only by a rewritten pattern are dropped.
// Reference: torch/onnx/symbolic_opset9.py (gelu, native_layer_norm); https://onnx.ai/onnx/operators/.
import { floatTensor, int, readTensor, type OnnxAttribute, type OnnxGraph, type OnnxNode, type OnnxTensorProto, type TensorValue } from './onnx-proto.ts';

/** What a pattern matched: its nodes (indices into graph.node) and the node that replaces them. */
interface Match {
  nodes: number[];
  fused: OnnxNode[];
  initializers?: OnnxTensorProto[];
}

const isStandard = (n: OnnxNode) => !n.domain || n.domain === 'ai.onnx';
const floatAttr = (name: string, f: number): OnnxAttribute => ({ name, type: 1, f });
const intAttr = (name: string, i: number): OnnxAttribute => ({ name, type: 2, i });
const stringAttr = (name: string, s: string): OnnxAttribute => ({ name, type: 3, s: new TextEncoder().encode(s) });

/** The graph as the patterns see it: who computes and who reads each value, and the constants. */
class View {
  readonly producer = new Map<string, number>();
  readonly consumers = new Map<string, number[]>();
  readonly outputs: Set<string>;
  private readonly initializers = new Map<string, OnnxTensorProto>();
  private readonly constants = new Map<string, TensorValue | null>();
  private readonly dims = new Map<string, number[]>();
  private readonly names = new Set<string>();

  constructor(readonly graph: OnnxGraph) {
    graph.node.forEach((n, k) => {
      for (const o of n.output) if (o) this.producer.set(o, k), this.names.add(o);
      for (const i of n.input) if (i) this.consumers.set(i, [...(this.consumers.get(i) ?? []), k]), this.names.add(i);
    });
    this.outputs = new Set(graph.output.map((o) => o.name));
    for (const t of graph.initializer) if (t.name) this.initializers.set(t.name, t), this.names.add(t.name);
    for (const v of [...graph.input, ...graph.output, ...(graph.value_info ?? [])]) {
      this.names.add(v.name);
      const dim = v.type?.tensor_type?.shape?.dim;
      if (dim) this.dims.set(v.name, dim.map((d) => (d.dim_param || !Object.hasOwn(d, 'dim_value') ? -1 : int(d.dim_value))));
    }
  }

  node(k: number): OnnxNode {
    return this.graph.node[k];
  }

  /** The one node reading `value`, when it is read once and is no model output. */
  soleConsumer(value: string): number | null {
    const readers = this.consumers.get(value) ?? [];
    return readers.length === 1 && !this.outputs.has(value) ? readers[0] : null;
  }

  /** The standard-domain node of type `op` computing `value`, if any. */
  producedBy(value: string, op: string): number | null {
    const k = this.producer.get(value);
    return k !== undefined && this.node(k).op_type === op && isStandard(this.node(k)) ? k : null;
  }

  /**
   * An initializer's or a Constant node's value, also through Identity nodes (torch.onnx writes equal
   * weights once, the others as Identity of it); null for computed values.
   */
  constant(name: string): TensorValue | null {
    if (this.constants.has(name)) return this.constants.get(name)!;
    this.constants.set(name, null); // a cycle of Identities (a corrupt file) reads as computed
    let t: TensorValue | null = null;
    try {
      const init = this.initializers.get(name);
      const k = this.producer.get(name);
      if (init) t = readTensor(init, name);
      else if (k !== undefined && this.node(k).op_type === 'Identity' && isStandard(this.node(k))) t = this.constant(this.node(k).input[0] ?? '');
      else if (k !== undefined && this.node(k).op_type === 'Constant' && isStandard(this.node(k))) {
        const attr = this.node(k).attribute[0];
        if (this.node(k).attribute.length !== 1) t = null;
        else if (attr.name === 'value' && attr.t) t = readTensor(attr.t, name);
        else if (attr.name === 'value_float') t = { name, dtype: 'float32', dims: [], data: Float32Array.of(attr.f ?? 0) };
        else if (attr.name === 'value_floats') t = { name, dtype: 'float32', dims: [attr.floats?.length ?? 0], data: Float32Array.from(attr.floats ?? []) };
        else if (attr.name === 'value_ints') t = { name, dtype: 'int64', dims: [attr.ints?.length ?? 0], data: Float64Array.from(attr.ints ?? [], (v) => int(v)) };
      }
    } catch {
      t = null; // an unreadable constant: the importer says why when it meets it
    }
    this.constants.set(name, t);
    return t;
  }

  /** A one-element float constant's value, of rank 0 or 1 (a constant of more axes would broadcast x to more). */
  scalar(name: string): number | null {
    const t = this.constant(name);
    return t && t.data.length === 1 && t.dims.length <= 1 && t.dtype.startsWith('float') ? t.data[0] : null;
  }

  /** ONNX's shape of a value where the file states it (an input, output, initializer or value_info); −1 for symbolic sizes. */
  shapeOf(name: string): number[] | null {
    return this.dims.get(name) ?? (this.initializers.has(name) ? this.constant(name)?.dims ?? null : null);
  }

  /** A value name no node, initializer or declaration of the graph uses. */
  fresh(base: string): string {
    let name = base;
    for (let k = 1; this.names.has(name); k++) name = `${base}_${k}`;
    this.names.add(name);
    return name;
  }
}

const near = (v: number | null, want: number, tol: number) => v !== null && Math.abs(v - want) <= tol;

/** The shortest decimal that is the same float32 (1e-6 for the float32 9.99999997e-7 of torch's eps=1e-6). */
function shortestFloat32(v: number): number {
  for (let digits = 1; digits < 17; digits++) {
    const d = Number(v.toPrecision(digits));
    if (Math.fround(d) === Math.fround(v)) return d;
  }
  return v;
}

/** For a two-input node, the operand other than `value` (null if `value` is not exactly one of them). */
function other(n: OnnxNode, value: string): string | null {
  if (n.input.length !== 2) return null;
  if (n.input[0] === value && n.input[1] !== value) return n.input[1];
  if (n.input[1] === value && n.input[0] !== value) return n.input[0];
  return null;
}

/** Whether node k is a Mul of `value` by the scalar constant `want`. */
function mulByConstant(g: View, k: number | null, value: string, want: number): boolean {
  if (k === null) return false;
  const n = g.node(k);
  const o = n.op_type === 'Mul' && isStandard(n) ? other(n, value) : null;
  return o !== null && near(g.scalar(o), want, 0);
}

// ── GELU ──────────────────────────────────────────────────────────────────────────────────────────────

/** x·Φ(x) written out, found from its Erf node `e`. */
function matchGelu(g: View, e: number): Match | null {
  const erf = g.node(e);
  if (erf.input.length !== 1 || erf.output.length !== 1) return null;
  // Div(x, √2) or Mul(x, 1/√2), read by the Erf alone
  const scaled = erf.input[0];
  if (g.soleConsumer(scaled) !== e) return null;
  const p = g.producer.get(scaled);
  if (p === undefined || !isStandard(g.node(p))) return null;
  const pre = g.node(p);
  let x: string | null = null;
  if (pre.op_type === 'Div' && pre.input.length === 2 && near(g.scalar(pre.input[1]), Math.SQRT2, 1e-6) && g.constant(pre.input[0]) === null) x = pre.input[0];
  if (pre.op_type === 'Mul') {
    for (const [a, b] of [[0, 1], [1, 0]])
      if (pre.input.length === 2 && near(g.scalar(pre.input[b]), Math.SQRT1_2, 1e-6) && g.constant(pre.input[a]) === null) x = pre.input[a];
  }
  if (x === null) return null;
  // Add(erf, 1)
  const a = g.soleConsumer(erf.output[0]);
  if (a === null || g.node(a).op_type !== 'Add' || !isStandard(g.node(a))) return null;
  const one = other(g.node(a), erf.output[0]);
  if (one === null || !near(g.scalar(one), 1, 0)) return null;
  const cdf = g.node(a).output[0];
  // the product of x, 1 + erf and 0.5, in one of three orders
  const m1 = g.soleConsumer(cdf);
  if (m1 === null || g.node(m1).op_type !== 'Mul' || !isStandard(g.node(m1))) return null;
  const o = other(g.node(m1), cdf);
  if (o === null) return null;
  let nodes: number[], last: number;
  if (o === x) {
    // (x·(1 + erf))·0.5
    const m2 = g.soleConsumer(g.node(m1).output[0]);
    if (!mulByConstant(g, m2, g.node(m1).output[0], 0.5)) return null;
    [nodes, last] = [[p, e, a, m1, m2!], m2!];
  } else if (near(g.scalar(o), 0.5, 0)) {
    // x·((1 + erf)·0.5)
    const m2 = g.soleConsumer(g.node(m1).output[0]);
    if (m2 === null || g.node(m2).op_type !== 'Mul' || !isStandard(g.node(m2)) || other(g.node(m2), g.node(m1).output[0]) !== x) return null;
    [nodes, last] = [[p, e, a, m1, m2], m2];
  } else {
    // (x·0.5)·(1 + erf)
    const h = g.producer.get(o);
    if (h === undefined || g.soleConsumer(o) !== m1 || !mulByConstant(g, h, x, 0.5)) return null;
    [nodes, last] = [[h, p, e, a, m1], m1];
  }
  const y = g.node(last).output[0];
  if (!y) return null;
  return {
    nodes,
    fused: [{ op_type: 'Gelu', name: g.node(last).name ?? '', input: [x], output: [y], attribute: [stringAttr('approximate', 'none')] }],
  };
}

// ── LayerNorm ─────────────────────────────────────────────────────────────────────────────────────────

/**
 * Which one axis a ReduceMean of `input` averages, keeping it (axes as attribute, or as a constant input
 * from opset 18): 'last', or 'channels' — axis 1 of a tensor of 3 or more axes (or of unknown rank), the
 * channels of N×C×H×W, as ConvNeXt's original channels_first LayerNorm and SAM's LayerNorm2d write it;
 * null for anything else. `like` has input's shape (d² has x's).
 */
function meanAxis(g: View, k: number | null, input: string, like = input): 'last' | 'channels' | null {
  if (k === null) return null;
  const n = g.node(k);
  if (n.op_type !== 'ReduceMean' || !isStandard(n) || n.input[0] !== input) return null;
  const attr = (name: string) => n.attribute.find((a) => a.name === name);
  if (n.attribute.some((a) => !['axes', 'keepdims', 'noop_with_empty_axes'].includes(a.name))) return null;
  if (int(attr('keepdims')?.i ?? 1) !== 1) return null;
  let axes: number[] | null = null;
  if (attr('axes')) axes = (attr('axes')!.ints ?? []).map((v) => int(v));
  else if (n.input.length > 1 && n.input[1]) {
    const t = g.constant(n.input[1]);
    axes = t ? Array.from(t.data) : null;
  }
  if (!axes || axes.length !== 1) return null;
  // A positive axis is the last one only where the input's rank is known.
  const rank = g.shapeOf(like)?.length;
  if (axes[0] === -1 || (rank !== undefined && axes[0] === rank - 1)) return 'last';
  return axes[0] === 1 && (rank === undefined || rank >= 3) ? 'channels' : null;
}

/** Of a constant that Mul/Add applies along the last axis only: its values (all other axes 1, and no more axes than x's). */
function lastAxisVector(g: View, name: string, C: number | null, rank: number | null): TensorValue | null {
  const t = g.constant(name);
  if (!t || !t.dtype.startsWith('float') || t.dims.length === 0 || t.dims.slice(0, -1).some((d) => d !== 1)) return null;
  if (t.dims.length > (rank ?? 1)) return null;
  const L = t.dims[t.dims.length - 1];
  // A single value might scale a longer axis: only where the axis is known to be that long.
  if (C !== null ? L !== C : L < 2) return null;
  return t;
}

/**
 * Of a constant that Mul/Add applies along axis 1 of x alone (C×1×…×1, right-aligned: weight[:, None, None]
 * on N×C×H×W): its values. Where x's rank is unknown, the constant's own rank says it (2 + its trailing ones).
 */
function channelsVector(g: View, name: string, C: number | null, rank: number | null): TensorValue | null {
  const t = g.constant(name);
  if (!t || !t.dtype.startsWith('float') || t.dims.length < 2 || t.dims.slice(1).some((d) => d !== 1)) return null;
  if (rank !== null && t.dims.length !== rank - 1) return null;
  if (C !== null ? t.dims[0] !== C : t.dims[0] < 2) return null;
  return t;
}

/** F.layer_norm over the last axis written out (or the same over axis 1), found from its first ReduceMean `r1`. */
function matchLayerNorm(g: View, r1: number): Match | null {
  const x = g.node(r1).input[0];
  const axis = x ? meanAxis(g, r1, x) : null;
  if (!axis) return null;
  const mean = g.node(r1).output[0];
  // d = x − mean, read by the Pow and the Div alone
  const s = g.soleConsumer(mean);
  if (s === null || g.node(s).op_type !== 'Sub' || !isStandard(g.node(s)) || g.node(s).input[0] !== x || g.node(s).input[1] !== mean) return null;
  const d = g.node(s).output[0];
  const readers = g.consumers.get(d) ?? [];
  if (readers.length !== 2 || g.outputs.has(d)) return null;
  const pow = readers.find((k) => g.node(k).op_type === 'Pow');
  const div = readers.find((k) => g.node(k).op_type === 'Div');
  if (pow === undefined || div === undefined || !isStandard(g.node(pow)) || !isStandard(g.node(div))) return null;
  if (g.node(pow).input[0] !== d || g.node(pow).input.length !== 2 || !near(g.scalar(g.node(pow).input[1]), 2, 0)) return null;
  // var = mean(d²) over the same axis; std = √(var + eps)
  const r2 = g.soleConsumer(g.node(pow).output[0]);
  if (meanAxis(g, r2, g.node(pow).output[0], x) !== axis) return null;
  const add = g.soleConsumer(g.node(r2!).output[0]);
  if (add === null || g.node(add).op_type !== 'Add' || !isStandard(g.node(add))) return null;
  const epsName = other(g.node(add), g.node(r2!).output[0]);
  const eps = epsName === null ? null : g.scalar(epsName);
  if (eps === null || !(eps >= 0)) return null;
  const sqrt = g.soleConsumer(g.node(add).output[0]);
  if (sqrt === null || g.node(sqrt).op_type !== 'Sqrt' || !isStandard(g.node(sqrt))) return null;
  if (g.soleConsumer(g.node(sqrt).output[0]) !== div || g.node(div).input[0] !== d || g.node(div).input[1] !== g.node(sqrt).output[0]) return null;
  const nodes = [r1, s, pow, r2!, add, sqrt, div];
  let last = div;

  // the affine part, as far as it is a Mul and an Add by constants along the normalised axis
  const shape = g.shapeOf(x);
  const at = axis === 'last' ? (shape?.length ?? 0) - 1 : 1;
  let C: number | null = shape && shape.length > at && shape[at] > 0 ? shape[at] : null;
  let rank = shape?.length ?? null;
  const step = (op: string): { k: number; t: TensorValue; name: string } | null => {
    const k = g.soleConsumer(g.node(last).output[0]);
    if (k === null || g.node(k).op_type !== op || !isStandard(g.node(k))) return null;
    const name = other(g.node(k), g.node(last).output[0]);
    const t = name === null ? null : axis === 'last' ? lastAxisVector(g, name, C, rank) : channelsVector(g, name, C, rank);
    return t ? { k, t, name: name! } : null;
  };
  const sizeOfAxis = (t: TensorValue) => (axis === 'last' ? t.dims[t.dims.length - 1] : t.dims[0]);
  let scale: string | null = null, bias: string | null = null;
  const mul = step('Mul');
  if (mul) [scale, C, last] = [mul.name, sizeOfAxis(mul.t), mul.k];
  if (mul) nodes.push(mul.k);
  if (mul && axis === 'channels') rank = mul.t.dims.length + 1;
  const shift = step('Add');
  if (shift) [bias, C, last] = [shift.name, sizeOfAxis(shift.t), shift.k];
  if (shift) nodes.push(shift.k);
  // Over axis 1 a Scale of ones needs C and the rank to shape it C×1×…×1.
  if (axis === 'channels' && scale === null && (C === null || rank === null)) return null;

  const y = g.node(last).output[0];
  const name = g.node(last).name ?? '';
  const fused: OnnxNode[] = [];
  const initializers: OnnxTensorProto[] = [];
  if (scale === null) {
    // LayerNormalization's Scale is not optional: ones, as an initializer where the axis' size is known,
    // else computed from x's shape (folded at import: Shape reads the static shape).
    scale = g.fresh(`${y}/ones`);
    if (axis === 'channels') initializers.push(floatTensor(scale, [C!, ...new Array(rank! - 2).fill(1)], new Float32Array(C!).fill(1)));
    else if (C !== null) initializers.push(floatTensor(scale, [C], new Float32Array(C).fill(1)));
    else {
      const size = g.fresh(`${y}/size`);
      fused.push({ op_type: 'Shape', name: size, input: [x], output: [size], attribute: [intAttr('start', -1)] });
      fused.push({ op_type: 'ConstantOfShape', name: scale, input: [size], output: [scale], attribute: [{ name: 'value', type: 4, t: floatTensor('', [1], [1]) }] });
    }
  }
  fused.push({
    op_type: 'LayerNormalization', name, input: bias === null ? [x, scale] : [x, scale, bias], output: [y],
    // Over axis 1 alone, which ONNX's LayerNormalization cannot say (it normalises axis … the last): the
    // importer's own attribute deepwire_axis_only marks it; its converter reads nothing else from it.
    attribute: axis === 'last' ? [intAttr('axis', -1), floatAttr('epsilon', shortestFloat32(eps))]
      : [intAttr('axis', 1), floatAttr('epsilon', shortestFloat32(eps)), intAttr('deepwire_axis_only', 1)],
  });
  return { nodes, fused, initializers };
}

// ── the pass ──────────────────────────────────────────────────────────────────────────────────────────

const MATCHERS: Record<string, (g: View, k: number) => Match | null> = { Erf: matchGelu, ReduceMean: matchLayerNorm };

/**
 * The graph with every GELU and LayerNorm that torch.onnx decomposed rewritten as one Gelu or
 * LayerNormalization node, in the place of the pattern's last node (its inputs are computed before).
 * The graph itself is not changed; with nothing to rewrite it is returned as it is.
 */
export function fuseDecompositions(graph: OnnxGraph): OnnxGraph {
  const g = new View(graph);
  const claimed = new Set<number>();
  /** Replacement nodes by the index of the node they stand in for. */
  const at = new Map<number, OnnxNode[]>();
  const initializers: OnnxTensorProto[] = [];
  graph.node.forEach((n, k) => {
    const matcher = isStandard(n) ? MATCHERS[n.op_type] : undefined;
    if (!matcher || claimed.has(k)) return;
    const m = matcher(g, k);
    if (!m || m.nodes.some((j) => claimed.has(j))) return;
    for (const j of m.nodes) claimed.add(j);
    at.set(Math.max(...m.nodes), m.fused);
    initializers.push(...(m.initializers ?? []));
  });
  if (claimed.size === 0) return graph;
  // Constant nodes read only by rewritten patterns go too, unless a new node reads them (a Scale or B).
  const read = new Set([...at.values()].flat().flatMap((f) => f.input));
  graph.node.forEach((n, k) => {
    if (n.op_type !== 'Constant' || !isStandard(n) || claimed.has(k)) return;
    const o = n.output[0];
    const readers = g.consumers.get(o) ?? [];
    if (o && readers.length > 0 && readers.every((j) => claimed.has(j)) && !read.has(o) && !g.outputs.has(o)) claimed.add(k);
  });
  const node = graph.node.flatMap((n, k) => at.get(k) ?? (claimed.has(k) ? [] : [n]));
  return { ...graph, node, initializer: [...graph.initializer, ...initializers] };
}
