// "Explain this value" against the CPU reference (src/runtime/reference.ts): every explained op at small
// sizes, every position of its output, the breakdown's total equal to the value the reference computed.
// Tolerance: the reference rounds its float64 sum to float32 once (and once more before an activation),
// so |total − value| ≤ 2⁻²³·(scale + |value|), scale being Σ|terms|; and the two print alike.
import { describe, expect, it } from 'vitest';
import { analyzeGraph, type GraphReport } from '../graph/analyze.ts';
import type { Attrs, GraphFile } from '../graph/types.ts';
import { materializeWeights, runReference } from '../runtime/reference.ts';
import { randomInput, singleOpGraph } from '../testing/compare.ts';
import { RANDOM_BIAS } from '../testing/cases.ts';
import { formatValue } from '../format.ts';
import { sizeOf, stridesOf, tensor, type Tensor } from '../tensor.ts';
import { OpError } from '../ops/op.ts';
import { explainFromRun, explainValue } from './explain.ts';
import { explanationText } from './text.ts';
import type { BatchNormExplanation, ConvExplanation, DenseExplanation, DotExplanation, Explanation, MergeExplanation, PoolExplanation } from './types.ts';

const FLOAT32_EPS = 2 ** -23;

interface Run {
  report: GraphReport;
  tensors: Map<string, Tensor>;
  weights: Map<string, Record<string, Tensor>>;
}

/** Runs `graph` on the CPU reference, keeping every node's tensor. */
function runAll(graph: GraphFile, { batch = 1, weights }: { batch?: number; weights?: (w: Map<string, Record<string, Tensor>>) => void } = {}): Run {
  const report = analyzeGraph(graph);
  expect(report.problems).toEqual([]);
  const materialized = materializeWeights(report, 3);
  weights?.(materialized);
  const feeds: Record<string, Tensor> = {};
  for (const r of report.nodes) if (r.op === 'Input') feeds[r.id] = randomInput([batch, ...r.shape!], r.id);
  const tensors = runReference(report, feeds, { weights: materialized, outputs: report.nodes.map((r) => r.id) }).tensors;
  return { report, tensors, weights: materialized };
}

/** Every position of a batchless shape. */
function positions(shape: readonly number[]): number[][] {
  const strides = stridesOf(shape);
  return Array.from({ length: sizeOf(shape) }, (_, i) => shape.map((d, k) => Math.floor(i / strides[k]) % d));
}

/** Explains every position of node `id` (every image) and checks each total against the reference's value. */
function explainEverywhere(run: Run, id: string): Explanation[] {
  const out = run.tensors.get(id)!;
  const all: Explanation[] = [];
  for (let image = 0; image < out.shape[0]; image++)
    for (const at of positions(out.shape.slice(1))) {
      const e = explainFromRun(run.report, id, run.tensors, run.weights, at, { image });
      const off = image * sizeOf(out.shape.slice(1)) + at.reduce((o, v, k) => o + v * stridesOf(out.shape.slice(1))[k], 0);
      expect(e.value).toBe(out.data[off]);
      const tolerance = FLOAT32_EPS * (e.scale + Math.abs(e.value)) + 1e-30;
      expect(Math.abs(e.total - e.value), `${id} at ${at} (image ${image}): total ${e.total}, value ${e.value}, scale ${e.scale}`).toBeLessThanOrEqual(tolerance);
      // The reference rounds its sum to float32 once: so rounded, the total prints as the value.
      expect(formatValue(Math.fround(e.total))).toBe(formatValue(e.value));
      all.push(e);
    }
  return all;
}

/** Nodes named by their ids, so messages and texts read `x0`, `y`. */
const named = (graph: GraphFile): GraphFile => ({ ...graph, nodes: graph.nodes.map((n) => ({ ...n, name: n.name ?? n.id })) });
const opGraph = (op: string, inputs: number[][], attrs: Attrs) => named(singleOpGraph(op, inputs, attrs));

