// The ONNX import pre-pass (src/io/onnx-fusions.ts): GELU and LayerNorm as torch.onnx writes them at
// opset 13–16 become one Gelu / LayerNormalization node; a pattern whose intermediate values are read
// elsewhere is left alone. Then end to end: a Conv followed by PyTorch's GELU imports as Conv2D +
// Activation 'gelu', ConvNeXt's LayerNorm2d as a LayerNormalization, computing what ONNX Runtime computes.
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../graph/analyze.ts';
import type { GraphFile } from '../graph/types.ts';
import { materializeWeights, runReference } from '../runtime/reference.ts';
import { sizeOf } from '../tensor.ts';
import { randomInput } from '../testing/compare.ts';
import { expectClose, TOLERANCE } from '../testing/expect-close.ts';
import { buildModel, ints, node, pseudoRandom, valueInfo, weight, type AttrValue } from '../testing/onnx-build.ts';
import { runImported } from '../testing/onnx-cases.ts';
import { runOrt } from '../testing/ort.ts';
import { exportOnnx } from './onnx-export.ts';
import { fuseDecompositions } from './onnx-fusions.ts';
import { importOnnx } from './onnx-import.ts';
import { NCHW, toOnnx } from './onnx-layout.ts';
import { floatTensor, int, readTensor, type OnnxGraph, type OnnxNode, type OnnxTensorProto } from './onnx-proto.ts';

/** A Constant node holding one float, as torch.onnx writes its scalars. */
const constant = (name: string, v: number) => node('Constant', [], [name], { value: { tensor: floatTensor('', [], [v]) } }, name);

function graph(nodes: OnnxNode[], { inputs = ['x'], outputs = ['y'], initializers = [] as OnnxTensorProto[], dims = undefined as number[] | undefined } = {}): OnnxGraph {
  return { name: 'g', node: nodes, input: inputs.map((n) => valueInfo(n, dims)), output: outputs.map((n) => valueInfo(n)), initializer: initializers };
}

const ops = (g: OnnxGraph) => g.node.map((n) => n.op_type);
const attrs = (n: OnnxNode) => Object.fromEntries(n.attribute.map((a) => [a.name, a.type === 3 ? new TextDecoder().decode(a.s) : a.type === 1 ? a.f : int(a.i)]));

/** nn.GELU() exactly as torch.onnx (opset 13) writes it: Constant nodes, x / √2 first, the 0.5 last. */
const torchGelu = (x = 'x', y = 'y') => [
  constant('sqrt2', 1.4142135381698608), node('Div', [x, 'sqrt2'], ['g_div'], {}, '/act/Div'), node('Erf', ['g_div'], ['g_erf'], {}, '/act/Erf'),
  constant('one', 1), node('Add', ['g_erf', 'one'], ['g_add'], {}, '/act/Add'), node('Mul', [x, 'g_add'], ['g_mul'], {}, '/act/Mul'),
  constant('half', 0.5), node('Mul', ['g_mul', 'half'], [y], {}, '/act/Mul_1'),
];

describe('fuseDecompositions: GELU', () => {
  it("torch.onnx's nn.GELU() (Constant nodes, the 0.5 last) becomes one Gelu, its Constants dropped", () => {
    const g = fuseDecompositions(graph([node('Relu', ['in'], ['x']), ...torchGelu()], { inputs: ['in'] }));
    expect(ops(g)).toEqual(['Relu', 'Gelu']);
    expect(g.node[1]).toMatchObject({ name: '/act/Mul_1', input: ['x'], output: ['y'] });
    expect(attrs(g.node[1])).toEqual({ approximate: 'none' });
  });

  it('the 0.5 first, Mul(0.5, x) · (1 + erf), with initializers, 1/√2 as a Mul and the operands swapped', () => {
    const g = fuseDecompositions(graph([
      node('Mul', ['half', 'x'], ['h']), node('Mul', ['x', 'rsqrt2'], ['s']), node('Erf', ['s'], ['e']),
      node('Add', ['one', 'e'], ['a']), node('Mul', ['a', 'h'], ['y'], {}, 'gelu_out'),
    ], { initializers: [weight('half', [], [0.5]), weight('rsqrt2', [1], [Math.fround(Math.SQRT1_2)]), weight('one', [], [1])] }));
    expect(ops(g)).toEqual(['Gelu']);
    expect(g.node[0]).toMatchObject({ name: 'gelu_out', input: ['x'], output: ['y'] });
    // the initializers stay (the importer reads only what nodes read)
    expect(g.initializer.map((t) => t.name)).toEqual(['half', 'rsqrt2', 'one']);
  });

  it('x · ((1 + erf)·0.5)', () => {
    const g = fuseDecompositions(graph([
      node('Div', ['x', 'sqrt2'], ['s']), node('Erf', ['s'], ['e']), node('Add', ['e', 'one'], ['a']), node('Mul', ['half', 'a'], ['c']), node('Mul', ['c', 'x'], ['y']),
    ], { initializers: [weight('sqrt2', [], [Math.SQRT2]), weight('one', [], [1]), weight('half', [], [0.5])] }));
    expect(ops(g)).toEqual(['Gelu']);
  });

  it('is left alone where a value inside it is read elsewhere, is a model output, or a constant is not GELU\'s', () => {
    // 1 + erf also read by another node
    const shared = graph([...torchGelu(), node('Relu', ['g_add'], ['z'])], { outputs: ['y', 'z'] });
    expect(fuseDecompositions(shared)).toBe(shared);
    // x·(1 + erf) is itself a model output
    const exposed = graph(torchGelu(), { outputs: ['y', 'g_mul'] });
    expect(fuseDecompositions(exposed)).toBe(exposed);
    // x / 2 is not x / √2
    const other = graph(torchGelu().map((n) => (n.output[0] === 'sqrt2' ? constant('sqrt2', 2) : n)));
    expect(fuseDecompositions(other)).toBe(other);
    // a lone Erf
    const lone = graph([node('Erf', ['x'], ['y'])]);
    expect(fuseDecompositions(lone)).toBe(lone);
  });
});

