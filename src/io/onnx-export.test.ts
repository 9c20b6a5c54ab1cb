// ONNX export: every case of every op's table (src/ops/*.cases.ts) and the example graphs, exported and
// run by ONNX Runtime (wasm), equal our CPU reference within 1e-4 relative; and export → import round-trips.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../graph/analyze.ts';
import type { GraphFile } from '../graph/types.ts';
import { materializeWeights, runReference } from '../runtime/reference.ts';
import type { Tensor } from '../tensor.ts';
import { caseGraph, type OpCase } from '../testing/cases.ts';
import { randomInput } from '../testing/compare.ts';
import { expectClose, scaledToPeak, TOLERANCE } from '../testing/expect-close.ts';
import { runImported } from '../testing/onnx-cases.ts';
import { seededRandom } from '../testing/mutate-graph.ts';
import { randomGraph } from '../testing/random-graph.ts';
import { randomCropSampling, type RandomCropAttrs } from '../ops/random-crop.ts';
import { runOrt } from '../testing/ort.ts';
import { exportOnnx } from './onnx-export.ts';
import { importOnnx } from './onnx-import.ts';
import { NCHW, toOnnx, toOurs, BATCHED } from './onnx-layout.ts';
import { decodeModel } from './onnx-proto.ts';

const tables = import.meta.glob<{ op: string; cases: OpCase[] }>('../ops/*.cases.ts', { eager: true });

/** The bar for export: equal within 1e-4 relative (and 1e-5 absolute near zero). */
const EXPORT_TOLERANCE = { atol: 1e-5, rtol: 1e-4 };

const layoutOf = (t: Tensor) => (t.shape.length === 4 ? NCHW : BATCHED);

/** Exports the graph, runs it in ONNX Runtime and compares every output with the CPU reference. */
async function expectOrtAgrees(graph: GraphFile, batch = 1, seed = 1, tolerance: { atol: number; rtol: number; relativeToPeak?: boolean } = EXPORT_TOLERANCE) {
  const report = analyzeGraph(graph);
  expect(report.problems).toEqual([]);
  const weights = materializeWeights(report, seed);
  const feeds: Record<string, Tensor> = {};
  for (const r of report.nodes) if (r.op === 'Input') feeds[r.id] = randomInput([batch, ...r.shape!], r.id);
  const want = runReference(report, feeds, { weights }).tensors;
  const bytes = exportOnnx(report, { seed });
  const onnxFeeds = Object.fromEntries(Object.entries(feeds).map(([id, t]) => [id, toOnnx(t, layoutOf(t))]));
  const got = await runOrt(bytes, onnxFeeds);
  for (const id of report.outputs) {
    const w = want.get(id)!;
    const g = got[id];
    expect(g, `output ${id}`).toBeDefined();
    const ours = toOurs(g.dims, g.data, layoutOf(w), id);
    expect(ours.shape).toEqual(w.shape);
    expectClose(ours.data, w.data, tolerance.relativeToPeak ? scaledToPeak(w.data, tolerance) : tolerance);
  }
  return bytes;
}

describe('exportOnnx: every op case, run by ONNX Runtime, equals the CPU reference', () => {
  for (const { op, cases } of Object.values(tables))
    describe(op, () => {
      it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
        await expectOrtAgrees(caseGraph(op, c), c.batch ?? 1);
      });
    });
});

/** The export imported back computes what ONNX Runtime computes of it, on a batch of 2. */
async function expectReimportAgrees(graph: GraphFile, bytes: Uint8Array) {
  const report = analyzeGraph(graph);
  const feeds = Object.fromEntries(report.nodes.filter((r) => r.op === 'Input').map((r) => {
    const t = randomInput([2, ...r.shape!], r.id);
    return [r.id, toOnnx(t, layoutOf(t))];
  }));
  const imported = importOnnx(bytes);
  const [want, got] = [await runOrt(bytes, feeds), await runImported(imported, feeds)];
  for (const [name, w] of Object.entries(want)) expectClose(got[name].data, w.data, scaledToPeak(w.data, TOLERANCE.conv));
  return imported;
}

