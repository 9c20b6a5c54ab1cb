// ONNX import: hand-checkable goldens, every converter against ONNX Runtime (wasm) on random weights,
// the two PyTorch-exported fixtures against PyTorch's own outputs, and every refusal's message.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../graph/analyze.ts';
import { OpError } from '../ops/op.ts';
import { sizeOf } from '../tensor.ts';
import { expectClose, TOLERANCE } from '../testing/expect-close.ts';
import { buildModel, float, floats, ints, node, pseudoRandom, valueInfo, weight, type ModelSpec } from '../testing/onnx-build.ts';
import { runImported } from '../testing/onnx-cases.ts';
import { runOrt } from '../testing/ort.ts';
import { importOnnx } from './onnx-import.ts';
import { flattenOrder, NCHW, toOnnx, toOurs } from './onnx-layout.ts';
import { decodeModel, decodeTensorProto, encodeModel, floatTensor, readTensor } from './onnx-proto.ts';

/** Imports and runs a model on the CPU reference; feeds are ONNX-layout arrays by input name. */
async function run(bytes: Uint8Array, feeds: Record<string, { dims: number[]; data: ArrayLike<number> }>) {
  return runImported(importOnnx(bytes), feeds);
}

/** Random feeds for the named inputs, the same for both runtimes. */
function randomFeeds(shapes: Record<string, number[]>) {
  return Object.fromEntries(Object.entries(shapes).map(([k, dims], i) => [k, { dims, data: pseudoRandom(sizeOf(dims), 11 + i) }]));
}

/** Our output equals ONNX Runtime's on the same model and feeds. */
async function expectLikeOrt(spec: ModelSpec, shapes: Record<string, number[]>, tol: { atol: number; rtol: number } = TOLERANCE.conv) {
  const bytes = buildModel(spec);
  const feeds = randomFeeds(shapes);
  const want = await runOrt(bytes, feeds);
  const got = await run(bytes, feeds);
  expect(Object.keys(got)).toEqual(Object.keys(want));
  for (const k of Object.keys(want)) {
    expect(got[k].dims, k).toEqual(want[k].dims);
    expectClose(got[k].data, want[k].data, tol);
  }
}

const image = (name: string, dims: (number | string)[]) => valueInfo(name, dims);
const W = (name: string, dims: number[], seed = 3) => weight(name, dims, pseudoRandom(sizeOf(dims), seed));

