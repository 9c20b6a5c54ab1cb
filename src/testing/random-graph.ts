// Random valid graphs for differential tests: the GPU engine (with whatever fusions, kernels and
// buffer sharing it chooses) against the float64 CPU reference, on graphs no one wrote by hand —
// convs of every shape feeding BN, activations, pools, padding, merges and concats in random
// orders, branches that share inputs, tensors read twice. Every node is proposed with random
// attributes and kept only if the analyser accepts it (shape inference stays the ops' own), so the
// generator never duplicates an op's rules. Deterministic for a seed; small shapes (SwiftShader).
// Options add a second Input (its branches merged), frozen layers and regularizers; left out, they draw
// nothing, so a seed without them gives the graph it always gave.
import { analyzeGraph } from '../graph/analyze.ts';
import type { GraphFile, GraphNode } from '../graph/types.ts';
import { ACTIVATIONS } from '../ops/activations.ts';
import { findOp } from '../ops/index.ts';
import { RANDOM_BIAS, STATISTICS } from './train-graphs.ts';

export interface RandomGraphOptions {
  /** Nodes after the Input (the generator stops early when proposals keep failing). */
  size: number;
  /** Most elements a node's output may hold, per sample. */
  maxElements?: number;
  /**
   * Ops the generator may not use, and what Keras or TF.js lack: 'StridedDilatedConv' (strides with dilation),
   * 'CeilMode' (pools rounding up), 'GroupedConv' (TF.js' Conv2D has no groups).
   */
  exclude?: readonly string[];
  /** End in GlobalAveragePool2D or Flatten, then Dense(classes, softmax): a classifier to train. */
  classes?: number;
  /**
   * 2: a second Input 'x1' (the same shape as 'x', the same H and W, another image size, or a vector),
   * placed among the first half of the nodes; where no node reads both Inputs' branches, the sinks are
   * pooled or flattened and concatenated, so they merge. Default 1.
   */
  inputs?: 1 | 2;
  /** The chance that a node other than the Inputs and the classifier has `trainable: false`. */
  frozen?: number;
  /** The chance that each regularizer attr of a node (kernel, bias, activity, gamma, …) is set. */
  regularizers?: number;
}

const REGULARIZERS = [{ l2: 0.01 }, { l1: 0.01 }, { l1: 0.005, l2: 0.02 }, 'l2', 'l1_l2'];

// Every activation of the registry is continuous (a kink is fine; a jump would let a float32 value a
// hair across it differ from the float64 reference by the jump): softmax is the one that mixes channels.
const ACTIVATION_NAMES = Object.keys(ACTIVATIONS);
const KERNELS: (number | [number, number])[] = [1, 1, 2, 3, 3, 3, 5, [1, 3], [3, 1], [1, 5], [5, 1]];

type Shape = readonly number[];