describe('explain Conv2D, DepthwiseConv2D and SeparableConv2D: the total is the reference value at every position', () => {
  it.each([
    ['3×3 same, relu', [[6, 5, 3]], { filters: 4, kernel_size: 3, padding: 'same', activation: 'relu', bias_initializer: RANDOM_BIAS }],
    ['stride 2 same on odd 7×5 (the extra pad at the end)', [[7, 5, 3]], { filters: 3, kernel_size: 3, strides: 2, padding: 'same', bias_initializer: RANDOM_BIAS }],
    ['even 4×4 kernel, stride 2 same', [[9, 7, 2]], { filters: 3, kernel_size: 4, strides: 2, padding: 'same' }],
    ['dilation 2 same', [[8, 7, 3]], { filters: 3, kernel_size: 3, dilation_rate: 2, padding: 'same', activation: 'tanh' }],
    ['dilation [2, 3] valid, no bias', [[9, 10, 2]], { filters: 2, kernel_size: 3, dilation_rate: [2, 3], use_bias: false }],
    ['groups 2, 1×3 valid', [[5, 6, 4]], { filters: 6, kernel_size: [1, 3], groups: 2, bias_initializer: RANDOM_BIAS }],
    ['groups 3, strides 2 with dilation 2 (PyTorch), explicit pads', [[9, 8, 6]], { filters: 3, kernel_size: 3, groups: 3, strides: 2, dilation_rate: 2, allow_strided_dilation: true, padding: [[2, 1], [0, 2]] }],
    ['softmax over the filters', [[4, 4, 3]], { filters: 5, kernel_size: 3, padding: 'same', activation: 'softmax' }],
  ] as const)('Conv2D %s', (_name, inputs, attrs) => {
    explainEverywhere(runAll(opGraph('Conv2D', inputs.map((s) => [...s]), attrs as unknown as Attrs)), 'y');
  });

  it.each([
    ['depth multiplier 2, stride 2 same', { kernel_size: 3, strides: 2, padding: 'same', depth_multiplier: 2, bias_initializer: RANDOM_BIAS, activation: 'relu6' }],
    ['dilation 2 valid', { kernel_size: 3, dilation_rate: 2 }],
  ] as const)('DepthwiseConv2D %s', (_name, attrs) => {
    const all = explainEverywhere(runAll(opGraph('DepthwiseConv2D', [[7, 6, 3]], attrs as unknown as Attrs)), 'y') as ConvExplanation[];
    // One input channel per output channel: c·DM + m reads channel c.
    const dm = (attrs as { depth_multiplier?: number }).depth_multiplier ?? 1;
    for (const e of all) expect(e.terms.map((t) => t.channel)).toEqual([Math.floor(e.at[2] / dm)]);
  });

  it('SeparableConv2D: each input channel and multiplier, its depthwise sum times its pointwise weight', () => {
    const all = explainEverywhere(runAll(opGraph('SeparableConv2D', [[6, 5, 3]], {
      filters: 4, kernel_size: 3, padding: 'same', depth_multiplier: 2, activation: 'relu', bias_initializer: RANDOM_BIAS,
    })), 'y') as ConvExplanation[];
    const e = all[7];
    expect(e.terms.map((t) => [t.channel, t.pointwise!.multiplier])).toEqual([[0, 0], [0, 1], [1, 0], [1, 1], [2, 0], [2, 1]]);
    for (const t of e.terms) {
      const depthwise = t.patch.reduce<number>((s, v, i) => s + (v ?? 0) * t.kernel[i], 0);
      expect(t.pointwise!.depthwise).toBe(Math.fround(depthwise));
      expect(t.partial).toBe(t.pointwise!.depthwise * t.pointwise!.weight);
    }
  });

  it("'same' stride 2 at the borders: the window's rows and columns, padding null in the patch", () => {
    // 7 rows, kernel 3, stride 2 → 4 outputs, 2 pad rows: one before, one after (Keras' SAME).
    const run = runAll(opGraph('Conv2D', [[7, 7, 2]], { filters: 1, kernel_size: 3, strides: 2, padding: 'same' }));
    const first = explainFromRun(run.report, 'y', run.tensors, run.weights, [0, 0, 0]) as ConvExplanation;
    expect([first.rows, first.cols]).toEqual([[-1, 0, 1], [-1, 0, 1]]);
    expect(first.terms[0].patch.map((v) => v === null)).toEqual([true, true, true, true, false, false, true, false, false]);
    const last = explainFromRun(run.report, 'y', run.tensors, run.weights, [3, 3, 0]) as ConvExplanation;
    expect([last.rows, last.cols]).toEqual([[5, 6, 7], [5, 6, 7]]);
    expect(last.terms[1].patch.map((v) => v === null)).toEqual([false, false, true, false, false, true, true, true, true]);
    // The patch holds the input's values: row 5, col 6 of channel 1.
    const x = run.tensors.get('x0')!;
    expect(last.terms[1].patch[1]).toBe(x.data[(5 * 7 + 6) * 2 + 1]);
  });

  it('dilated: taps dilation apart; grouped: only the group of the output channel', () => {
    const dilated = runAll(opGraph('Conv2D', [[9, 9, 1]], { filters: 1, kernel_size: 3, dilation_rate: 3 }));
    const d = explainFromRun(dilated.report, 'y', dilated.tensors, dilated.weights, [1, 2, 0]) as ConvExplanation;
    expect([d.rows, d.cols]).toEqual([[1, 4, 7], [2, 5, 8]]);
    const grouped = runAll(opGraph('Conv2D', [[3, 3, 6]], { filters: 4, kernel_size: 1, groups: 2 }));
    const g = explainFromRun(grouped.report, 'y', grouped.tensors, grouped.weights, [0, 0, 3]) as ConvExplanation;
    expect(g.terms.map((t) => t.channel)).toEqual([3, 4, 5]);
    const k = grouped.weights.get('y')!.kernel;
    // Keras' kernel [1, 1, C/groups, OC]: input channel 4 is the group's second, at [0, 0, 1, 3].
    expect(g.terms[1].kernel).toEqual([k.data[1 * 4 + 3]]);
  });

  it('a batch: each image its own values', () => {
    const run = runAll(opGraph('Conv2D', [[4, 4, 2]], { filters: 2, kernel_size: 3, padding: 'same', bias_initializer: RANDOM_BIAS }), { batch: 2 });
    explainEverywhere(run, 'y');
  });
});