describe('importOnnx: hand-checkable goldens', () => {
  it('imports a Conv as Conv2D and reproduces the golden [370, 470, 670, 770]', async () => {
    const bytes = buildModel({
      nodes: [node('Conv', ['x', 'w'], ['y'], {}, 'conv1')],
      inputs: [image('x', [1, 1, 3, 3])], outputs: [image('y', [1, 1, 2, 2])],
      initializers: [weight('w', [1, 1, 2, 2], [1, 2, 3, 4])],
    });
    const imported = importOnnx(bytes);
    expect(imported.graph.nodes.map((n) => [n.id, n.op])).toEqual([['x', 'Input'], ['conv1', 'Conv2D']]);
    expect(imported.graph.nodes[0].attrs).toEqual({ shape: [3, 3, 1] });
    expect(imported.graph.nodes[1].weights).toEqual({ kernel: 'conv1/kernel' });
    const y = await run(bytes, { x: { dims: [1, 1, 3, 3], data: [10, 20, 30, 40, 50, 60, 70, 80, 90] } });
    expect(y.y.dims).toEqual([1, 1, 2, 2]);
    expect([...y.y.data]).toEqual([370, 470, 670, 770]);
  });

  it('turns Conv weights OIHW into Keras HWIO', () => {
    // W[oc][ci][ky][kx] = its own flat index: 2 filters, 3 channels, a 1×2 kernel.
    const bytes = buildModel({
      nodes: [node('Conv', ['x', 'w'], ['y'])],
      inputs: [image('x', [1, 3, 4, 4])], outputs: [image('y', [1, 2, 4, 3])],
      initializers: [weight('w', [2, 3, 1, 2], Array.from({ length: 12 }, (_, i) => i))],
    });
    const kernel = importOnnx(bytes).weights.get('y/kernel')!;
    expect(kernel.shape).toEqual([1, 2, 3, 2]);
    // kernel[ky=0][kx=0][ci=1][oc=1] at ((0·2 + 0)·3 + 1)·2 + 1 = 3 is W[1][1][0][0] at ((1·3 + 1)·1 + 0)·2 + 0 = 8
    expect(kernel.data[3]).toBe(8);
    expect([...kernel.data]).toEqual([0, 6, 2, 8, 4, 10, 1, 7, 3, 9, 5, 11]);
  });

  it('keeps ONNX feature order through a Flatten of an image: Gemm with the identity gives x.flatten()', async () => {
    const eye = Array.from({ length: 64 }, (_, i) => (i % 9 === 0 ? 1 : 0));
    const bytes = buildModel({
      nodes: [node('Relu', ['x'], ['r']), node('Flatten', ['r'], ['f']), node('Gemm', ['f', 'b'], ['y']), node('MaxPool', ['x'], ['unused'], { kernel_shape: [1, 1] })],
      inputs: [image('x', [1, 2, 2, 2])], outputs: [valueInfo('y', [1, 8])],
      initializers: [weight('b', [8, 8], eye)],
    });
    const imported = importOnnx(bytes);
    expect(imported.graph.nodes.find((n) => n.id === 'f')?.op).toBe('Flatten');
    const y = await runImported(imported, { x: { dims: [1, 2, 2, 2], data: [0, 1, 2, 3, 4, 5, 6, 7] } });
    expect([...y.y.data]).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('applies Gemm alpha, beta and transB: 2·[1, 2]·Bᵀ + 0.5·[1, 1, 1] = [2.5, 4.5, 6.5]', async () => {
    const bytes = buildModel({
      nodes: [node('Gemm', ['a', 'b', 'c'], ['y'], { alpha: float(2), beta: float(0.5), transB: 1 })],
      inputs: [valueInfo('a', [1, 2])], outputs: [valueInfo('y', [1, 3])],
      initializers: [weight('b', [3, 2], [1, 0, 0, 1, 1, 1]), weight('c', [3], [1, 1, 1])],
    });
    expect([...(await run(bytes, { a: { dims: [1, 2], data: [1, 2] } })).y.data]).toEqual([2.5, 4.5, 6.5]);
  });

  it('imports Div of two computed tensors as Divide: [6, 7, −1] ÷ [3, 2, 0] = [2, 3.5, −Infinity]', async () => {
    const bytes = buildModel({ nodes: [node('Div', ['a', 'b'], ['y'], {}, 'ratio')], inputs: [valueInfo('a', [3]), valueInfo('b', [3])], outputs: [valueInfo('y', [3])] });
    const imported = importOnnx(bytes);
    expect(imported.graph.nodes.find((n) => n.id === 'ratio')?.op).toBe('Divide');
    expect([...(await runImported(imported, { a: { dims: [3], data: [6, 7, -1] }, b: { dims: [3], data: [3, 2, 0] } })).y.data]).toEqual([2, 3.5, -Infinity]);
  });

  it('computes other element types in float32 and casts back: int32 Div truncates toward 0, uint8 Add wraps, bool mask', async () => {
    const typed = (op: string, elem: number) => buildModel({
      nodes: [node(op, ['a', 'b'], ['y'])], inputs: [valueInfo('a', [4], elem), valueInfo('b', [4], elem)], outputs: [valueInfo('y', [4], elem)],
    });
    const div = await run(typed('Div', 6), { a: { dims: [4], data: [7, -7, 9, -1] }, b: { dims: [4], data: [2, 2, -4, 3] } });
    expect([...div.y.data]).toEqual([3, -3, -2, 0]);
    const add = await run(typed('Add', 2), { a: { dims: [4], data: [200, 255, 1, 0] }, b: { dims: [4], data: [100, 1, 2, 0] } });
    expect([...add.y.data]).toEqual([44, 0, 3, 0]);
    // An int64 input float32 cannot hold is refused when fed, not rounded.
    await expect(run(typed('Add', 7), { a: { dims: [4], data: [2 ** 24 + 1, 0, 0, 0] }, b: { dims: [4], data: [0, 0, 0, 0] } }))
      .rejects.toThrow(/input 'a' is int64 and holds 16777217 \(at 0\), which float32 cannot represent exactly/);
    // Results beyond ±2^24 may have lost digits in float32: an error, not a wrong integer.
    await expect(run(typed('Mul', 6), { a: { dims: [4], data: [4096, 0, 0, 0] }, b: { dims: [4], data: [4097, 0, 0, 0] } }))
      .rejects.toThrow(/output 'y' is int32 and reaches 16781312 \(at 0\), beyond the integers float32 holds exactly/);
    const drop = buildModel({ nodes: [node('Dropout', ['x'], ['y', 'mask'])], inputs: [valueInfo('x', [3])], outputs: [valueInfo('y', [3]), valueInfo('mask', [3], 9)] });
    expect([...(await run(drop, { x: { dims: [3], data: [-1, 0, Infinity] } })).mask.data]).toEqual([1, 1, 1]);
  });

  it('imports 1-D pooling (N×C×W) as 2-D pooling of one row, and Softmax on a non-channel axis', async () => {
    const pool = buildModel({
      nodes: [node('MaxPool', ['x'], ['y'], { kernel_shape: [2], strides: [2], pads: [1, 0] }, 'pool')], inputs: [valueInfo('x', [1, 2, 3])], outputs: [valueInfo('y')],
    });
    const imported = importOnnx(pool);
    expect(imported.graph.nodes.find((n) => n.id === 'pool')?.attrs).toMatchObject({ pool_size: [1, 2], strides: [1, 2], padding: [[0, 0], [1, 0]] });
    const y = await runImported(imported, { x: { dims: [1, 2, 3], data: [1, 5, 2, 6, 3, 4] } });
    expect(y.y).toEqual({ dims: [1, 2, 2], data: Float32Array.of(1, 5, 6, 4) });
    await expectLikeOrt({ nodes: [node('Softmax', ['x'], ['y'], { axis: 2 })], inputs: [image('x', [2, 3, 4, 5])], outputs: [valueInfo('y')], opset: 13 }, { x: [2, 3, 4, 5] });
  });

  it('imports Elu, Softplus and Softsign as activations, and a Slice of an image\'s H and W as Cropping2D (as its own export writes them)', async () => {
    for (const op of ['Elu', 'Softplus', 'Softsign'])
      await expectLikeOrt({ nodes: [node(op, ['x'], ['y'])], inputs: [image('x', [2, 3, 4, 5])], outputs: [valueInfo('y')], opset: 13 }, { x: [2, 3, 4, 5] });
    // x[:, :, 1:-1, 2:] with the axes given, and x[:, :, :3] with ends past the end, as PyTorch writes them
    // (after a 1×1 pool: a model's input is read as an image once an image op reads it)
    const pool = node('MaxPool', ['x'], ['p'], { kernel_shape: [1, 1] });
    const crop = (starts: number[], ends: number[], axes?: number[]) => ({
      nodes: [pool, node('Slice', ['p', 'starts', 'ends', ...(axes ? ['axes'] : [])], ['y'], {}, 'crop')], inputs: [image('x', [1, 2, 5, 6])], outputs: [valueInfo('y')], opset: 13,
      initializers: [ints('starts', starts), ints('ends', ends), ...(axes ? [ints('axes', axes)] : [])],
    });
    await expectLikeOrt(crop([1, 2], [-1, 6], [2, 3]), { x: [1, 2, 5, 6] });
    await expectLikeOrt(crop([0, 0, 0], [1, 2, 3]), { x: [1, 2, 5, 6] });
    expect(importOnnx(buildModel(crop([1, 2], [-1, 100], [-2, -1]))).graph.nodes.find((n) => n.id === 'crop')).toMatchObject({ op: 'Cropping2D', attrs: { cropping: [[1, 1], [2, 0]] } });
    // a Slice that reads a 4-D model input itself makes it an image, as a Conv reading it would
    const direct = { ...crop([1, 2], [-1, 6], [2, 3]), nodes: [node('Slice', ['x', 'starts', 'ends', 'axes'], ['y'], {}, 'crop')] };
    await expectLikeOrt(direct, { x: [1, 2, 5, 6] });
    // the channels (x[:, 1:2]), and the channels with H at once: a ChannelSlice, then a Cropping2D
    await expectLikeOrt(crop([1], [2], [1]), { x: [1, 2, 5, 6] });
    expect(importOnnx(buildModel(crop([1], [2], [1]))).graph.nodes.find((n) => n.id === 'crop')).toMatchObject({ op: 'ChannelSlice', attrs: { start: 1, end: 2 } });
    await expectLikeOrt(crop([0, 1], [1, 4], [1, 2]), { x: [1, 2, 5, 6] });
    // a symbolic batch: the whole of it (0 to INT64_MAX, as tf2onnx writes every axis) is no slice; part of it is refused
    const batchOf = (starts: number[], ends: number[]) => ({ ...crop(starts, ends, [0, 2]), inputs: [image('x', ['N', 2, 5, 6])] });
    await expectLikeOrt(batchOf([0, 1], [2 ** 53, 4]), { x: [2, 2, 5, 6] });
    expect(() => importOnnx(buildModel(batchOf([1, 1], [2 ** 53, 4])))).toThrow(/Slice node 'crop': it slices axis 0, the batch; deepwire slices channels, H and W/);
    expect(() => importOnnx(buildModel({ ...crop([0], [4], [2]), nodes: [pool, node('Slice', ['p', 'starts', 'ends', 'axes', 'steps'], ['y'], {}, 'crop')], initializers: [ints('starts', [0]), ints('ends', [4]), ints('axes', [2]), ints('steps', [2])] })))
      .toThrow(/steps \[2\]: deepwire slices with step 1 only/);
  });

  it('imports Split (x.chunk, torch.split) of an image\'s channels or H as ChannelSlices and Cropping2Ds, and of a vector\'s last axis', async () => {
    const halves = { nodes: [node('Split', ['x', 'sizes'], ['a', 'b'], { axis: 1 }, 'chunk'), node('Add', ['a', 'b'], ['y'])], inputs: [image('x', [2, 4, 3, 5])], outputs: [valueInfo('y')], opset: 13, initializers: [ints('sizes', [2, 2])] };
    await expectLikeOrt(halves, { x: [2, 4, 3, 5] });
    expect(importOnnx(buildModel(halves)).graph.nodes.filter((n) => n.op === 'ChannelSlice').map((n) => n.attrs)).toEqual([{ start: 0, end: 2 }, { start: 2, end: 4 }]);
    // no sizes: equal parts; along H; both outputs are model outputs
    await expectLikeOrt({ nodes: [node('Split', ['x'], ['a', 'b', 'c'], { axis: -2 })], inputs: [image('x', [1, 2, 6, 5])], outputs: [valueInfo('a'), valueInfo('b'), valueInfo('c')], opset: 13 }, { x: [1, 2, 6, 5] });
    await expectLikeOrt({ nodes: [node('Split', ['x', 'sizes'], ['a', 'b'], { axis: 1 })], inputs: [valueInfo('x', [3, 7])], outputs: [valueInfo('a'), valueInfo('b')], opset: 13, initializers: [ints('sizes', [3, 4])] }, { x: [3, 7] });
    expect(() => importOnnx(buildModel({ nodes: [node('Split', ['x', 'sizes'], ['a', 'b'], { axis: 1 }, 'chunk')], inputs: [image('x', [1, 4, 3, 5])], outputs: [valueInfo('a'), valueInfo('b')], opset: 13, initializers: [ints('sizes', [1, 2])] })))
      .toThrow(/Split node 'chunk': its sizes \[1,2\] do not split axis 1 of 1×4×3×5 into 2 parts/);
    // opsets 13–17: no sizes means equal parts, which must divide the axis (ONNX Runtime refuses such a model too)
    expect(() => importOnnx(buildModel({ nodes: [node('Split', ['x'], ['a', 'b', 'c'], { axis: 1 }, 'chunk')], inputs: [image('x', [1, 4, 3, 5])], outputs: [valueInfo('a'), valueInfo('b'), valueInfo('c')], opset: 13 })))
      .toThrow(/Split node 'chunk': its sizes \(3 equal parts\) do not split axis 1 of 1×4×3×5 into 3 parts/);
    // 1-D data (N×C×W, after a 1-D pool): C is a ChannelSlice, W a Cropping2D of its one row
    const oneD = (starts: number[], ends: number[], axes: number[]) => ({ nodes: [node('MaxPool', ['x'], ['p'], { kernel_shape: [1] }), node('Slice', ['p', 'starts', 'ends', 'axes'], ['y'], {}, 'cut')], inputs: [valueInfo('x', [2, 4, 6])], outputs: [valueInfo('y')], opset: 13, initializers: [ints('starts', starts), ints('ends', ends), ints('axes', axes)] });
    await expectLikeOrt(oneD([1, 2], [3, 5], [1, 2]), { x: [2, 4, 6] });
    await expectLikeOrt(oneD([1], [-1], [-1]), { x: [2, 4, 6] });
    // a flattened image's values are in deepwire's order, not ONNX's: slice it before the Flatten
    const flat = { nodes: [node('MaxPool', ['x'], ['p'], { kernel_shape: [1, 1] }), node('Flatten', ['p'], ['f']), node('Slice', ['f', 'starts', 'ends', 'axes'], ['y'], {}, 'cut')], inputs: [image('x', [1, 2, 3, 3])], outputs: [valueInfo('y')], opset: 13, initializers: [ints('starts', [0]), ints('ends', [5]), ints('axes', [1])] };
    expect(() => importOnnx(buildModel(flat))).toThrow(/Slice node 'cut': it slices a flattened N×C×H×W image \(1×18\)/);
  });

  it('maps Clip, Max, Min, Sub and Div by constants onto Rescaling and ReLU', async () => {
    const x = { dims: [4], data: [-2, -0.5, 0.5, 3] };
    const cases: [string, ReturnType<typeof node>, number[]][] = [
      ['clip(−1, 1)', node('Clip', ['x', 'lo', 'hi'], ['y']), [-1, -0.5, 0.5, 1]],
      ['clip(0, 6) = relu6', node('Clip', ['x', 'zero', 'six'], ['y']), [0, 0, 0.5, 3]],
      ['max(x, 1)', node('Max', ['x', 'hi'], ['y']), [1, 1, 1, 3]],
      ['min(x, −1)', node('Min', ['lo', 'x'], ['y']), [-2, -1, -1, -1]],
      ['1 − x', node('Sub', ['hi', 'x'], ['y']), [3, 1.5, 0.5, -2]],
      ['x / 2', node('Div', ['x', 'two'], ['y']), [-1, -0.25, 0.25, 1.5]],
    ];
    for (const [what, n, want] of cases) {
      const bytes = buildModel({
        nodes: [n], inputs: [valueInfo('x', [4])], outputs: [valueInfo('y', [4])],
        initializers: [weight('lo', [], [-1]), weight('hi', [], [1]), weight('zero', [], [0]), weight('six', [], [6]), weight('two', [1], [2])],
      });
      expect([...(await run(bytes, { x })).y.data], what).toEqual(want);
    }
  });

  it('pads with a value and crops with negative pads: Pad([0,0,1,−1, 0,0,0,1], 5)', async () => {
    const bytes = buildModel({
      nodes: [node('Pad', ['x', 'pads', 'v'], ['y'])],
      inputs: [image('x', [1, 1, 2, 3])], outputs: [image('y', [1, 1, 3, 3])],
      initializers: [ints('pads', [0, 0, 1, -1, 0, 0, 0, 1]), weight('v', [], [5])],
    });
    const y = await run(bytes, { x: { dims: [1, 1, 2, 3], data: [1, 2, 3, 4, 5, 6] } });
    expect(y.y.dims).toEqual([1, 1, 3, 3]);
    expect([...y.y.data]).toEqual([5, 5, 5, 2, 3, 5, 5, 6, 5]);
  });

  it('runs a symbolic batch: the Input excludes it and any N can be fed', async () => {
    const bytes = buildModel({
      nodes: [node('Conv', ['x', 'w'], ['y'], { pads: [1, 1, 1, 1] }), node('GlobalAveragePool', ['y'], ['g'])],
      inputs: [image('x', ['N', 3, 5, 5])], outputs: [image('g', ['N', 4, 1, 1])],
      initializers: [W('w', [4, 3, 3, 3])],
    });
    const imported = importOnnx(bytes);
    expect(imported.graph.nodes[0].attrs).toEqual({ shape: [5, 5, 3] });
    expect(imported.inputs[0].dims).toEqual([-1, 3, 5, 5]);
    const feeds = randomFeeds({ x: [2, 3, 5, 5] });
    const got = await runImported(imported, feeds);
    const want = await runOrt(bytes, feeds);
    expect(got.g.dims).toEqual([2, 4, 1, 1]);
    expectClose(got.g.data, want.g.data, TOLERANCE.conv);
  });
});

describe('importOnnx against ONNX Runtime', () => {
  const conv = (attrs: Record<string, unknown>, inC = 4, outC = 6, k = [3, 3], bias = true): ModelSpec => ({
    nodes: [node('Conv', ['x', 'w', ...(bias ? ['b'] : [])], ['y'], attrs as never)],
    inputs: [image('x', [2, inC, 7, 6])], outputs: [valueInfo('y')],
    initializers: [W('w', [outC, inC / ((attrs.group as number) ?? 1), ...k]), W('b', [outC], 5)],
  });

  it.each([
    ['strides 2 with asymmetric pads', { strides: [2, 2], pads: [1, 0, 2, 1] }],
    ['groups 2, dilations [2, 1]', { group: 2, dilations: [2, 1], pads: [2, 1, 2, 1] }],
    ['depthwise (group = channels), no bias', { group: 4 }],
    ['auto_pad SAME_UPPER, stride 2', { auto_pad: 'SAME_UPPER', strides: [2, 2] }],
    ['auto_pad SAME_LOWER, stride 2', { auto_pad: 'SAME_LOWER', strides: [2, 2] }],
    ['auto_pad VALID', { auto_pad: 'VALID' }],
  ])('Conv: %s', async (what, attrs) => {
    const depthwise = what.startsWith('depthwise');
    await expectLikeOrt(conv({ kernel_shape: [3, 3], ...attrs }, 4, depthwise ? 8 : 6, [3, 3], !depthwise), { x: [2, 4, 7, 6] });
  });

  it('Conv with a 1×5 kernel and SAME_LOWER at stride 1 (asymmetric padding)', async () => {
    await expectLikeOrt(conv({ auto_pad: 'SAME_LOWER' }, 4, 3, [1, 4]), { x: [2, 4, 7, 6] });
  });

  it.each([
    ['MaxPool ceil_mode with pads', 'MaxPool', { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 0, 0], ceil_mode: 1 }],
    ['MaxPool SAME_UPPER', 'MaxPool', { kernel_shape: [2, 3], strides: [2, 2], auto_pad: 'SAME_UPPER' }],
    ['AveragePool count_include_pad, ceil_mode', 'AveragePool', { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], count_include_pad: 1, ceil_mode: 1 }],
    ['AveragePool pads excluded', 'AveragePool', { kernel_shape: [3, 2], strides: [1, 2], pads: [1, 0, 1, 1] }],
    ['AveragePool SAME_LOWER', 'AveragePool', { kernel_shape: [2, 2], strides: [2, 2], auto_pad: 'SAME_LOWER' }],
    ['GlobalMaxPool', 'GlobalMaxPool', {}],
    ['GlobalAveragePool', 'GlobalAveragePool', {}],
  ])('%s', async (_what, op, attrs) => {
    await expectLikeOrt({ nodes: [node(op, ['x'], ['y'], attrs as never)], inputs: [image('x', [2, 3, 7, 6])], outputs: [valueInfo('y')] }, { x: [2, 3, 7, 6] });
  });

  it('BatchNormalization with its epsilon', async () => {
    const C = 3;
    await expectLikeOrt({
      nodes: [node('BatchNormalization', ['x', 's', 'b', 'm', 'v'], ['y'], { epsilon: float(0.01) })],
      inputs: [image('x', [2, C, 4, 5])], outputs: [valueInfo('y')],
      initializers: [W('s', [C], 1), W('b', [C], 2), W('m', [C], 3), weight('v', [C], [0.5, 1, 2])],
    }, { x: [2, C, 4, 5] });
  });

  it('a squeeze-excite block: per-channel constants, a data × data broadcast, HardSigmoid, LeakyRelu', async () => {
    await expectLikeOrt({
      nodes: [
        node('Sub', ['x', 'mean'], ['centred']), node('Div', ['centred', 'std'], ['scaled']),
        node('Conv', ['scaled', 'w'], ['c'], { pads: [1, 1, 1, 1] }), node('LeakyRelu', ['c'], ['a'], { alpha: float(0.1) }),
        node('GlobalAveragePool', ['a'], ['g']), node('HardSigmoid', ['g'], ['gate'], { alpha: float(0.3), beta: float(0.4) }),
        node('Mul', ['a', 'gate'], ['y']),
      ],
      inputs: [image('x', [1, 3, 5, 5])], outputs: [valueInfo('y')],
      initializers: [weight('mean', [1, 3, 1, 1], [0.5, 0.4, 0.3]), weight('std', [3, 1, 1], [0.2, 0.25, 0.3]), W('w', [4, 3, 3, 3])],
    }, { x: [1, 3, 5, 5] }, TOLERANCE.conv);
  });

  it('Inception-style Concat on channels, then Flatten → Gemm (transB, bias) → Softmax', async () => {
    await expectLikeOrt({
      nodes: [
        node('Conv', ['x', 'w1'], ['a']), node('Relu', ['a'], ['ar']),
        node('MaxPool', ['x'], ['p'], { kernel_shape: [3, 3], pads: [1, 1, 1, 1], strides: [1, 1] }),
        node('Concat', ['ar', 'p'], ['cat'], { axis: 1 }),
        node('Flatten', ['cat'], ['f']), node('Gemm', ['f', 'fc', 'fcb'], ['logits'], { transB: 1 }), node('Softmax', ['logits'], ['y'], { axis: 1 }),
      ],
      inputs: [image('x', [1, 3, 4, 3])], outputs: [valueInfo('y')],
      initializers: [W('w1', [2, 3, 1, 1]), W('fc', [7, 5 * 4 * 3], 4), W('fcb', [7], 6)],
    }, { x: [1, 3, 4, 3] });
  });

  it('Softmax of opset 11 over C×H×W at once, MatMul after a Flatten, Sum/Mean/Max of three tensors', async () => {
    await expectLikeOrt({
      nodes: [
        node('Conv', ['x', 'w'], ['c']), node('Softmax', ['c'], ['s'], { axis: 1 }),
        node('Sum', ['s', 'c', 'c'], ['t']), node('Mean', ['t', 's', 'c'], ['m']), node('Max', ['m', 's', 'c'], ['mx']),
        node('Flatten', ['mx'], ['f']), node('MatMul', ['f', 'k'], ['y']),
      ],
      inputs: [image('x', [1, 2, 3, 3])], outputs: [valueInfo('y')],
      initializers: [W('w', [2, 2, 1, 1]), W('k', [18, 4], 4)],
      opset: 11,
    }, { x: [1, 2, 3, 3] });
  });

  it('folds shape arithmetic on constants (Shape → Gather → Unsqueeze → Concat → Reshape, as old PyTorch flattened)', async () => {
    const bytes = buildModel({
      nodes: [
        node('Conv', ['x', 'w'], ['c']), node('Shape', ['c'], ['shape']), node('Gather', ['shape', 'zero'], ['n'], { axis: 0 }),
        node('Unsqueeze', ['n', 'axes'], ['n1']), node('Concat', ['n1', 'minus1'], ['target'], { axis: 0 }),
        node('Reshape', ['c', 'target'], ['f']), node('Gemm', ['f', 'fc'], ['y'], { transB: 1 }),
      ],
      inputs: [image('x', [1, 3, 4, 4])], outputs: [valueInfo('y')],
      initializers: [W('w', [2, 3, 3, 3]), { ...ints('zero', [0]), dims: [] }, ints('axes', [0]), ints('minus1', [-1]), W('fc', [5, 8], 4)],
    });
    const imported = importOnnx(bytes);
    expect(imported.graph.nodes.map((n) => n.op)).toEqual(['Input', 'Conv2D', 'Flatten', 'Dense']);
    const feeds = randomFeeds({ x: [1, 3, 4, 4] });
    expectClose((await runImported(imported, feeds)).y.data, (await runOrt(bytes, feeds)).y.data, TOLERANCE.conv);
  });

  it('MatMul of two computed matrices and Gemm with transA become Dot', async () => {
    await expectLikeOrt({
      nodes: [node('MatMul', ['a', 'b'], ['ab']), node('Gemm', ['ab', 'c'], ['y'], { transA: 1, alpha: float(0.5) })],
      inputs: [valueInfo('a', [3, 4]), valueInfo('b', [4, 5]), valueInfo('c', [3, 2])], outputs: [valueInfo('y')],
    }, { a: [3, 4], b: [4, 5], c: [3, 2] });
  });
});

