// `deepwire run|summary|convert` on ONNX models (CPU backend here; WebGPU in onnx-cli.gpu.test.ts),
// and the weights file a converted graph keeps beside it.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { main, type CliIo } from '../cli.ts';
import { expectClose, TOLERANCE } from '../testing/expect-close.ts';
import { ONNX_NODE_TESTS } from '../testing/onnx-cases.ts';
import { runOrt } from '../testing/ort.ts';
import { readNpy } from './npy.ts';
import { decodeModel, decodeTensorProto, readTensor } from './onnx-proto.ts';
import { decodeWeights, embedWeights, encodeWeights, takeEmbeddedWeights } from './weights-file.ts';

/** `deepwire ...argv` in-process; written files are kept in memory and read back before the disk. */
async function cli(argv: string[], files = new Map<string, Uint8Array>()) {
  const result = { code: -1, stdout: '', stderr: '', files };
  const io: CliIo = {
    stdout: (text) => void (result.stdout += text),
    stderr: (text) => void (result.stderr += text),
    readFile: async (path) => files.get(path) ?? readFile(path),
    writeFile: async (path, data) => void files.set(path, data),
  };
  result.code = await main(argv, io);
  return result;
}

const pb = async (path: string) => readTensor(decodeTensorProto(await readFile(path)));
const CONV_CASE = `${ONNX_NODE_TESTS}/test_conv_with_strides_and_asymmetric_padding`;