describe('explain the pools: the window and its winner or mean', () => {
  it.each([
    ['MaxPool2D 3×3 stride 2 same', 'MaxPool2D', { pool_size: 3, strides: 2, padding: 'same' }],
    ['MaxPool2D 2×2 valid, ceil mode', 'MaxPool2D', { pool_size: 2, ceil_mode: true }],
    ['AveragePool2D 3×3 stride 1 same (real cells only)', 'AveragePool2D', { pool_size: 3, strides: 1, padding: 'same' }],
    ['AveragePool2D count_include_pad, explicit pads', 'AveragePool2D', { pool_size: 3, strides: 2, padding: [[1, 1], [1, 0]], count_include_pad: true }],
    ['GlobalAveragePool2D', 'GlobalAveragePool2D', {}],
    ['GlobalMaxPool2D keepdims', 'GlobalMaxPool2D', { keepdims: true }],
  ] as const)('%s', (_name, op, attrs) => {
    const all = explainEverywhere(runAll(opGraph(op, [[7, 6, 3]], attrs as unknown as Attrs)), 'y') as PoolExplanation[];
    for (const e of all) {
      const real = e.values.filter((v): v is number => v !== null);
      if (e.mode === 'max') expect(e.winner!.value).toBe(Math.max(...real));
      else expect(e.sum).toBeCloseTo(real.reduce((s, v) => s + v, 0), 12);
    }
  });

  it("AveragePool2D 'same' divides a corner by its 4 real cells; with count_include_pad by 9", () => {
    const plain = runAll(opGraph('AveragePool2D', [[5, 5, 1]], { pool_size: 3, strides: 1, padding: 'same' }));
    const corner = explainFromRun(plain.report, 'y', plain.tensors, plain.weights, [0, 0, 0]) as PoolExplanation;
    expect([corner.rows, corner.cols, corner.count]).toEqual([[-1, 0, 1], [-1, 0, 1], 4]);
    const padded = runAll(opGraph('AveragePool2D', [[5, 5, 1]], { pool_size: 3, strides: 1, padding: [[1, 1], [1, 1]], count_include_pad: true }));
    expect((explainFromRun(padded.report, 'y', padded.tensors, padded.weights, [0, 0, 0]) as PoolExplanation).count).toBe(9);
  });

  it('MaxPool2D names the winner: its row and column in the input', () => {
    const run = runAll(opGraph('MaxPool2D', [[4, 4, 1]], { pool_size: 2 }));
    const e = explainFromRun(run.report, 'y', run.tensors, run.weights, [1, 0, 0]) as PoolExplanation;
    const x = run.tensors.get('x0')!.data;
    expect(x[e.winner!.row * 4 + e.winner!.col]).toBe(e.value);
    expect(e.winner!.row === 2 || e.winner!.row === 3).toBe(true);
    expect(e.winner!.col === 0 || e.winner!.col === 1).toBe(true);
  });
});