describe('importOnnx: what PyTorch writes beyond Keras\' layers', () => {
  /** A Conv first: the input is an N×C×H×W image, as in a CNN. */
  const afterConv = (nodes: ReturnType<typeof node>[], spec: Partial<ModelSpec> = {}): ModelSpec => ({
    nodes: [node('Conv', ['x', 'w'], ['c'], { pads: [1, 1, 1, 1] }), ...nodes],
    inputs: [image('x', [2, 3, 5, 6])], outputs: [valueInfo(nodes[nodes.length - 1].output[0])],
    ...spec, initializers: [W('w', [6, 3, 3, 3]), ...(spec.initializers ?? [])],
  });
  const ops = (spec: ModelSpec) => importOnnx(buildModel(spec)).graph.nodes.map((n) => n.op);

  it.each([
    // [what, ONNX node, deepwire ops after the conv, opset]
    ['ReduceMean over H, W (x.mean((2, 3)))', node('ReduceMean', ['c'], ['y'], { axes: [2, 3], keepdims: 0 }), ['GlobalAveragePool2D'], 13],
    ['ReduceMean over H, W with keepdims', node('ReduceMean', ['c'], ['y'], { axes: [-2, -1] }), ['GlobalAveragePool2D'], 13],
    ['ReduceMax over H, W', node('ReduceMax', ['c'], ['y'], { axes: [2, 3], keepdims: 0 }), ['GlobalMaxPool2D'], 13],
    ['ReduceMax over H, W with keepdims', node('ReduceMax', ['c'], ['y'], { axes: [2, 3], keepdims: 1 }), ['GlobalMaxPool2D'], 13],
    ['ReduceSum over H, W (axes an input, opset 13)', node('ReduceSum', ['c', 'hw'], ['y'], { keepdims: 0 }), ['GlobalAveragePool2D', 'Rescaling'], 13],
    ['ReduceSum over H, W with keepdims (axes an input)', node('ReduceSum', ['c', 'hw'], ['y']), ['GlobalAveragePool2D', 'Rescaling'], 13],
    ['ReduceSum over H, W (axes an attribute, opset 11)', node('ReduceSum', ['c'], ['y'], { axes: [3, 2], keepdims: 0 }), ['GlobalAveragePool2D', 'Rescaling'], 11],
    ['ReduceMean over the channels', node('ReduceMean', ['c'], ['y'], { axes: [1], keepdims: 0 }), ['Reshape', 'AveragePool2D', 'Reshape'], 13],
    ['ReduceMax over the channels with keepdims', node('ReduceMax', ['c'], ['y'], { axes: [1] }), ['Reshape', 'MaxPool2D', 'Reshape'], 13],
    ['ReduceMean over W: N×C×H', node('ReduceMean', ['c'], ['y'], { axes: [3], keepdims: 0 }), ['AveragePool2D', 'Reshape'], 13],
    ['ReduceSum over H: N×C×W', node('ReduceSum', ['c', 'h'], ['y'], { keepdims: 0 }), ['Reshape', 'GlobalAveragePool2D', 'Rescaling', 'Reshape'], 13],
    ['ReduceMax over C, H, W with keepdims', node('ReduceMax', ['c'], ['y'], { axes: [1, 2, 3] }), ['Reshape', 'GlobalMaxPool2D'], 13],
  ])('%s', async (_what, reduce, want, opset) => {
    const axes = { hw: [2, 3], h: [2] };
    const spec = afterConv([reduce], { opset, initializers: Object.entries(axes).filter(([k]) => reduce.input.includes(k)).map(([k, v]) => ints(k, v)) });
    expect(ops(spec).slice(2)).toEqual(want);
    await expectLikeOrt(spec, { x: [2, 3, 5, 6] });
  });

  it('reductions of other tensors: axes in two runs, all of them, none (noop_with_empty_axes)', async () => {
    const shapes = { x: [3, 4, 5] };
    await expectLikeOrt({ nodes: [node('ReduceMean', ['x'], ['y'], { axes: [0, 2], keepdims: 0 })], inputs: [valueInfo('x', [3, 4, 5])], outputs: [valueInfo('y')] }, shapes);
    await expectLikeOrt({ nodes: [node('ReduceMax', ['x'], ['y'])], inputs: [valueInfo('x', [3, 4, 5])], outputs: [valueInfo('y')] }, shapes);
    await expectLikeOrt({ nodes: [node('ReduceSum', ['x', 'none'], ['y'], { noop_with_empty_axes: 1 })], inputs: [valueInfo('x', [3, 4, 5])], outputs: [valueInfo('y')], initializers: [ints('none', [])] }, shapes);
    // A flattened image's features are in our order; a sum over all of them does not mind.
    await expectLikeOrt(afterConv([node('Flatten', ['c'], ['f']), node('ReduceSum', ['f', 'one'], ['y'])], { initializers: [ints('one', [1])] }), { x: [2, 3, 5, 6] });
  });

  it('opsets 18 to 22 as PyTorch 2 and newer converters write them: axes an input, Split num_outputs, Pad axes, AveragePool dilations', async () => {
    // ReduceMean/ReduceMax take their axes as an input from 18, with noop_with_empty_axes.
    await expectLikeOrt(afterConv([node('ReduceMean', ['c', 'hw'], ['y'], { keepdims: 0 })], { opset: 18, initializers: [ints('hw', [2, 3])] }), { x: [2, 3, 5, 6] });
    await expectLikeOrt(afterConv([node('ReduceMax', ['c', 'ch'], ['y'])], { opset: 20, initializers: [ints('ch', [1])] }), { x: [2, 3, 5, 6] });
    await expectLikeOrt(afterConv([node('ReduceMean', ['c'], ['y'], { noop_with_empty_axes: 1 })], { opset: 18 }), { x: [2, 3, 5, 6] });
    // Split into num_outputs parts, the last one smaller where they do not divide the axis (7 → 3, 3, 1).
    const chunks = { nodes: [node('Split', ['x'], ['a', 'b', 'c'], { axis: 1, num_outputs: 3 })], inputs: [image('x', [1, 7, 3, 5])], outputs: [valueInfo('a'), valueInfo('b'), valueInfo('c')], opset: 18 };
    await expectLikeOrt(chunks, { x: [1, 7, 3, 5] });
    expect(importOnnx(buildModel(chunks)).graph.nodes.filter((n) => n.op === 'ChannelSlice').map((n) => n.attrs)).toEqual([{ start: 0, end: 3 }, { start: 3, end: 6 }, { start: 6, end: 7 }]);
    // Pad of the axes given (H and W only), in reflect mode.
    await expectLikeOrt(afterConv([node('Pad', ['c', 'pads', '', 'axes'], ['y'], { mode: 'reflect' })], { opset: 19, initializers: [ints('pads', [1, 0, 2, 1]), ints('axes', [2, 3])] }), { x: [2, 3, 5, 6] });
    // AveragePool's dilations (19) at 1, a Gelu (20), a LayerNormalization (17) on N×H×W×C, in one opset-22 model.
    const modern = afterConv([
      node('AveragePool', ['c'], ['p'], { kernel_shape: [2, 2], dilations: [1, 1] }), node('Transpose', ['p'], ['t'], { perm: [0, 2, 3, 1] }),
      node('LayerNormalization', ['t', 'gamma', 'beta'], ['n'], { epsilon: float(1e-5) }), node('Gelu', ['n'], ['y']),
    ], { opset: 22, initializers: [weight('gamma', [6], [1, 0.5, 2, 1.5, 0.75, 1.25]), weight('beta', [6], [0.1, -0.2, 0.3, 0, 0.05, -0.1])] });
    await expectLikeOrt(modern, { x: [2, 3, 5, 6] });
    expect(importOnnx(buildModel(modern)).graph.nodes.map((n) => n.op).slice(-3)).toEqual(['AveragePool2D', 'LayerNormalization', 'Activation']);
    const refuses = (spec: ModelSpec, message: RegExp) => expect(() => importOnnx(buildModel(spec))).toThrow(message);
    refuses(afterConv([node('AveragePool', ['c'], ['y'], { kernel_shape: [2, 2], dilations: [2, 2] }, 'pool')], { opset: 19 }),
      /AveragePool node 'pool': dilations \[2,2\]: deepwire's AveragePool2D \(Keras'\) averages adjacent cells only/);
    refuses(afterConv([node('Pad', ['c', 'pads'], ['y'], { mode: 'wrap' }, 'pad')], { opset: 19, initializers: [ints('pads', [0, 0, 1, 1, 0, 0, 1, 1])] }),
      /Pad node 'pad': mode 'wrap' is not one of constant, edge, reflect/);
  });

  it('refuses reductions over the batch, to nothing but the batch, and axes as an input before opset 18', () => {
    const refuses = (spec: ModelSpec, message: RegExp) => expect(() => importOnnx(buildModel(spec))).toThrow(message);
    refuses(afterConv([node('ReduceMean', ['c'], ['y'], { axes: [0, 2, 3] }, 'mean')]), /ReduceMean node 'mean': it reduces axis 0 of a 2×6×5×6 tensor, the batch; deepwire keeps the items of a batch apart/);
    refuses(afterConv([node('ReduceMax', ['c'], ['y'], { axes: [1, 2, 3], keepdims: 0 }, 'max')]), /ReduceMax node 'max': without keepdims it would leave only the batch axis/);
    refuses(afterConv([node('ReduceMean', ['c', 'hw'], ['y'], {}, 'mean')], { initializers: [ints('hw', [2, 3])] }),
      /ReduceMean node 'mean': it takes its axes as an input, which ReduceMean does only from opset 18; the model declares opset 13/);
    refuses(afterConv([node('ReduceSum', ['c', 'x'], ['y'], {}, 'sum')]), /ReduceSum node 'sum': its axes \('x'\) is computed at run time/);
  });

  /** ShuffleNet's channel shuffle of g groups, as torch.onnx writes it. */
  const shuffle = (input: string, output: string, g: number, C: number, [H, W]: number[], [split, joined]: number[][] = [[-1, g, C / g, H, W], [-1, C, H, W]]) => ({
    nodes: [
      node('Reshape', [input, `${output}_split`], [`${output}_g`]), node('Transpose', [`${output}_g`], [`${output}_t`], { perm: [0, 2, 1, 3, 4] }),
      node('Reshape', [`${output}_t`, `${output}_shape`], [output]),
    ],
    initializers: [ints(`${output}_split`, split), ints(`${output}_shape`, joined)],
  });

  it('imports Reshape → Transpose(0, 2, 1, 3, 4) → Reshape as one ChannelShuffle, twice in a row', async () => {
    const a = shuffle('c', 's', 2, 6, [5, 6]), b = shuffle('s', 'y', 3, 6, [5, 6], [[2, 3, 2, 5, 6], [0, 6, 5, 6]]);
    const spec = afterConv([...a.nodes, ...b.nodes], { initializers: [...a.initializers, ...b.initializers] });
    const imported = importOnnx(buildModel(spec));
    expect(imported.graph.nodes.map((n) => [n.op, n.attrs])).toEqual([
      ['Input', { shape: [5, 6, 3] }], ['Conv2D', expect.anything()], ['ChannelShuffle', { groups: 2 }], ['ChannelShuffle', { groups: 3 }],
    ]);
    await expectLikeOrt(spec, { x: [2, 3, 5, 6] }, TOLERANCE.conv);
  });

  it('refuses the split channels read by anything but the shuffle, and another Transpose of them', () => {
    const { nodes, initializers } = shuffle('c', 'y', 2, 6, [5, 6]);
    expect(() => importOnnx(buildModel(afterConv([nodes[0], node('Relu', ['y_g'], ['r'], {}, 'relu')], { initializers }))))
      .toThrow(/Relu node 'relu': its input 'y_g' is an N×C×H×W image reshaped to 2×2×3×5×6, which deepwire reads only as a channel shuffle/);
    expect(() => importOnnx(buildModel(afterConv([nodes[0], node('Transpose', ['y_g'], ['t'], { perm: [0, 1, 2, 4, 3] }, 'swap')], { initializers }))))
      .toThrow(/Transpose node 'swap': perm \[0,1,2,4,3\] of an N×C×H×W image reshaped to 2×2×3×5×6: deepwire reads that only as a channel shuffle, perm \[0,2,1,3,4\]/);
  });

  it('swaps the last two axes of a non-image with a ChannelShuffle (a shuffle of a feature vector)', async () => {
    const spec = afterConv([
      node('GlobalAveragePool', ['c'], ['g']), node('Flatten', ['g'], ['f']), node('Reshape', ['f', 'split'], ['r']),
      node('Transpose', ['r'], ['t'], { perm: [0, 2, 1] }), node('Reshape', ['t', 'flat'], ['y']),
    ], { initializers: [ints('split', [0, 3, 2]), ints('flat', [0, 6])] });
    expect(ops(spec)).toContain('ChannelShuffle');
    await expectLikeOrt(spec, { x: [2, 3, 5, 6] });
  });

  it('Conv with strides and dilation together (PyTorch allows it, Keras does not): allow_strided_dilation, only then', async () => {
    // Keras refuses strides > 1 on either axis with dilation > 1 on either axis.
    const cases: [Record<string, number[]>, true | undefined][] = [
      [{ strides: [2, 2], dilations: [2, 2], pads: [2, 2, 2, 2] }, true],
      [{ strides: [2, 1], dilations: [1, 3], pads: [1, 3, 1, 3] }, true],
      [{ strides: [1, 3], dilations: [2, 2], pads: [0, 1, 2, 1] }, true],
      [{ strides: [2, 2], dilations: [1, 1] }, undefined],
    ];
    for (const [attrs, flagged] of cases) {
      const spec: ModelSpec = { nodes: [node('Conv', ['x', 'w', 'b'], ['y'], attrs)], inputs: [image('x', [2, 4, 9, 8])], outputs: [valueInfo('y')], initializers: [W('w', [5, 4, 3, 3]), W('b', [5], 5)] };
      const conv = importOnnx(buildModel(spec)).graph.nodes[1];
      expect(conv.attrs?.allow_strided_dilation, JSON.stringify(attrs)).toBe(flagged);
      await expectLikeOrt(spec, { x: [2, 4, 9, 8] });
    }
  });

  it('1-D data: Conv (strided, dilated, grouped) and BatchNormalization of N×C×L as one-row images', async () => {
    const bn = [W('s', [4], 1), W('b', [4], 2), W('m', [4], 3), weight('v', [4], [0.5, 1, 2, 0.25])];
    await expectLikeOrt({
      nodes: [node('BatchNormalization', ['x', 's', 'b', 'm', 'v'], ['n']), node('Conv', ['n', 'w'], ['y'], { strides: [2], dilations: [2], pads: [2, 1], group: 2 })],
      inputs: [valueInfo('x', [2, 4, 13])], outputs: [valueInfo('y')], initializers: [...bn, W('w', [6, 2, 3])],
    }, { x: [2, 4, 13] });
    await expectLikeOrt({
      nodes: [node('Conv', ['x', 'w'], ['c'], { auto_pad: 'SAME_UPPER' }), node('BatchNormalization', ['c', 's', 'b', 'm', 'v'], ['y'], { epsilon: float(0.01) })],
      inputs: [valueInfo('x', [1, 3, 10])], outputs: [valueInfo('y')], initializers: [...bn, W('w', [4, 3, 4])],
    }, { x: [1, 3, 10] });
  });

  it('refuses BatchNormalization of N×C×L held channels-last, naming what it normalises', () => {
    expect(() => importOnnx(buildModel({
      nodes: [node('Relu', ['x'], ['r']), node('Reshape', ['r', 'shape'], ['l']), node('BatchNormalization', ['l', 's', 'b', 'm', 'v'], ['y'], {}, 'bn')],
      inputs: [valueInfo('x', ['N', 8])], outputs: [valueInfo('y')], initializers: [ints('shape', [0, 2, 4]), W('s', [2]), W('b', [2]), W('m', [2]), weight('v', [2], [1, 1])],
    }))).toThrow(/BatchNormalization node 'bn': it normalises axis 1 of a -1×2×4 tensor that deepwire holds in ONNX's order, not as an image or 1-D data; deepwire normalises the channels of N×C×H×W images, N×C×L data and N×C tensors/);
  });

  it('a squeeze-excite block on x.mean((2, 3)), broadcast back with Unsqueeze or a Reshape to N×C×1×1', async () => {
    const excite = [node('ReduceMean', ['c'], ['m'], { axes: [2, 3], keepdims: 0 }), node('Gemm', ['m', 'fc'], ['e'], { transB: 1 }), node('Sigmoid', ['e'], ['s'])];
    await expectLikeOrt(afterConv([...excite, node('Unsqueeze', ['s', 'axes'], ['u']), node('Mul', ['c', 'u'], ['y'])], { initializers: [W('fc', [6, 6], 4), ints('axes', [2, 3])] }), { x: [2, 3, 5, 6] });
    await expectLikeOrt(afterConv([...excite, node('Unsqueeze', ['s', 'two'], ['u1']), node('Unsqueeze', ['u1', 'three'], ['u']), node('Mul', ['c', 'u'], ['y'])],
      { initializers: [W('fc', [6, 6], 4), ints('two', [2]), ints('three', [3])] }), { x: [2, 3, 5, 6] });
    await expectLikeOrt(afterConv([...excite, node('Reshape', ['s', 'shape'], ['u']), node('Mul', ['u', 'c'], ['y'])], { initializers: [W('fc', [6, 6], 4), ints('shape', [2, 6, 1, 1])] }), { x: [2, 3, 5, 6] });
    await expectLikeOrt(afterConv([node('GlobalAveragePool', ['c'], ['g']), node('Squeeze', ['g', 'hw'], ['y'])], { initializers: [ints('hw', [2, 3])] }), { x: [2, 3, 5, 6] });
  });
});

