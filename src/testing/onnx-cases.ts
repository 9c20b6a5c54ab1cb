// ONNX's backend node tests (Debian's libonnx-testdata): finding the cases for the ops deepwire
// imports, running one through an importer + backend, and classifying it as pass, fail or refused.
// Layout of a case: test_x/model.onnx, test_x/test_data_set_0/{input,output}_K.pb (TensorProto).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeGraph, type GraphReport } from '../graph/analyze.ts';
import { materializeWeights, runReference } from '../runtime/reference.ts';
import { OpError } from '../ops/op.ts';
import type { WeightStore } from '../runtime/reference.ts';
import type { Tensor } from '../tensor.ts';
import { CONVERTERS } from '../io/onnx-import-ops.ts';
import { importOnnx, type OnnxImport } from '../io/onnx-import.ts';
import { castFromFloat32, checkFloat32Exact, toOnnx, toOurs } from '../io/onnx-layout.ts';
import { decodeModel, decodeTensorProto, dtypeName, readTensor, type TensorValue } from '../io/onnx-proto.ts';
import { readNpy } from '../io/npy.ts';
import { expect } from 'vitest';
import { mismatches, TOLERANCE, type Tolerance } from './expect-close.ts';

/** Debian's libonnx-testdata puts them here; ONNX_NODE_TESTS points elsewhere (scripts/test.mjs checks the same). */
export const ONNX_NODE_TESTS = process.env.ONNX_NODE_TESTS ?? '/usr/include/onnx/backend/test/data/node';

export interface OnnxCase {
  name: string;
  dir: string;
  /** The op types of the model's nodes. */
  ops: string[];
}

/** Every node test whose model uses only ops deepwire imports (sorted by name). */
export function onnxCasesForOurOps(root = ONNX_NODE_TESTS): OnnxCase[] {
  const cases: OnnxCase[] = [];
  for (const name of readdirSync(root).sort()) {
    const file = join(root, name, 'model.onnx');
    if (!existsSync(file)) continue;
    const model = decodeModel(readFileSync(file));
    const ops = model.graph!.node.map((n) => n.op_type);
    const ours = model.graph!.node.every((n) => !n.domain && n.op_type in CONVERTERS);
    if (ours && ops.length) cases.push({ name, dir: join(root, name), ops: [...new Set(ops)] });
  }
  return cases;
}

/** A backend: runs an analysed graph with its weights on the feeds; returns the requested tensors. */
export type CaseBackend = (report: GraphReport, weights: WeightStore, feeds: Record<string, Tensor>, outputs: string[]) => Promise<Map<string, Tensor>>;

export type CaseStatus = 'pass' | 'fail' | 'refused';

export interface CaseResult {
  name: string;
  status: CaseStatus;
  /** Why it was refused or how it failed. */
  message?: string;
}

/** Data movement and comparisons are exact; the rest use STYLE.md's tolerances by kind. */
function toleranceFor(ops: string[]): Tolerance {
  const exact = new Set(['Concat', 'Flatten', 'Reshape', 'Identity', 'Dropout', 'MaxPool', 'GlobalMaxPool', 'Max', 'Min', 'Relu', 'ReduceMax']);
  const heavy = new Set(['Conv', 'Gemm', 'MatMul', 'AveragePool', 'GlobalAveragePool', 'BatchNormalization', 'Softmax', 'ReduceMean', 'ReduceSum']);
  if (ops.every((o) => exact.has(o))) return TOLERANCE.exact;
  return ops.some((o) => heavy.has(o)) ? TOLERANCE.conv : TOLERANCE.elementwise;
}

/** Outputs of other types: integers and bool exactly, wider or narrower floats as ONNX's backend tests compare (rtol 1e-3, atol 1e-7). */
const ONNX_TOLERANCE: Record<string, Tolerance> = { float64: { rtol: 1e-3, atol: 1e-7 }, float16: { rtol: 1e-3, atol: 1e-7 }, bfloat16: { rtol: 1e-2, atol: 1e-7 } };