describe('explain the merges: the operands at that position', () => {
  it.each([
    ['Add of 3', 'Add', [[3, 4, 2], [3, 4, 2], [3, 4, 2]], {}],
    ['Subtract', 'Subtract', [[3, 4, 2], [3, 4, 2]], {}],
    ['Multiply by a broadcast 1×1×C (squeeze-excite)', 'Multiply', [[3, 4, 2], [1, 1, 2]], {}],
    ['Divide', 'Divide', [[3, 2, 2], [3, 2, 2]], {}],
    ['Average', 'Average', [[3, 4, 2], [3, 4, 2]], {}],
    ['Maximum of 3', 'Maximum', [[2, 3, 2], [2, 3, 2], [2, 3, 2]], {}],
    ['Minimum', 'Minimum', [[2, 3, 2], [2, 3, 2]], {}],
    ['Concatenate on channels', 'Concatenate', [[3, 2, 2], [3, 2, 3], [3, 2, 1]], { axis: -1 }],
    ['Concatenate on H', 'Concatenate', [[2, 3, 2], [3, 3, 2]], { axis: 1 }],
    ['Dot of two vectors', 'Dot', [[5], [5]], { axes: 1 }],
    ['Dot normalize (cosine)', 'Dot', [[6], [6]], { axes: -1, normalize: true }],
    ['Dot of 3×4 and 3×2 over axis 1', 'Dot', [[3, 4], [3, 2]], { axes: 1 }],
  ] as const)('%s', (_name, op, inputs, attrs) => {
    explainEverywhere(runAll(opGraph(op, inputs.map((s) => [...s]), attrs as unknown as Attrs)), 'y');
  });

  it('a broadcast operand reads position 0 along its size-1 axes', () => {
    const run = runAll(opGraph('Multiply', [[3, 4, 2], [1, 1, 2]], {}));
    const e = explainFromRun(run.report, 'y', run.tensors, run.weights, [2, 3, 1]) as MergeExplanation;
    expect(e.operands.map((o) => o.at)).toEqual([[2, 3, 1], [0, 0, 1]]);
    expect(e.operands.map((o) => o.name)).toEqual(['x0', 'x1']);
  });

  it('Concatenate: the input the position falls in, at its own index', () => {
    const run = runAll(opGraph('Concatenate', [[3, 2, 2], [3, 2, 3], [3, 2, 1]], { axis: -1 }));
    const e = explainFromRun(run.report, 'y', run.tensors, run.weights, [1, 1, 4]) as MergeExplanation;
    expect(e.concat).toEqual({ axis: 2, offsets: [0, 2, 5] });
    expect(e.operands).toMatchObject([{ index: 1, id: 'x1', at: [1, 1, 2] }]);
  });

  it('Dot: the two vectors, their products and the sum', () => {
    const run = runAll(opGraph('Dot', [[3, 4], [3, 2]], { axes: 1 }));
    const e = explainFromRun(run.report, 'y', run.tensors, run.weights, [2, 1]) as DotExplanation;
    const x = run.tensors.get('x0')!.data, y = run.tensors.get('x1')!.data;
    expect(e.operands[0].values).toEqual([0, 1, 2].map((k) => x[k * 4 + 2]));
    expect(e.operands[1].values).toEqual([0, 1, 2].map((k) => y[k * 2 + 1]));
    expect(e.products).toHaveLength(3);
  });
});