describe('importOnnx: PyTorch exports (src/io/fixtures, from scripts/export-torchvision.py --fixtures)', () => {
  it.each([['tiny-googlenet', 10], ['tiny-mixed', 10], ['tiny-shuffle', 10], ['tiny-conv1d', 5], ['tiny-shufflenet-v2', 10], ['tiny-convnext', 5]])('%s matches PyTorch\'s output and ONNX Runtime\'s', async (name, classes) => {
    const stem = `src/io/fixtures/${name}`;
    const bytes = readFileSync(`${stem}.onnx`);
    const x = readTensor(decodeTensorProto(readFileSync(`${stem}.input.pb`)));
    const torch = readTensor(decodeTensorProto(readFileSync(`${stem}.output.pb`)));
    const imported = importOnnx(bytes);
    expect(analyzeGraph(imported.graph).ok).toBe(true);
    const got = (await runImported(imported, { input: x })).output;
    expect(got.dims).toEqual([1, classes]);
    expectClose(got.data, torch.data, TOLERANCE.conv);
    expectClose(got.data, (await runOrt(bytes, { input: { dims: x.dims, data: x.data as Float32Array } })).output.data, TOLERANCE.conv);
  });

  it('tiny-shuffle: two ChannelShuffles, a strided dilated conv, the reductions on pools, BatchNorm1d on the pooled vector', () => {
    const { graph } = importOnnx(readFileSync('src/io/fixtures/tiny-shuffle.onnx'));
    const count = (op: string) => graph.nodes.filter((n) => n.op === op).length;
    expect(graph.nodes.filter((n) => n.op === 'ChannelShuffle').map((n) => n.attrs)).toEqual([{ groups: 2 }, { groups: 4 }]);
    expect(graph.nodes.find((n) => n.id === '/down/Conv')?.attrs).toMatchObject({ strides: [2, 2], dilation_rate: [2, 2], allow_strided_dilation: true });
    expect([count('GlobalAveragePool2D'), count('GlobalMaxPool2D'), count('BatchNormalization'), count('Transpose')]).toEqual([3, 1, 1, 0]);
  });

  it('tiny-shufflenet-v2: torchvision\'s units, x.chunk(2, dim=1) as two ChannelSlices', () => {
    const { graph } = importOnnx(readFileSync('src/io/fixtures/tiny-shufflenet-v2.onnx'));
    expect(graph.nodes.filter((n) => n.op === 'ChannelSlice').map((n) => n.attrs)).toEqual([{ start: 0, end: 8 }, { start: 8, end: 16 }]);
    expect(graph.nodes.filter((n) => n.op === 'ChannelShuffle')).toHaveLength(2);
  });

  it('tiny-convnext: each LayerNorm and GELU PyTorch writes op by op is one LayerNormalization, one Activation', () => {
    const { graph } = importOnnx(readFileSync('src/io/fixtures/tiny-convnext.onnx'));
    const count = (op: string) => graph.nodes.filter((n) => n.op === op).length;
    // stem, downsampling and head LayerNorm2d, one nn.LayerNorm per block; one GELU per block
    expect([count('LayerNormalization'), count('Activation')]).toEqual([5, 2]);
    expect(graph.nodes.filter((n) => n.op === 'LayerNormalization').map((n) => n.attrs?.epsilon)).toEqual(Array(5).fill(1e-6));
    expect(graph.nodes.filter((n) => n.op === 'Activation').map((n) => n.attrs?.activation)).toEqual(['gelu', 'gelu']);
    // Each Linear's MatMul + Add is one Dense with its bias: PyTorch's 5,021 parameters, plus 3 per channel
    // for each layer scale (a per-channel Mul, held as a BatchNormalization: 4 values per channel).
    expect(graph.nodes.filter((n) => n.op === 'Dense').map((n) => n.attrs?.use_bias)).toEqual([true, true, true, true, true]);
    expect(analyzeGraph(graph).totals.params).toBe(5021 + 3 * (8 + 16));
  });

  it('tiny-googlenet keeps GoogLeNet\'s ceil-mode max pools and its ONNX node names', () => {
    const { graph } = importOnnx(readFileSync('src/io/fixtures/tiny-googlenet.onnx'));
    const pools = graph.nodes.filter((n) => n.op === 'MaxPool2D');
    expect(pools.length).toBe(4);
    expect(pools.every((n) => n.attrs?.ceil_mode === true)).toBe(true);
    expect(graph.nodes.find((n) => n.op === 'Concatenate')?.name).toBe('/inception3a/Concat');
  });
});