export function randomGraph(rand: () => number, options: RandomGraphOptions): GraphFile {
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const chance = (p: number) => rand() < p;
  const maxElements = options.maxElements ?? 2048;
  const excluded = new Set(options.exclude ?? []);

  const nodes: GraphNode[] = [{ id: 'x', op: 'Input', attrs: { shape: [int(4, 9), int(4, 9), int(1, 6)] } }];
  const shapes = new Map<string, Shape>([['x', nodes[0].attrs!.shape as number[]]]);
  const readers = new Map<string, number>();
  let second: { at: number; shape: number[] } | null = null;
  if (options.inputs === 2) {
    const [H, W, C] = shapes.get('x')!;
    const shape = pick([[H, W, C], [H, W, int(1, 6)], [int(3, 9), int(3, 9), int(1, 6)], [int(2, 16)]]);
    second = { at: int(1, Math.max(1, Math.floor(options.size / 2))), shape };
  }

  const divisorsOf = (n: number) => Array.from({ length: n }, (_, i) => i + 1).filter((d) => n % d === 0);
  // Recent nodes are likelier sources, so graphs grow deep as well as wide.
  const source = (): string => {
    const ids = [...shapes.keys()];
    return ids[Math.max(0, ids.length - 1 - Math.floor(ids.length * rand() * rand()))];
  };
  const others = (id: string, fits: (s: Shape) => boolean) => [...shapes.keys()].filter((o) => o !== id && fits(shapes.get(o)!));
  const same = (a: Shape, b: Shape) => a.length === b.length && a.every((v, i) => v === b[i]);

  function propose(id: string): GraphNode | null {
    const from = source();
    const s = shapes.get(from)!;
    const node = (op: string, attrs: Record<string, unknown> = {}, inputs = [from]): GraphNode | null =>
      excluded.has(op) ? null : { id, op, inputs, attrs };
    const bias = () => (chance(0.5) ? { bias_initializer: RANDOM_BIAS } : { use_bias: chance(0.8) });
    const layerNorm = () => ({
      gamma_initializer: STATISTICS.gamma_initializer, beta_initializer: STATISTICS.beta_initializer, epsilon: pick([1e-3, 1e-6]),
      ...(chance(0.2) ? { center: false } : {}), ...(chance(0.2) ? { scale: false } : {}),
    });
    const padding = () => pick(['same', 'valid', 'same', [[int(0, 2), int(0, 1)], [int(0, 1), int(0, 2)]]]);

    if (s.length === 1) {
      const kind = int(0, 5);
      if (kind <= 1) return node('Dense', { units: int(1, 12), activation: pick(ACTIVATION_NAMES), ...bias() });
      if (kind === 2) return chance(0.3) ? node('LayerNormalization', layerNorm()) : node('BatchNormalization', STATISTICS);
      if (kind === 3) return node('Activation', { activation: pick(ACTIVATION_NAMES) });
      const partners = others(from, (o) => same(o, s));
      if (kind === 4 && partners.length) return node(pick(['Add', 'Subtract', 'Multiply', 'Average', 'Maximum', 'Minimum']), {}, [from, pick(partners)]);
      const vectors = others(from, (o) => o.length === 1);
      if (kind === 5 && partners.length && chance(0.4)) return node('Dot', { axes: 1, normalize: chance(0.5) }, [from, pick(partners)]);
      return vectors.length ? node('Concatenate', {}, [from, pick(vectors)]) : node('Dropout', { rate: 0.3 });
    }

    const [, , C] = s;
    switch (int(0, 21)) {
      case 0: case 1: case 2: case 3: {
        const filters = int(1, 20);
        const dilated = chance(0.15);
        const groups = !excluded.has('GroupedConv') && chance(0.2) ? pick(divisorsOf(C).filter((g) => filters % g === 0)) : 1;
        return node('Conv2D', {
          filters, kernel_size: pick(KERNELS), strides: dilated ? 1 : pick([1, 1, 2, [1, 2]]), padding: padding(),
          dilation_rate: dilated ? 2 : 1, groups, activation: pick(ACTIVATION_NAMES), ...bias(),
        });
      }
      case 4:
        return node('DepthwiseConv2D', { kernel_size: pick([3, 3, 5, [1, 3]]), strides: pick([1, 2]), padding: padding(), depth_multiplier: pick([1, 1, 2]), activation: pick(ACTIVATION_NAMES), ...bias() });
      case 5:
        return node('SeparableConv2D', { filters: int(1, 12), kernel_size: 3, padding: pick(['same', 'valid']), depth_multiplier: pick([1, 2]), activation: pick(ACTIVATION_NAMES), ...bias() });
      case 6: case 7:
        if (chance(0.3)) return node('LayerNormalization', layerNorm());
        return node('BatchNormalization', { ...STATISTICS, ...(chance(0.2) ? { center: false } : {}), ...(chance(0.2) ? { scale: false } : {}) });
      case 8:
        return chance(0.5) ? node('Activation', { activation: pick(ACTIVATION_NAMES) })
          : chance(0.5) ? node('ReLU', chance(0.5) ? { max_value: 0.5 + rand(), negative_slope: pick([0, 0.1]) } : {})
            : node('LeakyReLU', { negative_slope: pick([0.1, 0.3]) });
      case 9: {
        const op = pick(['MaxPool2D', 'AveragePool2D', 'MaxPoolWithArgmax2D']);
        const attrs = { pool_size: pick([2, 3, [1, 3]]), strides: pick([1, 2, null]), padding: pick(['same', 'valid']), ceil_mode: !excluded.has('CeilMode') && chance(0.3) };
        return node(op, op === 'MaxPoolWithArgmax2D' ? { ...attrs, ceil_mode: false, output: 'values' } : attrs);
      }
      case 10: {
        const pads = [[int(0, 2), int(0, 2)], [int(0, 2), int(0, 2)]];
        const op = pick(['ZeroPadding2D', 'Cropping2D', 'Pad2D']);
        if (op === 'Cropping2D') return node(op, { cropping: pads });
        return op === 'Pad2D' ? node(op, { padding: pads, mode: pick(['constant', 'reflect', 'edge']), constant_value: pick([0, 0.5]) }) : node(op, { padding: pads });
      }
      case 11: case 12: {
        const partners = others(from, (o) => same(o, s));
        if (!partners.length) return null;
        return node(pick(['Add', 'Add', 'Subtract', 'Multiply', 'Average', 'Maximum', 'Minimum']), {}, [from, pick(partners)]);
      }
      case 13: {
        const partners = others(from, (o) => o.length === 3 && o[0] === s[0] && o[1] === s[1]);
        if (!partners.length) return null;
        const inputs = [from, pick(partners), ...(chance(0.3) ? [pick(partners)] : [])];
        return node('Concatenate', {}, inputs);
      }
      case 14: {
        // A squeeze-excite gate: the 1×1×C tensor broadcast over the map.
        const gates = others(from, (o) => o.length === 3 && o[0] === 1 && o[1] === 1 && o[2] === C);
        if (gates.length && chance(0.7)) return node('Multiply', {}, [from, pick(gates)]);
        return node(pick(['GlobalAveragePool2D', 'GlobalMaxPool2D']), { keepdims: true });
      }
      case 15:
      {
        if (chance(0.35)) return node('ChannelShuffle', { groups: pick(divisorsOf(C)) });
        if (C > 1 && chance(0.5)) {
          const start = int(0, C - 2);
          return node('ChannelSlice', { start, end: int(start + 1, C) });
        }
        return node('Dropout', { rate: 0.5 });
      }
      case 16:
        return node(pick(['GlobalAveragePool2D', 'GlobalMaxPool2D', 'Flatten']));
      case 17:
        return chance(0.5) ? node('Softmax', { axis: pick([-1, 1, 2]) }) : node('Rescaling', { scale: pick([0.5, 2, -1]), offset: pick([0, 0.25]) });
      case 18: {
        // Concatenate along H or W, Dense on the last axis of a map, Normalization per channel.
        const axis = pick([1, 2]);
        const partners = others(from, (o) => o.length === 3 && o[2] === C && o[2 - axis] === s[2 - axis]);
        if (partners.length && chance(0.5)) return node('Concatenate', { axis }, [from, pick(partners)]);
        if (chance(0.5)) return node('Dense', { units: int(1, 8), activation: pick(ACTIVATION_NAMES), ...bias() });
        return node('Normalization', { mean: Array.from({ length: C }, () => rand() - 0.5), variance: Array.from({ length: C }, () => 0.25 + rand()), invert: chance(0.2) });
      }
      case 19: {
        // Divide by a sigmoid's output only: (0, 1), so the quotient stays well conditioned.
        const denominators = others(from, (o) => same(o, s)).filter((o) => nodes.find((n) => n.id === o)?.attrs?.activation === 'sigmoid');
        if (denominators.length) return node('Divide', {}, [from, pick(denominators)]);
        return node('Activation', { activation: 'sigmoid' });
      }
      case 20:
        // A reshape that keeps the rank (W×H×C, or H×(W·C)×1) or flattens.
        return node('Reshape', { target_shape: pick([[s[1], s[0], C], [s[0], s[1] * C, 1], [-1]]) });
      default: {
        // A strided dilated conv (PyTorch and ONNX allow it), or an augmentation layer: the identity at inference.
        if (chance(0.4)) return excluded.has('StridedDilatedConv') ? null : node('Conv2D', { filters: int(1, 8), kernel_size: 3, strides: 2, dilation_rate: 2, allow_strided_dilation: true, padding: pick(['same', 'valid']), ...bias() });
        if (chance(0.5)) return node('RandomFlip', { mode: pick(['horizontal', 'vertical', 'horizontal_and_vertical']) });
        return chance(0.5) ? node('RandomTranslation', { height_factor: 0.2, width_factor: 0.2, fill_mode: pick(['reflect', 'constant', 'nearest']) })
          : node('RandomCrop', { height: Math.max(1, s[0] - 1), width: Math.max(1, s[1] - 2) });
      }
    }
  }

  // Each proposal is checked by the analyser on the graph so far; rejected ones are dropped.
  const accepts = (candidate: GraphNode): Shape | null => {
    const report = analyzeGraph({ format: 'deepwire-graph', version: 1, nodes: [...nodes, candidate], outputs: [candidate.id] });
    const shape = report.ok ? report.byId.get(candidate.id)?.shape : null;
    return shape && shape.reduce((a, b) => a * b, 1) <= maxElements ? shape : null;
  };
  for (let tries = 0; nodes.length <= options.size && tries < options.size * 20; tries++) {
    if (second && nodes.length >= second.at) {
      nodes.push({ id: 'x1', op: 'Input', attrs: { shape: second.shape } });
      shapes.set('x1', second.shape);
      second = null;
    }
    const candidate = propose(`n${nodes.length}`);
    const shape = candidate && accepts(candidate);
    if (!candidate || !shape) continue;
    nodes.push(candidate);
    shapes.set(candidate.id, shape);
    for (const i of candidate.inputs ?? []) readers.set(i, (readers.get(i) ?? 0) + 1);
  }

  const sinks = () => nodes.filter((n) => !readers.has(n.id) && (n.op !== 'Input' || options.inputs === 2)).map((n) => n.id);
  if (options.inputs === 2 && !options.classes && !readsBoth(nodes)) {
    const vectors = sinks().map((o, i) => (shapes.get(o)!.length === 1 ? o : flattened(o, i)));
    nodes.push({ id: 'merge', op: 'Concatenate', inputs: vectors });
    for (const v of vectors) readers.set(v, 1);
  }
  let outputs = sinks();
  if (options.classes) {
    // One loss: the sinks are summed into one vector (pooled or flattened), then the classifier.
    const vectors = outputs.map((o, i) => (shapes.get(o)!.length === 1 ? o : flattened(o, i)));
    const features = vectors.length > 1 ? 'features' : vectors[0] ?? 'x';
    if (vectors.length > 1) nodes.push({ id: 'features', op: 'Concatenate', inputs: vectors });
    if (features === 'x') nodes.push({ id: 'flat', op: 'Flatten', inputs: ['x'] });
    nodes.push({ id: 'classes', op: 'Dense', inputs: [features === 'x' ? 'flat' : features], attrs: { units: options.classes, activation: 'softmax', bias_initializer: RANDOM_BIAS } });
    outputs = ['classes'];
  } else if (!outputs.length) outputs = ['x'];
  for (const node of nodes) {
    if (node.op === 'Input') continue;
    if (options.frozen && node.id !== 'classes' && chance(options.frozen)) node.attrs = { ...node.attrs, trainable: false };
    if (!options.regularizers) continue;
    for (const [key, spec] of Object.entries(findOp(node.op)!.attrs))
      if (spec.kind === 'regularizer' && chance(options.regularizers)) node.attrs = { ...node.attrs, [key]: pick(REGULARIZERS) };
  }
  return { format: 'deepwire-graph', version: 1, nodes, outputs };

  /** The i-th sink as a vector: GlobalAveragePool2D or Flatten of it. */
  function flattened(id: string, i: number): string {
    nodes.push({ id: `pool${i}`, op: chance(0.5) ? 'GlobalAveragePool2D' : 'Flatten', inputs: [id] });
    readers.set(id, 1);
    return `pool${i}`;
  }
}

/** Whether some node depends on both Inputs. */
function readsBoth(nodes: readonly GraphNode[]): boolean {
  const reach = new Map<string, Set<string>>();
  for (const n of nodes) if (n.op === 'Input') reach.set(n.id, new Set([n.id]));
  for (const n of nodes) {
    if (n.op === 'Input') continue;
    const from = new Set((n.inputs ?? []).flatMap((i) => [...(reach.get(i) ?? [])]));
    if (from.size > 1) return true;
    reach.set(n.id, from);
  }
  return false;
}