describe('explain BatchNormalization and Dense', () => {
  it('BatchNormalization: x, the moving statistics, gamma, beta and epsilon', () => {
    const run = runAll(opGraph('BatchNormalization', [[3, 2, 4]], { epsilon: 0.01 }), {
      weights: (w) => {
        const bn = w.get('y')!;
        bn.gamma = tensor([4], [1.5, -0.5, 2, 0.25]);
        bn.beta = tensor([4], [0.1, 0.2, -0.3, 0]);
        bn.moving_mean = tensor([4], [0.3, -0.2, 0.05, 1]);
        bn.moving_variance = tensor([4], [0.5, 2, 0.01, 1.5]);
      },
    });
    const all = explainEverywhere(run, 'y');
    const e = all.find((a) => a.at.join() === '1,0,2')!;
    expect(e).toMatchObject({ kind: 'batch-norm', channel: 2, mean: Math.fround(0.05), variance: Math.fround(0.01), epsilon: 0.01, gamma: 2, beta: Math.fround(-0.3) });
  });

  it("LayerNormalization: x, its position's mean and variance over the channels, gamma, beta and epsilon", () => {
    const run = runAll(opGraph('LayerNormalization', [[3, 2, 4]], { epsilon: 0.01 }), {
      weights: (w) => {
        const ln = w.get('y')!;
        ln.gamma = tensor([4], [1.5, -0.5, 2, 0.25]);
        ln.beta = tensor([4], [0.1, 0.2, -0.3, 0]);
      },
    });
    const all = explainEverywhere(run, 'y');
    const e = all.find((a) => a.at.join() === '1,0,2')!;
    const x = run.tensors.get('x0')!.data;
    const row = [0, 1, 2, 3].map((c) => x[(1 * 2 + 0) * 4 + c]);
    const mean = row.reduce((a, v) => a + v, 0) / 4;
    expect(e).toMatchObject({ kind: 'batch-norm', statistics: 'position', channel: 2, x: row[2], epsilon: 0.01, gamma: 2, beta: Math.fround(-0.3) });
    expect((e as BatchNormExplanation).mean).toBeCloseTo(mean, 6);
    expect(explanationText(e, run.report.byId.get('y')!.attrs).join('\n')).toContain("the position's 4 channels: mean");
  });

  it('Dense with softmax: the largest inputs × weights, the rest summed, the bias, the softmax over the units', () => {
    const run = runAll(opGraph('Dense', [[30]], { units: 5, activation: 'softmax', bias_initializer: RANDOM_BIAS }));
    const all = explainEverywhere(run, 'y') as DenseExplanation[];
    const e = all[2];
    expect(e.top).toHaveLength(10);
    expect(e.rest.count).toBe(20);
    const magnitudes = e.top.map((t) => Math.abs(t.product));
    expect(magnitudes).toEqual([...magnitudes].sort((a, b) => b - a));
    expect(e.top.reduce((s, t) => s + t.product, 0) + e.rest.sum + e.bias!).toBeCloseTo(e.preActivation, 12);
    expect(e.activation.softmax!.count).toBe(5);
  });

  it('Dense on an H×W×C map acts per pixel', () => {
    explainEverywhere(runAll(opGraph('Dense', [[3, 2, 4]], { units: 3, activation: 'relu', bias_initializer: RANDOM_BIAS })), 'y');
  });
});

describe('explain: what it refuses', () => {
  const run = runAll(named({
    format: 'deepwire-graph', version: 1, outputs: ['flat'],
    nodes: [
      { id: 'x', op: 'Input', attrs: { shape: [4, 4, 2] } },
      { id: 'conv', name: 'conv_a', op: 'Conv2D', inputs: ['x'], attrs: { filters: 3, kernel_size: 3 } },
      { id: 'flat', op: 'Flatten', inputs: ['conv'], attrs: {} },
    ],
  }));
  const explain = (id: string, at: number[], image = 0) => () => explainFromRun(run.report, id, run.tensors, run.weights, at, { image });

  it('an op it does not cover, by name', () => {
    expect(explain('flat', [0])).toThrow('explain does not cover Flatten yet');
    try {
      explain('flat', [0])();
    } catch (e) {
      expect((e as OpError).hint).toMatch(/^it explains Conv2D, DepthwiseConv2D, SeparableConv2D, MaxPool2D/);
    }
  });

  it('a position outside the output, or of the wrong rank, or an image outside the batch', () => {
    expect(explain('conv', [2, 0, 0])).toThrow("y = 2 is outside conv_a [conv]'s 2×2×3 output");
    expect(explain('conv', [0, 0, 3])).toThrow("c = 3 is outside conv_a [conv]'s 2×2×3 output");
    expect(explain('conv', [0, 0])).toThrow("a position in conv_a [conv]'s 2×2×3 output has 3 coordinates (y, x, c), got 2");
    expect(explain('conv', [0, 0, 0], 1)).toThrow('image 2 is not in the batch of 1');
    try {
      explain('conv', [2, 0, 0])();
    } catch (e) {
      expect((e as OpError).hint).toBe('pick y in 0…1, x in 0…1, c in 0…2');
    }
  });

  it('a node the run kept no tensor of', () => {
    const tensors = new Map(run.tensors);
    tensors.delete('x');
    expect(() => explainFromRun(run.report, 'conv', tensors, run.weights, [0, 0, 0])).toThrow('the run kept no tensor for x');
    expect(() => explainFromRun(run.report, 'nope', run.tensors, run.weights, [0])).toThrow("'nope' is not a node of the graph");
  });

  it('explainValue alone checks the position too', () => {
    const node = run.report.byId.get('conv')!;
    expect(() => explainValue({ node, inputs: [], output: run.tensors.get('conv')!, weights: {}, at: [0, 5, 0] })).toThrow('x = 5 is outside');
  });
});