describe('importOnnx refusals name the op and the node; nothing is half-loaded', () => {
  const relu = (extra: ReturnType<typeof node>[], spec: Partial<ModelSpec> = {}) => buildModel({
    nodes: [node('Relu', ['x'], ['r'], {}, 'relu'), ...extra],
    inputs: [image('x', [1, 3, 4, 4])], outputs: [valueInfo(extra.length ? extra[extra.length - 1].output[0] : 'r')], ...spec,
  });
  const refuses = (bytes: Uint8Array, message: RegExp) => expect(() => importOnnx(bytes)).toThrow(message);

  it('an unsupported op, even as the last node (an Erf outside a GELU: onnx-fusions.test.ts)', () => {
    refuses(relu([node('Erf', ['r'], ['e'], {}, 'lone_erf')]), /unsupported op 'Erf' at node 'lone_erf'/);
  });

  it('an op of another domain', () => {
    refuses(relu([{ ...node('FusedConv', ['r'], ['e'], {}, 'fused'), domain: 'com.microsoft' }]), /unsupported op 'com.microsoft.FusedConv' at node 'fused'/);
  });

  it('a constant divided by a computed tensor', () => {
    refuses(relu([node('Div', ['k', 'r'], ['d'], {}, 'ratio')], { initializers: [weight('k', [1], [2])] }), /Div node 'ratio': it divides a constant by a computed tensor/);
  });

  it('shape arithmetic on a computed tensor', () => {
    refuses(relu([node('Gather', ['r', 'index'], ['t'], { axis: 1 }, 'pick')], { initializers: [ints('index', [0])] }),
      /unsupported op 'Gather' at node 'pick': deepwire evaluates Gather only on constants/);
  });

  it('a Transpose other than between N×C×H×W and N×H×W×C (or of the last two axes of a non-image)', () => {
    refuses(relu([node('MaxPool', ['r'], ['p'], { kernel_shape: [1, 1] }), node('Transpose', ['p'], ['t'], { perm: [0, 1, 3, 2] }, 'swap')]),
      /Transpose node 'swap': perm \[0,1,3,2\] of a computed 1×3×4×4 tensor: deepwire transposes images between N×C×H×W and N×H×W×C, and swaps the last two axes of other tensors/);
  });

  it('a truncated file, and a file that is not ONNX', () => {
    const bytes = relu([]);
    refuses(bytes.subarray(0, bytes.length - 7), /not a valid ONNX file: .*truncated/);
    refuses(new TextEncoder().encode('{"format": "deepwire-graph"}'), /not a valid ONNX file|no graph/);
  });

  it('an initializer whose dims claim more than its data holds (nothing is allocated from the dims)', () => {
    const lying = { ...floatTensor('w', [1], [1]), dims: [1000, 1000] };
    refuses(relu([node('Conv', ['r', 'w'], ['c'])], { initializers: [lying] }), /initializer 'w' claims 1000×1000 \(1000000 values\) but holds 4 bytes/);
    const huge = { ...floatTensor('w', [1], [1]), dims: [1e6, 1e6] };
    refuses(relu([node('Conv', ['r', 'w'], ['c'])], { initializers: [huge] }), /initializer 'w' claims 1000000×1000000 elements, more than deepwire handles/);
    const short = { ...floatTensor('w', [4, 3, 1, 1], new Float32Array(12)), raw_data: new Uint8Array(20) };
    refuses(relu([node('Conv', ['r', 'w'], ['c'])], { initializers: [short] }), /claims 4×3×1×1 \(12 values\) but holds 20 bytes of float32 data \(48 expected\)/);
  });

  it('corrupt files (truncated anywhere, bytes flipped): a refusal with a message or a complete graph, never a crash', () => {
    const base = readFileSync('src/io/fixtures/tiny-mixed.onnx');
    let seed = 12345;
    const random = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32;
    let refused = 0;
    for (let trial = 0; trial < 300; trial++) {
      const bytes = new Uint8Array(base);
      if (trial % 3 === 0) bytes.fill(0, Math.floor(random() * bytes.length));
      for (let k = 0; k < 1 + (trial % 5); k++) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
      const cut = trial % 3 === 0 ? bytes.subarray(0, Math.floor(random() * bytes.length)) : bytes;
      try {
        expect(analyzeGraph(importOnnx(cut).graph).nodes.length).toBeGreaterThan(0);
      } catch (e) {
        expect(e, String(e)).toBeInstanceOf(OpError);
        expect((e as Error).message).not.toMatch(/internal error/);
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(150);
  }, 30_000);

  it('weights kept in an external file', () => {
    const external = { ...floatTensor('w', [1, 3, 1, 1], []), raw_data: undefined, data_location: 1, external_data: [{ key: 'location', value: 'w.bin' }] };
    refuses(relu([node('Conv', ['r', 'w'], ['c'])], { initializers: [external] }), /keeps its data in an external file/);
  });

  it('an opset newer than 22', () => {
    refuses(relu([], { opset: 23 }), /uses opset 23; deepwire reads opsets 7 to 22/);
  });

  it('a symbolic size besides the batch, a string input, and integer arithmetic feeding another node', () => {
    refuses(relu([], { inputs: [image('x', [1, 3, 'height', 4])] }), /input 'x' has a symbolic size 'height' on axis 2/);
    refuses(relu([], { inputs: [valueInfo('x', [1, 3, 4, 4], 8)] }), /model input 'x' is string; deepwire computes numbers/);
    refuses(relu([node('Div', ['r', 'x'], ['q'], {}, 'div'), node('Relu', ['q'], ['z'])], { inputs: [valueInfo('x', [1, 3, 4, 4], 6)] }),
      /Div node 'div': it computes int32 arithmetic whose result feeds another node; .*only at the model's outputs/);
  });

  it('3-D convolution', () => {
    refuses(buildModel({
      nodes: [node('Conv', ['x', 'w'], ['y'], {}, 'conv3d')], inputs: [image('x', [1, 1, 4, 4, 4])], outputs: [valueInfo('y')],
      initializers: [W('w', [1, 1, 2, 2, 2])],
    }), /Conv node 'conv3d': needs an N×C×H×W image, got a 1×1×4×4×4 tensor \(3-D data/);
  });

  it('Conv weights computed at run time', () => {
    refuses(buildModel({
      nodes: [node('Relu', ['w'], ['wr']), node('Conv', ['x', 'wr'], ['y'], {}, 'dyn')], inputs: [image('x', [1, 1, 4, 4]), image('w', [1, 1, 2, 2])], outputs: [valueInfo('y')],
    }), /Conv node 'dyn': its weight W \('wr'\) is computed at run time/);
  });

  it('training-mode BatchNormalization and Dropout, MaxPool Indices feeding integer arithmetic', () => {
    const C = [W('s', [3]), W('b', [3]), W('m', [3]), weight('v', [3], [1, 1, 1])];
    refuses(relu([node('BatchNormalization', ['r', 's', 'b', 'm', 'v'], ['y'], { training_mode: 1 }, 'bn')], { initializers: C, opset: 15 }), /BatchNormalization node 'bn': it is in training mode/);
    refuses(relu([node('Dropout', ['r', 'ratio', 'on'], ['y'], {}, 'drop')], { initializers: [weight('ratio', [], [0.5]), { name: 'on', dims: [], data_type: 9, int32_data: [1] }] }),
      /Dropout node 'drop': it is in training mode \(random\)/);
    refuses(relu([node('MaxPool', ['r'], ['y', 'idx'], { kernel_shape: [2, 2] }, 'pool'), node('Add', ['idx', 'idx'], ['twice'], {}, 'add'), node('Relu', ['twice'], ['z'])]),
      /Add node 'add': it computes int64 arithmetic whose result feeds another node/);
  });

  it('a Reshape that would reorder an image, and an attribute deepwire does not know', () => {
    refuses(relu([node('MaxPool', ['r'], ['p'], { kernel_shape: [1, 1] }), node('Reshape', ['p', 'shape'], ['y'], {}, 'rs')], { initializers: [ints('shape', [1, 3, 16])] }), /Reshape node 'rs': it reshapes an N×C×H×W image to 1×3×16; .*can only flatten them/);
    refuses(relu([node('Conv', ['r', 'w'], ['y'], { future_knob: 1 }, 'c')], { initializers: [W('w', [1, 3, 1, 1])] }), /Conv node 'c': attribute 'future_knob' is not one deepwire understands/);
  });

  it('a constant varying across H×W, and a constant model output', () => {
    refuses(relu([node('Add', ['r', 'k'], ['y'], {}, 'add')], { initializers: [W('k', [1, 1, 4, 4])] }), /Add node 'add': its constant of shape 1×1×4×4 varies along more than the channel axis/);
    refuses(relu([node('Constant', [], ['y'], { value: { tensor: floatTensor('', [1], [1]) } })]), /model output 'y' is a constant/);
  });
});

describe('ONNX layouts', () => {
  it('orders the features of a flattened 2×1×2 image as ONNX does', () => {
    // ours (h, w, c) → ONNX (c, h, w): (0,0,0)→0, (0,0,1)→2, (0,1,0)→1, (0,1,1)→3
    expect([...flattenOrder(2, 1, 2)]).toEqual([0, 2, 1, 3]);
  });

  it('converts N×C×H×W to N×H×W×C and back exactly', () => {
    const data = Array.from({ length: 2 * 3 * 2 * 2 }, (_, i) => i);
    const ours = toOurs([2, 3, 2, 2], data, NCHW, 'x');
    expect(ours.shape).toEqual([2, 2, 2, 3]);
    expect([...ours.data.slice(0, 6)]).toEqual([0, 4, 8, 1, 5, 9]);
    expect([...toOnnx(ours, NCHW).data]).toEqual(data);
    const order = flattenOrder(3, 2, 2);
    expect([...toOnnx(toOurs([2, 12], data, { kind: 'features', order }, 'f'), { kind: 'features', order }).data]).toEqual(data);
  });

  it('encodes what it decodes (the exporter uses the same schema)', () => {
    const bytes = encodeModel({ opset_import: [{ version: 13 }], graph: { node: [], initializer: [floatTensor('w', [2], [1.5, -2])], input: [], output: [] } });
    const w = readTensor(decodeModel(bytes).graph!.initializer[0]);
    expect(w.dims).toEqual([2]);
    expect([...w.data]).toEqual([1.5, -2]);
  });
});