describe('exportOnnx: random graphs (src/testing/random-graph.ts)', () => {
  // Exported, run by ONNX Runtime against the CPU reference, and imported back: the re-import runs as
  // ONNX Runtime ran the export. Not imported back, so only run by ONNX Runtime: a normalized Dot (its
  // export's ReduceSumSquare and Sqrt have no import) and a RandomCrop that resizes (its Resize sizes
  // come from the symbolic batch's Shape, and deepwire imports no Resize).
  const reimportable = (graph: GraphFile) => {
    const report = analyzeGraph(graph);
    return report.nodes.every((r) => {
      if (r.op === 'Dot') return !r.attrs.normalize;
      if (r.op !== 'RandomCrop') return true;
      const { window: [wy, wx], out } = randomCropSampling(r.attrs as unknown as RandomCropAttrs, report.byId.get(r.inputs[0])!.shape!, false);
      return wy.len === out[0] && wx.len === out[1];
    });
  };
  const graphOf = (seed: number) => randomGraph(seededRandom(seed), { size: 6 + (seed % 11) });
  it('imports back most of them', () => {
    expect(Array.from({ length: 60 }, (_, i) => graphOf(i + 1)).filter(reimportable).length).toBeGreaterThan(50);
  });

  it.each([
    ['of two vectors', [6], 6, 1],
    ['of two batches of matrices, axes [1, 1]', [4, 5], 3, [1, 1]],
    ['of two batches of matrices, axes [2, 2]', [4, 5], 5, [2, 2]],
  ])('a Dot %s imports back as a Dot', async (_, shape, units, axes) => {
    const graph: GraphFile = {
      format: 'deepwire-graph', version: 1, outputs: ['dot'], nodes: [
        { id: 'x', op: 'Input', attrs: { shape } },
        { id: 'dense', op: 'Dense', attrs: { units }, inputs: ['x'] },
        { id: 'dot', op: 'Dot', attrs: { axes }, inputs: ['x', 'dense'] },
      ],
    };
    const bytes = await expectOrtAgrees(graph, 2);
    const imported = await expectReimportAgrees(graph, bytes);
    expect(imported.graph.nodes.filter((n) => n.op === 'Dot')).toHaveLength(1);
  });
  for (let seed = 1; seed <= 60; seed++)
    it(`seed ${seed}`, async () => {
      const graph = graphOf(seed);
      const bytes = await expectOrtAgrees(graph, 2, 1, { ...TOLERANCE.conv, relativeToPeak: true });
      if (reimportable(graph)) await expectReimportAgrees(graph, bytes);
    });
});

describe('exportOnnx: whole graphs', () => {
  it.each(['examples/inception-3a.json', 'examples/resnet-bottleneck.json', 'examples/regularizer.json'])('%s', async (file) => {
    await expectOrtAgrees(JSON.parse(readFileSync(file, 'utf8')), 2);
  });

  it('writes images as N×C×H×W with a symbolic batch, Keras kernels as OIHW, and opset 13', () => {
    const graph: GraphFile = {
      format: 'deepwire-graph', version: 1,
      nodes: [
        { id: 'x', op: 'Input', attrs: { shape: [5, 4, 3] } },
        { id: 'conv', op: 'Conv2D', attrs: { filters: 2, kernel_size: [1, 2], use_bias: false }, inputs: ['x'] },
      ],
      outputs: ['conv'],
    };
    const store = new Map([['k', { shape: [1, 2, 3, 2], data: Float32Array.from({ length: 12 }, (_, i) => i) }]]);
    graph.nodes[1].weights = { kernel: 'k' };
    const model = decodeModel(exportOnnx(analyzeGraph(graph), { weights: store }));
    expect(model.opset_import.map((o) => Number(o.version))).toEqual([13]);
    const dims = model.graph!.input[0].type!.tensor_type!.shape!.dim.map((d) => d.dim_param || Number(d.dim_value));
    expect(dims).toEqual(['N', 3, 5, 4]);
    const conv = model.graph!.node.find((n) => n.op_type === 'Conv')!;
    const w = model.graph!.initializer.find((t) => t.name === conv.input[1])!;
    expect(w.dims!.map(Number)).toEqual([2, 3, 1, 2]);
    // W[oc=1][c=2][0][kx=1] = kernel[0][kx=1][c=2][oc=1] at ((0·2 + 1)·3 + 2)·2 + 1 = 11
    expect(new DataView(w.raw_data!.buffer, w.raw_data!.byteOffset).getFloat32(4 * (((1 * 3 + 2) * 1 + 0) * 2 + 1), true)).toBe(11);
  });

  it('round-trips: export → import gives a graph that computes the same', async () => {
    const graph = JSON.parse(readFileSync('examples/inception-3a.json', 'utf8')) as GraphFile;
    const report = analyzeGraph(graph);
    const feeds = { [report.nodes[0].id]: randomInput([1, ...report.nodes[0].shape!], 'x') };
    const want = runReference(report, feeds, { seed: 3 }).tensors.get(report.outputs[0])!;
    const imported = importOnnx(exportOnnx(report, { seed: 3 }));
    expect(imported.graph.nodes.filter((n) => n.op === 'Conv2D').length).toBe(report.nodes.filter((n) => n.op === 'Conv2D').length);
    // Conv2D(activation='relu') comes back as Conv2D + ReLU: the same computation counts the same FLOPs.
    expect(analyzeGraph(imported.graph).totals).toMatchObject({ params: report.totals.params, flops: report.totals.flops });
    const input = imported.inputs[0];
    const got = await runImported(imported, { [input.name]: toOnnx(feeds[report.nodes[0].id], NCHW) });
    expectClose(toOurs(got[imported.outputs[0].name].dims, got[imported.outputs[0].name].data, NCHW, 'y').data, want.data, EXPORT_TOLERANCE);
  });
});