/** F.layer_norm(x, (C,), weight, bias, eps) as torch.onnx (opset 13–16) writes it. */
function torchLayerNorm({ affine = true, eps = 1e-6, axes = [-1] as number[], scaleName = 'ln.weight', biasName = 'ln.bias' } = {}): OnnxNode[] {
  const mean = (input: string, output: string, name: string) => node('ReduceMean', [input], [output], { axes }, name);
  return [
    mean('x', 'mean', '/ln/ReduceMean'), node('Sub', ['x', 'mean'], ['d'], {}, '/ln/Sub'), constant('two', 2), node('Pow', ['d', 'two'], ['sq'], {}, '/ln/Pow'),
    mean('sq', 'var', '/ln/ReduceMean_1'), constant('eps', eps), node('Add', ['var', 'eps'], ['var_eps'], {}, '/ln/Add'), node('Sqrt', ['var_eps'], ['std'], {}, '/ln/Sqrt'),
    node('Div', ['d', 'std'], [affine ? 'n' : 'y'], {}, '/ln/Div'),
    ...(affine ? [node('Mul', ['n', scaleName], ['scaled'], {}, '/ln/Mul'), node('Add', ['scaled', biasName], ['y'], {}, '/ln/Add_1')] : []),
  ];
}

describe('fuseDecompositions: LayerNorm', () => {
  const gamma = weight('ln.weight', [4], [1, 2, 3, 4]), beta = weight('ln.bias', [4], [0, 1, 0, 1]);

  it('with weight and bias: one LayerNormalization(x, weight, bias), axis −1, epsilon from the Add', () => {
    const g = fuseDecompositions(graph(torchLayerNorm(), { initializers: [gamma, beta] }));
    expect(ops(g)).toEqual(['LayerNormalization']);
    expect(g.node[0]).toMatchObject({ name: '/ln/Add_1', input: ['x', 'ln.weight', 'ln.bias'], output: ['y'] });
    const a = attrs(g.node[0]);
    // the float32 constant 9.99999997e-7 as the eps it was written from
    expect(a).toEqual({ axis: -1, epsilon: 1e-6 });
  });

  it('without affine, x\'s size known: a Scale of ones (a new initializer), no B', () => {
    const g = fuseDecompositions(graph(torchLayerNorm({ affine: false, eps: 1e-5 }), { dims: [2, 3, 5] }));
    expect(ops(g)).toEqual(['LayerNormalization']);
    expect(g.node[0].input).toEqual(['x', 'y/ones']);
    const ones = g.initializer.find((t) => t.name === 'y/ones')!;
    expect(readTensor(ones)).toMatchObject({ dims: [5], data: Float32Array.of(1, 1, 1, 1, 1) });
  });

  it("without affine, x's size unknown: the ones computed from x's shape (Shape → ConstantOfShape, folded at import)", () => {
    const g = fuseDecompositions(graph(torchLayerNorm({ affine: false })));
    expect(ops(g)).toEqual(['Shape', 'ConstantOfShape', 'LayerNormalization']);
    expect(g.node[0]).toMatchObject({ input: ['x'] });
    expect(attrs(g.node[0])).toEqual({ start: -1 });
    expect(g.node[2].input).toEqual(['x', g.node[1].output[0]]);
  });

  it('a weight as a Constant node is kept (the new node reads it); the last axis given as a positive axis where the rank is known', () => {
    const nodes = [node('Constant', [], ['w'], { value: { tensor: floatTensor('', [3], [1, 2, 3]) } }, 'w'), ...torchLayerNorm({ axes: [2], scaleName: 'w' })];
    const g = fuseDecompositions(graph(nodes, { dims: [1, 2, 3], initializers: [weight('ln.bias', [3], [0, 0, 1])] }));
    expect(ops(g)).toEqual(['Constant', 'LayerNormalization']);
    expect(g.node[1].input).toEqual(['x', 'w', 'ln.bias']);
    // axes as a constant input (opset 18)
    const input = graph(torchLayerNorm().map((n) => (n.op_type === 'ReduceMean' ? { ...n, input: [n.input[0], 'axes'], attribute: [] } : n)), { initializers: [gamma, beta, ints('axes', [-1])] });
    expect(ops(fuseDecompositions(input))).toEqual(['LayerNormalization']);
    // axis 2 of a rank-unknown x may not be the last: left alone
    const unknown = graph(torchLayerNorm({ axes: [2] }), { initializers: [gamma, beta] });
    expect(fuseDecompositions(unknown)).toBe(unknown);
  });

  it('weights through Identity nodes (torch.onnx writes equal weights once) are absorbed too', () => {
    const nodes = [node('Identity', ['ln.weight'], ['w2']), node('Identity', ['ln.bias'], ['b2']), ...torchLayerNorm({ scaleName: 'w2', biasName: 'b2' })];
    const g = fuseDecompositions(graph(nodes, { initializers: [gamma, beta] }));
    expect(ops(g)).toEqual(['Identity', 'Identity', 'LayerNormalization']);
    expect(g.node[2].input).toEqual(['x', 'w2', 'b2']);
  });

  it('a weight that does not run along the last axis alone stays a Mul after the LayerNormalization', () => {
    const g = fuseDecompositions(graph(torchLayerNorm(), { dims: [1, 2, 4], initializers: [weight('ln.weight', [2, 1], [1, 2]), beta] }));
    expect(ops(g)).toEqual(['LayerNormalization', 'Mul', 'Add']);
    expect(g.node[0]).toMatchObject({ input: ['x', 'n/ones'], output: ['n'] });
  });

  it('is left alone where x − mean is read by a third node, or the variance is a model output', () => {
    const extra = graph([...torchLayerNorm(), node('Relu', ['d'], ['z'])], { outputs: ['y', 'z'], initializers: [gamma, beta] });
    expect(fuseDecompositions(extra)).toBe(extra);
    const exposed = graph(torchLayerNorm(), { outputs: ['y', 'var'], initializers: [gamma, beta] });
    expect(fuseDecompositions(exposed)).toBe(exposed);
    // an eps of more axes than x broadcasts x to them (ONNX Runtime's output is 1×2×3×4 for a 2×3×4 x): not LayerNorm's
    const wide = graph(torchLayerNorm().map((n) => (n.output[0] === 'eps' ? node('Constant', [], ['eps'], { value: { tensor: floatTensor('', [1, 1, 1, 1], [1e-6]) } }) : n)), { dims: [2, 3, 4], initializers: [gamma, beta] });
    expect(fuseDecompositions(wide)).toBe(wide);
    // keepdims 0 is not LayerNorm's
    const flat = graph(torchLayerNorm().map((n) => (n.op_type === 'ReduceMean' ? { ...n, attribute: [...n.attribute, node('', [], [], { keepdims: 0 }).attribute[0]] } : n)), { initializers: [gamma, beta] });
    expect(fuseDecompositions(flat)).toBe(flat);
  });
});