/** The case's input or output tensors in order; an Error in place of one that is not a readable tensor. */
function readSet(dir: string, prefix: 'input' | 'output'): (TensorValue | Error)[] {
  const set = join(dir, 'test_data_set_0');
  const files = readdirSync(set).filter((f) => f.startsWith(`${prefix}_`)).sort((a, b) => parseInt(a.slice(prefix.length + 1)) - parseInt(b.slice(prefix.length + 1)));
  return files.map((f) => {
    try {
      return readTensor(decodeTensorProto(readFileSync(join(set, f))), f);
    } catch (e) {
      return e as Error;
    }
  });
}

/** The plain-loop reference as a backend. */
export const cpuBackend: CaseBackend = async (report, store, feeds, outputs) =>
  runReference(report, feeds, { weights: materializeWeights(report, 0, store), outputs }).tensors;

export interface OnnxArray {
  dims: number[];
  data: ArrayLike<number>;
}

/** Runs an imported model on ONNX-layout feeds keyed by input name; returns its outputs in ONNX's layout. */
export async function runImported(imported: OnnxImport, feeds: Record<string, OnnxArray>, backend: CaseBackend = cpuBackend): Promise<Record<string, { dims: number[]; data: Float32Array | Float64Array }>> {
  const report = analyzeGraph(imported.graph);
  if (!report.ok) throw new Error(`imported graph is invalid: ${report.problems.map((p) => p.message).join('; ')}`);
  const ours: Record<string, Tensor> = {};
  for (const port of imported.inputs) {
    const t = feeds[port.name];
    if (!t) throw new Error(`no feed for input '${port.name}'`);
    checkFloat32Exact(t.data, port.dtype, `input '${port.name}'`);
    ours[port.node] = toOurs(t.dims, t.data, port.layout, `input '${port.name}'`);
  }
  const tensors = await backend(report, imported.weights, ours, imported.outputs.map((o) => o.node));
  return Object.fromEntries(imported.outputs.map((o) => {
    const { dims, data } = toOnnx(tensors.get(o.node)!, o.layout);
    return [o.name, { dims, data: castFromFloat32(data, o.dtype, `output '${o.name}'`) }];
  }));
}

/** Imports, runs and compares one case; never throws. */
export async function runOnnxCase(c: OnnxCase, backend: CaseBackend): Promise<CaseResult> {
  const bytes = readFileSync(join(c.dir, 'model.onnx'));
  const model = decodeModel(bytes);
  const graphInputs = model.graph!.input.map((i) => i.name).filter((n) => !model.graph!.initializer.some((t) => t.name === n));
  // A case whose data deepwire cannot read (sequences, optionals) is still imported: the importer says why.
  const inputs = readSet(c.dir, 'input'), expected = readSet(c.dir, 'output');
  const bind = Object.fromEntries(graphInputs.map((n, i) => [n, inputs[i]]).filter((e): e is [string, TensorValue] => e[1] instanceof Object && !(e[1] instanceof Error)));
  let imported;
  try {
    imported = importOnnx(bytes, { bind });
  } catch (e) {
    if (e instanceof OpError) return { name: c.name, status: 'refused', message: e.message };
    return { name: c.name, status: 'fail', message: `import crashed: ${(e as Error).stack}` };
  }
  let results: Record<string, { dims: number[]; data: Float32Array | Float64Array }>;
  try {
    results = await runImported(imported, bind, backend);
  } catch (e) {
    if (e instanceof OpError || (e as Error)?.name === 'EngineError') return { name: c.name, status: 'refused', message: `backend: ${(e as Error).message}` };
    return { name: c.name, status: 'fail', message: `run crashed: ${(e as Error)?.stack ?? e}` };
  }
  return compareOutputs(c, imported.outputs.map((port) => ({ ...port, got: results[port.name] })));
}