describe('exportOnnx: what Keras lacks, back as PyTorch writes it', () => {
  const graph = (nodes: GraphFile['nodes'], outputs: string[]): GraphFile => ({ format: 'deepwire-graph', version: 1, nodes, outputs });

  it('ChannelShuffle of an image: Reshape → Transpose(0, 2, 1, 3, 4) → Reshape, imported back as one ChannelShuffle', async () => {
    // A pool first, as in a CNN: the importer reads a 4-D input as an image where the model has spatial ops.
    const g = graph([
      { id: 'x', op: 'Input', attrs: { shape: [5, 4, 6] } },
      { id: 'pool', op: 'MaxPool2D', attrs: { pool_size: 1 }, inputs: ['x'] },
      { id: 'shuffle', op: 'ChannelShuffle', attrs: { groups: 3 }, inputs: ['pool'] },
    ], ['shuffle']);
    const bytes = await expectOrtAgrees(g, 2);
    expect(decodeModel(bytes).graph!.node.map((n) => n.op_type)).toEqual(['MaxPool', 'Reshape', 'Transpose', 'Reshape']);
    const imported = importOnnx(bytes);
    expect(imported.graph.nodes.map((n) => n.op)).toEqual(['Input', 'MaxPool2D', 'ChannelShuffle']);
    expect(imported.graph.nodes[2].attrs).toEqual({ groups: 3 });
    const x = randomInput([2, 5, 4, 6], 'x');
    const want = runReference(analyzeGraph(g), { x }, {}).tensors.get('shuffle')!;
    const got = (await runImported(imported, { x: toOnnx(x, NCHW) })).shuffle;
    expect([...toOurs(got.dims, got.data, NCHW, 'shuffle').data]).toEqual([...want.data]);
  });

  it('ChannelShuffle of a feature vector round-trips through a Transpose of its last two axes', async () => {
    const g = graph([
      { id: 'x', op: 'Input', attrs: { shape: [12] } },
      { id: 'shuffle', op: 'ChannelShuffle', attrs: { groups: 4 }, inputs: ['x'] },
    ], ['shuffle']);
    const imported = importOnnx(await expectOrtAgrees(g, 2));
    const x = randomInput([2, 12], 'x');
    const want = runReference(analyzeGraph(g), { x }, {}).tensors.get('shuffle')!;
    expect([...(await runImported(imported, { x: toOnnx(x, BATCHED) })).shuffle.data]).toEqual([...want.data]);
  });

  it('a Conv2D with strides and dilation (allow_strided_dilation) exports as one Conv and imports back flagged', async () => {
    const g = graph([
      { id: 'x', op: 'Input', attrs: { shape: [11, 9, 3] } },
      { id: 'conv', op: 'Conv2D', attrs: { filters: 4, kernel_size: 3, strides: 2, dilation_rate: 2, padding: 'same', allow_strided_dilation: true }, inputs: ['x'] },
    ], ['conv']);
    const bytes = await expectOrtAgrees(g);
    const conv = decodeModel(bytes).graph!.node.find((n) => n.op_type === 'Conv')!;
    expect(Object.fromEntries(conv.attribute.filter((a) => ['strides', 'dilations'].includes(a.name)).map((a) => [a.name, a.ints!.map(Number)]))).toEqual({ strides: [2, 2], dilations: [2, 2] });
    expect(importOnnx(bytes).graph.nodes.find((n) => n.op === 'Conv2D')?.attrs).toMatchObject({ strides: [2, 2], dilation_rate: [2, 2], allow_strided_dilation: true });
  });
});

describe('exportOnnx never invents weights', () => {
  const graph: GraphFile = {
    format: 'deepwire-graph', version: 1,
    nodes: [
      { id: 'x', op: 'Input', attrs: { shape: [4, 4, 3] } },
      { id: 'conv', op: 'Conv2D', name: 'conv_1', attrs: { filters: 2, kernel_size: 3 }, inputs: ['x'] },
    ],
    outputs: ['conv'],
  };

  it('refuses a graph with weights when given neither the weights nor a seed', () => {
    expect(() => exportOnnx(analyzeGraph(graph))).toThrow(/^no weights given for 2 weight tensor\(s\) \(conv_1\/kernel, conv_1\/bias\)$/);
    const partial = new Map([['conv/kernel', { shape: [3, 3, 3, 2], data: new Float32Array(54) }]]);
    expect(() => exportOnnx(analyzeGraph(graph), { weights: partial })).toThrow(/^no weights given for 1 weight tensor\(s\) \(conv_1\/bias\)$/);
  });

  it('initialises what the store lacks only from a seed it was given', () => {
    const model = decodeModel(exportOnnx(analyzeGraph(graph), { seed: 0 }));
    expect(model.graph!.initializer.length).toBe(2);
  });
});