/** ONNX-layout feeds by input name, the same for ONNX Runtime and deepwire. */
const feedsOf = (shapes: Record<string, number[]>) => Object.fromEntries(Object.entries(shapes).map(([k, dims], i) => [k, { dims, data: Float32Array.from(pseudoRandom(sizeOf(dims), 5 + i), (v) => 4 * v) }]));

describe('importOnnx: PyTorch GELUs', () => {
  const conv = (y = 'x') => node('Conv', ['in', 'w', 'b'], [y], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }, 'conv');
  const convWeights = [weight('w', [6, 3, 3, 3], pseudoRandom(162, 3)), weight('b', [6], pseudoRandom(6, 4))];

  it.each<[string, OnnxNode[], OnnxTensorProto[]]>([
    ['as torch.onnx writes nn.GELU()', [conv(), ...torchGelu()], convWeights],
    ['the 0.5 first, with initializers', [
      conv(), node('Mul', ['x', 'half'], ['h']), node('Div', ['x', 'sqrt2'], ['s']), node('Erf', ['s'], ['e']), node('Add', ['e', 'one'], ['a']), node('Mul', ['h', 'a'], ['y'], {}, 'gelu'),
    ], [...convWeights, weight('half', [], [0.5]), weight('sqrt2', [], [Math.SQRT2]), weight('one', [], [1])]],
  ])('after a Conv, %s: Conv2D + Activation gelu, as ONNX Runtime computes it', async (_name, nodes, initializers) => {
    const bytes = buildModel({ nodes, inputs: [valueInfo('in', [2, 3, 5, 6])], outputs: [valueInfo('y', [2, 6, 5, 6])], initializers, opset: 13 });
    const imported = importOnnx(bytes);
    expect(imported.graph.nodes.map((n) => [n.op, n.attrs?.activation])).toEqual([['Input', undefined], ['Conv2D', undefined], ['Activation', 'gelu']]);
    const feeds = feedsOf({ in: [2, 3, 5, 6] });
    const want = await runOrt(bytes, feeds);
    const got = await runImported(imported, feeds);
    expect(got.y.dims).toEqual(want.y.dims);
    // the conv's outputs reach −6 and below: gelu's tail
    expect(Math.min(...want.y.data)).toBeLessThan(-1e-4);
    expectClose(got.y.data, want.y.data, TOLERANCE.conv);
  });

  it("deepwire's own export of gelu (opset 13: the same decomposition) comes back as one Activation, and ONNX Runtime agrees", async () => {
    const g: GraphFile = { format: 'deepwire-graph', version: 1, outputs: ['c'], nodes: [
      { id: 'x', op: 'Input', attrs: { shape: [4, 5, 3] } },
      { id: 'c', op: 'Conv2D', inputs: ['x'], attrs: { filters: 4, kernel_size: 3, padding: 'same', activation: 'gelu', kernel_initializer: { name: 'random_uniform', minval: -2, maxval: 2 } } },
    ] };
    const report = analyzeGraph(g);
    const weights = materializeWeights(report, 1);
    const x = randomInput([2, 4, 5, 3], 'x');
    const want = runReference(report, { x }, { weights }).tensors.get('c')!;
    const bytes = exportOnnx(report, { seed: 1 });
    const ort = await runOrt(bytes, { x: toOnnx(x, NCHW) });
    expectClose(ort.c.data, toOnnx(want, NCHW).data, TOLERANCE.conv);
    const imported = importOnnx(bytes);
    expect(imported.graph.nodes.map((n) => n.op)).toEqual(['Input', 'Conv2D', 'Activation']);
    expect(imported.graph.nodes[2].attrs).toEqual({ activation: 'gelu' });
  });

  const single = (attrs: Record<string, AttrValue>, opset: number) =>
    buildModel({ nodes: [node('Relu', ['x'], ['r']), node('Gelu', ['r'], ['y'], attrs, 'gelu')], inputs: [valueInfo('x', [1, 8])], outputs: [valueInfo('y')], opset });

  it("a Gelu node (opset 20's) where the file's opset lets it through: approximate 'none' only", async () => {
    const imported = importOnnx(single({ approximate: 'none' }, 17));
    expect(imported.graph.nodes.map((n) => n.op)).toEqual(['Input', 'ReLU', 'Activation']);
    const data = Float32Array.from([0, 0.5, 1, 2, 3, 0.25, 4, 1.5]);
    const got = await runImported(imported, { x: { dims: [1, 8], data } });
    expectClose(got.y.data, Array.from(data, (v) => 0.5 * v * (1 + erfApprox(v / Math.SQRT2))), { atol: 1e-6, rtol: 1e-6 });
    expect(() => importOnnx(single({ approximate: 'tanh' }, 17))).toThrow(/Gelu node 'gelu': approximate 'tanh' is not supported/);
    // Opset 20's own Gelu, in a model of that opset.
    expect(importOnnx(single({}, 20)).graph.nodes.map((n) => n.op)).toEqual(['Input', 'ReLU', 'Activation']);
  });

  it('an Erf that is no GELU is still refused', () => {
    const bytes = buildModel({ nodes: [node('Relu', ['x'], ['r']), node('Erf', ['r'], ['y'], {}, 'erf')], inputs: [valueInfo('x', [1, 8])], outputs: [valueInfo('y')] });
    expect(() => importOnnx(bytes)).toThrow(/unsupported op 'Erf' at node 'erf'/);
  });
});