/** Each output against the case's expected output_K.pb, with the tolerance of its ops and element type. */
function compareOutputs(c: OnnxCase, outputs: { name: string; dtype: string; got: OnnxArray }[]): CaseResult {
  const expected = readSet(c.dir, 'output');
  for (const [k, port] of outputs.entries()) {
    const tol = port.dtype === 'float32' ? toleranceFor(c.ops) : ONNX_TOLERANCE[port.dtype] ?? TOLERANCE.exact;
    const want = expected[k];
    if (!want || want instanceof Error) return { name: c.name, status: 'fail', message: `no expected data for output '${port.name}': ${want?.message}` };
    const { got } = port;
    if (got.dims.join() !== want.dims.join())
      return { name: c.name, status: 'fail', message: `output '${port.name}' has shape ${got.dims.join('×')}, expected ${want.dims.join('×')}` };
    const bad = mismatches(got.data, want.data, tol);
    if (bad.length) return { name: c.name, status: 'fail', message: `output '${port.name}': ${bad.join('; ')}` };
  }
  return { name: c.name, status: 'pass' };
}

/** What `deepwire ARGS` did (src/testing/cli-run.ts runs it in-process, files kept in memory). */
export interface CliOutcome {
  code: number;
  stdout: string;
  stderr: string;
  written: Map<string, Uint8Array>;
}

/**
 * Runs one case as a user would: `deepwire run test_x/model.onnx --input …/input_K.pb … --out DIR`, then
 * reads the .npy files the run printed, in the model's output order, and compares them. A non-zero exit
 * with deepwire's own message is a refusal (the caller checks which cases may be refused); an internal
 * error, a missing file or a wrong value is a failure. Never throws.
 */
export async function runOnnxCaseCli(c: OnnxCase, cli: (argv: string[]) => Promise<CliOutcome>): Promise<CaseResult & { stdout: string }> {
  const set = join(c.dir, 'test_data_set_0');
  const inputs = readdirSync(set).filter((f) => /^input_\d+\.pb$/.test(f)).sort((a, b) => parseInt(a.slice(6)) - parseInt(b.slice(6)));
  const out = `out/${c.name}`;
  const { code, stdout, stderr, written } = await cli(['run', join(c.dir, 'model.onnx'), ...inputs.flatMap((f) => ['--input', join(set, f)]), '--out', out]);
  if (code !== 0) {
    const status = /internal error/.test(stderr) ? 'fail' : 'refused';
    if (written.size) return { name: c.name, status: 'fail', message: `exit ${code}, yet it wrote ${[...written.keys()].join(', ')}: ${stderr}`, stdout };
    return { name: c.name, status, message: stderr.trim(), stdout };
  }
  const paths = [...stdout.matchAll(/^(.+\.npy): /gm)].map((m) => m[1]);
  const ports = decodeModel(readFileSync(join(c.dir, 'model.onnx'))).graph!.output.map((o) => ({ name: o.name, dtype: dtypeName(o.type?.tensor_type?.elem_type) }));
  if (paths.length !== ports.length) return { name: c.name, status: 'fail', message: `printed ${paths.length} output files for ${ports.length} outputs:\n${stdout}`, stdout };
  const outputs = [];
  for (const [k, port] of ports.entries()) {
    const file = written.get(paths[k]);
    if (!file) return { name: c.name, status: 'fail', message: `printed ${paths[k]} but did not write it`, stdout };
    const t = readNpy(file);
    outputs.push({ name: port.name, dtype: port.dtype, got: { dims: t.shape, data: t.data } });
  }
  return { ...compareOutputs(c, outputs), stdout };
}

/** `pass 150, fail 0, refused 35` and one line per refusal. */
export function summarize(results: CaseResult[]): string {
  const count = (s: CaseStatus) => results.filter((r) => r.status === s).length;
  const lines = [`${results.length} cases: pass ${count('pass')}, fail ${count('fail')}, refused ${count('refused')}`];
  for (const r of results) if (r.status !== 'pass') lines.push(`  ${r.status.padEnd(7)} ${r.name}: ${r.message}`);
  return lines.join('\n');
}