describe('deepwire run model.onnx', () => {
  it('runs an ONNX conformance case from its .pb inputs (W bound as the constant it must be)', async () => {
    const data = `${CONV_CASE}/test_data_set_0`;
    const { code, stdout, stderr, files } = await cli(['run', `${CONV_CASE}/model.onnx`, '--input', `${data}/input_0.pb`, '--input', `W=${data}/input_1.pb`, '--backend', 'cpu']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^out\/y\.npy: 1×1×4×2, min /);
    const want = await pb(`${data}/output_0.pb`);
    const got = readNpy(files.get('out/y.npy')!);
    expect(got.shape).toEqual(want.dims);
    expect([...got.data]).toEqual([...want.data]);
  });

  it('runs a PyTorch export and writes an intermediate tensor by its ONNX name, N×C×H×W', async () => {
    const { code, stdout, files } = await cli(['run', 'src/io/fixtures/tiny-googlenet.onnx', '--input', 'src/io/fixtures/tiny-googlenet.input.pb',
      '--output', 'output', '--output', '/inception3a/Concat_output_0', '--backend', 'cpu', '--out', 'o']);
    expect(code).toBe(0);
    expect(stdout).toContain('o/_inception3a_Concat_output_0.npy: 1×32×4×4, ');
    expectClose(readNpy(files.get('o/output.npy')!).data, (await pb('src/io/fixtures/tiny-googlenet.output.pb')).data, TOLERANCE.conv);
  });

  it('refuses unknown inputs and an unsupported model with one line', async () => {
    const unknown = await cli(['run', 'src/io/fixtures/tiny-mixed.onnx', '--input', 'pixels=x.npy', '--backend', 'cpu']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe("deepwire: --input pixels=x.npy: the model has no input 'pixels' — its inputs: input\n");
    const model = await cli(['run', `${ONNX_NODE_TESTS}/test_maxpool_3d_default/model.onnx`, '--backend', 'cpu']);
    expect(model.code).toBe(1);
    expect(model.stderr).toBe("deepwire: MaxPool node 'y': needs an N×C×H×W image, got a 1×3×32×32×32 tensor (3-D data: deepwire works on 2-D images) — deepwire imports 2-D CNNs; reshape the data to N×C×H×W before this node\n");
  });

  it('runs a uint8 model in float32 and writes its integer results (Div truncates)', async () => {
    const dir = `${ONNX_NODE_TESTS}/test_div_uint8`, data = `${dir}/test_data_set_0`;
    const { code, stderr, files } = await cli(['run', `${dir}/model.onnx`, '--input', `${data}/input_0.pb`, '--input', `${data}/input_1.pb`, '--backend', 'cpu']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect([...readNpy(files.get('out/z.npy')!).data]).toEqual([...(await pb(`${data}/output_0.pb`)).data]);
  });
});

describe('deepwire summary and convert', () => {
  it('summarises an ONNX model with its node names', async () => {
    const { code, stdout } = await cli(['summary', 'src/io/fixtures/tiny-googlenet.onnx']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/ \/inception3a\/Concat \(Concatenate\) +\(None, 4, 4, 32\) +0 +0 +\/inception3a\/branch1\/Relu\n/);
    expect(stdout).toContain('Total params: 4,294\n');
  });

  it('converts model.onnx → graph.json + weights, which runs like the model; and back to .onnx, which ONNX Runtime runs alike', async () => {
    const files = new Map<string, Uint8Array>();
    const converted = await cli(['convert', 'src/io/fixtures/tiny-mixed.onnx', 'g/mixed.json'], files);
    expect(converted.code).toBe(0);
    expect(converted.stdout).toBe('g/mixed.json: 26 nodes, 3,710 params; weights in g/mixed.weights.bin (0.0 MB)\n'
      + "note: the graph takes 'input' channels-last (N×H×W×C), as deepwire graphs do; the ONNX model took N×C×H×W\n");
    expect([...files.keys()].sort()).toEqual(['g/mixed.json', 'g/mixed.weights.bin', 'g/mixed.weights.json']);
    const fromJson = await cli(['run', 'g/mixed.json', '--backend', 'cpu', '--seed', '4', '--out', 'a'], files);
    const fromOnnx = await cli(['run', 'src/io/fixtures/tiny-mixed.onnx', '--backend', 'cpu', '--seed', '4', '--out', 'b'], files);
    expect(fromJson.code).toBe(0);
    expect([...readNpy(files.get('a/_Softmax.npy')!).data]).toEqual([...readNpy(files.get('b/output.npy')!).data]);

    const back = await cli(['convert', 'g/mixed.json', 'g/back.onnx'], files);
    expect(back.stdout).toBe('g/back.onnx: 26 nodes, 3,710 params (ONNX opset 13; images N×C×H×W)\nweights: 24 of 24 tensors from the weight file\n');
    // A graph without a weight file: convert says which weights it made up, and from which seed.
    const seeded = await cli(['convert', 'examples/inception-3a.json', 'g/3a.onnx'], files);
    expect(seeded.stdout).toMatch(/\nweights: 0 of 12 tensors from the weight file, 12 initialised with Keras' initializers, seed 0 \(--seed N to choose\)\n$/);
    const x = await pb('src/io/fixtures/tiny-mixed.input.pb');
    const ort = await runOrt(files.get('g/back.onnx')!, { input: { dims: x.dims, data: x.data as Float32Array } });
    expectClose(ort['/Softmax'].data, (await pb('src/io/fixtures/tiny-mixed.output.pb')).data, TOLERANCE.conv);
    expect(decodeModel(files.get('g/back.onnx')!).producer_name).toBe('deepwire');
  });

  it('says when a graph\'s saved weights are missing, and what convert writes', async () => {
    const files = new Map<string, Uint8Array>();
    await cli(['convert', 'src/io/fixtures/tiny-mixed.onnx', 'g/mixed.json'], files);
    files.delete('g/mixed.weights.json');
    const missing = await cli(['run', 'g/mixed.json', '--backend', 'cpu'], files);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('deepwire: g/mixed.json refers to saved weights, but cannot read weights manifest g/mixed.weights.json: no such file — keep the .weights.json and .weights.bin files beside the graph\n');
    const wrong = await cli(['convert', 'src/io/fixtures/tiny-mixed.onnx', 'g/mixed.txt'], files);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toBe('deepwire: convert writes .json or .onnx files, not g/mixed.txt — e.g. deepwire convert model.onnx graph.json\n');
    const one = await cli(['convert', 'src/io/fixtures/tiny-mixed.onnx'], files);
    expect(one.stderr).toBe("deepwire: 'convert' takes an input and an output file, got 1 — e.g. deepwire convert model.onnx graph.json\n");
  });
});

describe('weights files', () => {
  it('round-trips a store and checks every offset against the data', () => {
    const store = new Map([['a/kernel', { shape: [2, 1], data: Float32Array.of(1.5, -2) }], ['b', { shape: [], data: Float32Array.of(7) }]]);
    const { manifest, data } = encodeWeights(store, 'w.bin');
    expect(manifest.tensors).toEqual([{ key: 'a/kernel', shape: [2, 1], offset: 0 }, { key: 'b', shape: [], offset: 8 }]);
    expect(data.length).toBe(12);
    const back = decodeWeights(JSON.parse(JSON.stringify(manifest)), data);
    expect([...back.get('a/kernel')!.data]).toEqual([1.5, -2]);
    expect(back.get('b')!.shape).toEqual([]);
    expect(() => decodeWeights(manifest, data.subarray(0, 10))).toThrow("not a valid deepwire weights file: 'b' (scalar) at byte 8 needs 4 bytes, but the data file has 10 (truncated?)");
    expect(() => decodeWeights({ ...manifest, format: 'x' }, data)).toThrow('"format" must be "deepwire-weights"');
    expect(() => decodeWeights({ ...manifest, tensors: [{ key: 'a', shape: [1e9], offset: 0 }] }, data)).toThrow(/'a' \(1000000000\) at byte 0 needs 4000000000 bytes/);
  });

  it('embeds the weights a graph refers to as a data: URL, and takes them out again', () => {
    const store = new Map([['d/kernel', { shape: [2, 1], data: Float32Array.of(1.5, -2) }], ['unused', { shape: [1], data: Float32Array.of(9) }]]);
    const graph = { format: 'deepwire-graph' as const, version: 1 as const, nodes: [{ id: 'd', op: 'Dense', weights: { kernel: 'd/kernel' } }], outputs: ['d'] };
    const saved = JSON.parse(JSON.stringify(embedWeights(graph, store)));
    expect(saved.embeddedWeights.tensors).toEqual([{ key: 'd/kernel', shape: [2, 1], offset: 0 }]);
    expect(saved.embeddedWeights.data).toBe(`data:application/octet-stream;base64,${Buffer.from(Float32Array.of(1.5, -2).buffer).toString('base64')}`);
    const { graph: back, weights } = takeEmbeddedWeights(saved);
    expect(back).toEqual(graph);
    expect([...weights!.get('d/kernel')!.data]).toEqual([1.5, -2]);
    expect(takeEmbeddedWeights(graph)).toEqual({ graph, weights: null });
    expect(() => embedWeights(graph, new Map())).toThrow("'d' refers to weights 'd/kernel' (kernel) that are not here");
    expect(() => takeEmbeddedWeights({ ...saved, embeddedWeights: { ...saved.embeddedWeights, data: 'w.bin' } })).toThrow('"embeddedWeights.data" must be a "data:application/octet-stream;base64,…" URL');
    const cut = { ...saved, embeddedWeights: { ...saved.embeddedWeights, data: saved.embeddedWeights.data.slice(0, -4) } };
    expect(() => takeEmbeddedWeights(cut)).toThrow("not a valid deepwire weights file: 'd/kernel' (2×1) at byte 0 needs 8 bytes, but the data file has 6 (truncated?)");
  });

  it('runs a graph that carries its weights as the same graph with them beside it', async () => {
    const files = new Map<string, Uint8Array>();
    await cli(['convert', 'src/io/fixtures/tiny-mixed.onnx', 'g/mixed.json'], files);
    const graph = JSON.parse(new TextDecoder().decode(files.get('g/mixed.json')!));
    const manifest = JSON.parse(new TextDecoder().decode(files.get('g/mixed.weights.json')!));
    const embedded = embedWeights(graph, decodeWeights(manifest, files.get('g/mixed.weights.bin')!));
    files.set('h/one-file.json', new TextEncoder().encode(JSON.stringify(embedded)));
    const beside = await cli(['run', 'g/mixed.json', '--backend', 'cpu', '--out', 'a'], files);
    const inside = await cli(['run', 'h/one-file.json', '--backend', 'cpu', '--out', 'b'], files);
    expect(inside.stderr).toBe(beside.stderr); // the note on the made-up input, nothing on weights
    expect(inside.code).toBe(0);
    expect(beside.code).toBe(0);
    expect([...readNpy(files.get('b/_Softmax.npy')!).data]).toEqual([...readNpy(files.get('a/_Softmax.npy')!).data]);
    expect(files.has('h/one-file.weights.json')).toBe(false);
  });
});