describe('explanationText', () => {
  it('a conv: the window, the channels with patch and kernel, bias, sum, activation, total, and value last', () => {
    const run = runAll(opGraph('Conv2D', [[5, 5, 2]], { filters: 2, kernel_size: 3, strides: 2, padding: 'same', activation: 'relu', bias_initializer: RANDOM_BIAS }));
    const e = explainFromRun(run.report, 'y', run.tensors, run.weights, [0, 1, 1]);
    const lines = explanationText(e, run.report.byId.get('y')!.attrs);
    expect(lines[0]).toBe('y (Conv2D 3×3, strides 2, padding same, relu) at y 0, x 1, c 1 of 3×3×2');
    expect(lines[1]).toBe('window on x0 (5×5×2): rows -1…1, cols 1…3 (outside 0…4 × 0…4: padding, shown ·)');
    expect(lines[2]).toBe('per input channel: Σ patch × kernel (2 terms):');
    expect(lines[3]).toMatch(/^ {2}channel [01]: partial -?\d/);
    expect(lines[4]).toMatch(/^ {4}patch +kernel$/);
    expect(lines[5]).toMatch(/^ {4}( *·){3} /);
    expect(lines.at(-2)).toMatch(/^total: \S+ \(float64 from the run's float32 tensors; /);
    expect(lines.at(-1)).toBe(`value: ${formatValue(e.value)}`);
    expect(lines).toContain(`activation relu: ${formatValue((e as ConvExplanation).preActivation)} → ${formatValue(e.total)}`);
  });

  it('a pool, a merge, a batch norm and a dense unit end with the value too', () => {
    const graph: GraphFile = {
      format: 'deepwire-graph', version: 1, outputs: ['dense'],
      nodes: [
        { id: 'x', op: 'Input', attrs: { shape: [4, 4, 2] } },
        { id: 'pool', op: 'MaxPool2D', inputs: ['x'], attrs: { pool_size: 2 } },
        { id: 'bn', op: 'BatchNormalization', inputs: ['pool'], attrs: {} },
        { id: 'add', op: 'Add', inputs: ['pool', 'bn'], attrs: {} },
        { id: 'gap', op: 'GlobalAveragePool2D', inputs: ['add'], attrs: {} },
        { id: 'dense', op: 'Dense', inputs: ['gap'], attrs: { units: 3 } },
      ],
    };
    const run = runAll(named(graph));
    const text = (id: string, at: number[]) => explanationText(explainFromRun(run.report, id, run.tensors, run.weights, at), run.report.byId.get(id)!.attrs);
    const pool = text('pool', [1, 0, 1]);
    expect(pool[0]).toBe('pool (MaxPool2D 2×2, strides 2, padding valid) at y 1, x 0, c 1 of 2×2×2');
    expect(pool[1]).toBe('window on x (4×4×2), channel 1: rows 2…3, cols 0…1');
    expect(pool[4]).toMatch(/^max: \S+ at row [23], col [01]$/);
    const add = text('add', [0, 1, 0]);
    expect(add.slice(1, 4).map((l) => l.replace(/: \S+$/, ''))).toEqual(['operands at this position:', '  pool (y 0, x 1, c 0)', '  bn (y 0, x 1, c 0)']);
    expect(add[4]).toMatch(/^add: \S+ \+ \S+ = \S+$/);
    expect(text('bn', [1, 1, 0])[4]).toMatch(/^× gamma 1\.000 \+ beta 0\.000 = \S+$/);
    expect(text('gap', [1])[1]).toBe('window on add (2×2×2), channel 1: rows 0…1, cols 0…1');
    const dense = text('dense', [2]);
    expect(dense[1]).toBe('inputs: gap (2 values); the 2 largest input × weight:');
    for (const id of ['pool', 'add', 'bn', 'gap', 'dense']) {
      const t = run.tensors.get(id)!;
      const at = id === 'gap' || id === 'dense' ? [0] : [0, 0, 0];
      expect(text(id, at).at(-1)).toBe(`value: ${formatValue(t.data[0])}`);
    }
  });
});