/** Cases deepwire refuses, by the reason it gives. Anything else must pass. */
export const REFUSED: Record<string, RegExp> = {
  test_averagepool_3d_default: /3-D data/, test_maxpool_3d_default: /3-D data/,
  test_batchnorm_epsilon_training_mode: /training mode: it normalises with statistics across the batch/,
  test_batchnorm_example_training_mode: /training mode: it normalises with statistics across the batch/,
  // Dropout in training mode with a ratio above 0 drops at random: no run matches ONNX's draw.
  test_training_dropout: /training mode \(random\)/, test_training_dropout_default: /training mode \(random\)/,
  test_training_dropout_mask: /training mode \(random\)/, test_training_dropout_default_mask: /training mode \(random\)/,
  test_matmul_4d: /multiplies two matrices, or two equal batches/,
  test_constant: /output 'values' is a constant/,
  test_identity_opt: /is an optional, not a tensor/, test_identity_sequence: /is a sequence, not a tensor/,
  test_reshape_allowzero_reordered: /is empty/, test_split_zero_size_splits: /is empty/,
  // Keras' elu has alpha 1; ONNX's tests take 2.
  test_elu: /alpha 2: deepwire's elu \(Keras'\) has alpha 1/, test_elu_example: /alpha 2: deepwire's elu \(Keras'\) has alpha 1/,
  // A Slice of computed data imports as a crop of an image's C, H and W or of a tensor's last axis;
  // ONNX's tests slice the first axes of 20×10×5 tensors, with negative steps, or down to nothing.
  ...Object.fromEntries(['', '_end_out_of_bounds', '_neg'].map((t) => [`test_slice${t}`, /Slice node 'y': it slices axis [01] of a 20×10×5 tensor; deepwire slices an N×C×H×W image's C, H and W, or another tensor's last axis/])),
  // ONNX's LayerNormalization tests also compare its Mean and InvStdDev outputs, which deepwire does not compute
  // (its LayerNormalization is checked against ONNX Runtime and PyTorch: onnx-fusions.test.ts, the tiny-convnext fixture).
  ...Object.fromEntries([
    '2d_axis0', '2d_axis1', '2d_axis_negative_1', '2d_axis_negative_2', '3d_axis0_epsilon', '3d_axis1_epsilon', '3d_axis2_epsilon',
    '3d_axis_negative_1_epsilon', '3d_axis_negative_2_epsilon', '3d_axis_negative_3_epsilon', '4d_axis0', '4d_axis1', '4d_axis2', '4d_axis3',
    '4d_axis_negative_1', '4d_axis_negative_2', '4d_axis_negative_3', '4d_axis_negative_4', 'default_axis',
  ].map((t) => [`test_layer_normalization_${t}`, /its Mean or InvStdDev output is read; deepwire computes only the normalised tensor/])),
  test_slice_neg_steps: /steps \[-1,-3,-2\]: deepwire slices with step 1 only/,
  test_slice_start_out_of_bounds: /it leaves nothing of axis 1/,
};

/** Cases with other element types than float32: computed in float32, cast back to the declared type. */
export const NON_FLOAT32 = [
  'test_add_uint8', 'test_sub_uint8', 'test_mul_uint8', 'test_div_uint8', 'test_maxpool_2d_uint8', 'test_edge_pad', 'test_reflect_pad',
  'test_clip_default_int8_inbounds', 'test_clip_default_int8_max', 'test_clip_default_int8_min',
  ...['float16', 'float64', 'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64'].flatMap((t) => [`test_max_${t}`, `test_min_${t}`]),
];

/** Every case passes or is refused for its listed reason; the non-float32 cases pass. */
export function expectConformance(results: CaseResult[]): void {
  console.log(summarize(results));
  expect(results.filter((r) => r.status === 'fail').map((r) => `${r.name}: ${r.message}`)).toEqual([]);
  const refused = results.filter((r) => r.status === 'refused');
  expect(refused.map((r) => r.name).sort()).toEqual(Object.keys(REFUSED).sort());
  for (const r of refused) expect(r.message, r.name).toMatch(REFUSED[r.name]);
  const passed = new Set(results.filter((r) => r.status === 'pass').map((r) => r.name));
  expect(NON_FLOAT32.filter((n) => !passed.has(n))).toEqual([]);
}