describe('importOnnx: PyTorch LayerNorms', () => {
  it("ConvNeXt's LayerNorm2d (Conv → N×H×W×C → F.layer_norm → N×C×H×W, opset 13): a LayerNormalization, as ONNX Runtime computes it", async () => {
    const nodes = [
      node('Conv', ['in', 'w'], ['c'], { kernel_shape: [1, 1] }, 'conv'), node('Transpose', ['c'], ['x'], { perm: [0, 2, 3, 1] }),
      ...torchLayerNorm({ eps: 1e-6 }), node('Transpose', ['y'], ['out'], { perm: [0, 3, 1, 2] }),
    ];
    const initializers = [weight('w', [4, 3, 1, 1], pseudoRandom(12, 3)), weight('ln.weight', [4], [1, 2, 0.5, -1]), weight('ln.bias', [4], [0, 1, 0, 1])];
    const bytes = buildModel({ nodes, inputs: [valueInfo('in', [2, 3, 3, 5])], outputs: [valueInfo('out', [2, 4, 3, 5])], initializers, opset: 13 });
    const imported = importOnnx(bytes);
    expect(imported.graph.nodes.map((n) => n.op)).toEqual(['Input', 'Conv2D', 'LayerNormalization']);
    expect(imported.graph.nodes[2].attrs).toMatchObject({ epsilon: 1e-6 });
    const feeds = feedsOf({ in: [2, 3, 3, 5] });
    const want = await runOrt(bytes, feeds);
    const got = await runImported(imported, feeds);
    expect(got.out.dims).toEqual(want.out.dims);
    expectClose(got.out.data, want.out.data, TOLERANCE.conv);
  });

  it("ConvNeXt's original channels_first LayerNorm (means over axis 1 of N×C×H×W, weight[:, None, None]): a LayerNormalization over the channels, as ONNX Runtime computes it", async () => {
    const channelsFirst = (gamma: string, beta: string) => [
      node('Conv', ['in', 'w'], ['x'], { kernel_shape: [1, 1] }, 'conv'),
      ...torchLayerNorm({ eps: 1e-6, axes: [1], scaleName: gamma, biasName: beta }).map((n) => (n.op_type === 'Mul' ? { ...n, input: [gamma, 'n'] } : n)),
    ];
    const initializers = [weight('w', [4, 3, 1, 1], pseudoRandom(12, 3)), weight('g', [4, 1, 1], [1, 2, 0.5, -1]), weight('b', [4, 1, 1], [0, 1, 0, 1])];
    const bytes = buildModel({ nodes: channelsFirst('g', 'b'), inputs: [valueInfo('in', [2, 3, 3, 5])], outputs: [valueInfo('y', [2, 4, 3, 5])], initializers, opset: 13 });
    const imported = importOnnx(bytes);
    expect(imported.graph.nodes.map((n) => n.op)).toEqual(['Input', 'Conv2D', 'LayerNormalization']);
    const feeds = feedsOf({ in: [2, 3, 3, 5] });
    const want = await runOrt(bytes, feeds);
    expectClose((await runImported(imported, feeds)).y.data, want.y.data, TOLERANCE.conv);
    // A weight of shape C (it would scale W) is not the channels': the Mul and Add stay, as they are refused or not on their own.
    const flat = fuseDecompositions(graph(torchLayerNorm({ axes: [1] }), { dims: [1, 4, 2, 4], initializers: [weight('ln.weight', [4], [1, 2, 3, 4]), weight('ln.bias', [4], [0, 1, 0, 1])] }));
    expect(ops(flat)).toEqual(['LayerNormalization', 'Mul', 'Add']);
    expect(attrs(flat.node[0])).toEqual({ axis: 1, epsilon: 1e-6, deepwire_axis_only: 1 });
    // Axis 1 of a rank-2 tensor is its last axis: the standard node.
    expect(attrs(fuseDecompositions(graph(torchLayerNorm({ axes: [1], affine: false }), { dims: [3, 5] })).node[0])).toEqual({ axis: -1, epsilon: 1e-6 });
    // Over axis 2 of an image: not the channels, not fused.
    const h = graph(torchLayerNorm({ axes: [2] }), { dims: [1, 4, 2, 4] });
    expect(fuseDecompositions(h)).toBe(h);
  });
});

/** Abramowitz–Stegun 7.1.26 (|error| ≤ 1.5e-7): an independent erf for the golden values above. */
function erfApprox(x: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return x < 0 ? -y : y;
}
