// ONNX's backend node tests (Debian's libonnx-testdata): finding the cases for the ops deepwire
// imports, running one through an importer + backend, and classifying it as pass, fail or refused.
// Layout of a case: test_x/model.onnx, test_x/test_data_set_0/{input,output}_K.pb (TensorProto).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeGraph, type GraphReport } from '../graph/analyze.ts';
import { OpError } from '../ops/op.ts';
import type { WeightStore } from '../runtime/reference.ts';
import type { Tensor } from '../tensor.ts';
import { CONVERTERS } from '../io/onnx-import-ops.ts';
import { importOnnx } from '../io/onnx-import.ts';
import { toOnnx, toOurs } from '../io/onnx-layout.ts';
import { decodeModel, decodeTensorProto, readTensor, type TensorValue } from '../io/onnx-proto.ts';
import { mismatches, TOLERANCE, type Tolerance } from './expect-close.ts';

export const ONNX_NODE_TESTS = '/usr/include/onnx/backend/test/data/node';

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
  const exact = new Set(['Concat', 'Flatten', 'Reshape', 'Identity', 'Dropout', 'MaxPool', 'GlobalMaxPool', 'Max', 'Min', 'Relu']);
  const heavy = new Set(['Conv', 'Gemm', 'MatMul', 'AveragePool', 'GlobalAveragePool', 'BatchNormalization', 'Softmax']);
  if (ops.every((o) => exact.has(o))) return TOLERANCE.exact;
  return ops.some((o) => heavy.has(o)) ? TOLERANCE.conv : TOLERANCE.elementwise;
}

function readSet(dir: string, prefix: 'input' | 'output'): TensorValue[] {
  const set = join(dir, 'test_data_set_0');
  const files = readdirSync(set).filter((f) => f.startsWith(`${prefix}_`)).sort((a, b) => parseInt(a.slice(prefix.length + 1)) - parseInt(b.slice(prefix.length + 1)));
  return files.map((f) => readTensor(decodeTensorProto(readFileSync(join(set, f))), `${f}`));
}

/** Imports, runs and compares one case; never throws. */
export async function runOnnxCase(c: OnnxCase, backend: CaseBackend): Promise<CaseResult> {
  const bytes = readFileSync(join(c.dir, 'model.onnx'));
  const model = decodeModel(bytes);
  const graphInputs = model.graph!.input.map((i) => i.name).filter((n) => !model.graph!.initializer.some((t) => t.name === n));
  let inputs: TensorValue[], expected: TensorValue[];
  try {
    inputs = readSet(c.dir, 'input');
    expected = readSet(c.dir, 'output');
  } catch (e) {
    return { name: c.name, status: 'refused', message: (e as Error).message };
  }
  const bind = Object.fromEntries(graphInputs.map((n, i) => [n, inputs[i]]).filter(([, t]) => t));
  let imported;
  try {
    imported = importOnnx(bytes, { bind });
  } catch (e) {
    if (e instanceof OpError) return { name: c.name, status: 'refused', message: e.message };
    return { name: c.name, status: 'fail', message: `import crashed: ${(e as Error).stack}` };
  }
  const report = analyzeGraph(imported.graph);
  if (!report.ok) return { name: c.name, status: 'fail', message: `imported graph is invalid: ${report.problems.map((p) => p.message).join('; ')}` };
  const feeds: Record<string, Tensor> = {};
  for (const port of imported.inputs) {
    const t = bind[port.name];
    if (!t) return { name: c.name, status: 'fail', message: `no test data for input '${port.name}'` };
    feeds[port.node] = toOurs(t.dims, t.data, port.layout, `input '${port.name}'`);
  }
  let tensors: Map<string, Tensor>;
  try {
    tensors = await backend(report, imported.weights, feeds, imported.outputs.map((o) => o.node));
  } catch (e) {
    if (e instanceof OpError || (e as Error)?.name === 'EngineError') return { name: c.name, status: 'refused', message: `backend: ${(e as Error).message}` };
    return { name: c.name, status: 'fail', message: `run crashed: ${(e as Error)?.stack ?? e}` };
  }
  const tol = toleranceFor(c.ops);
  for (const [k, port] of imported.outputs.entries()) {
    const want = expected[k];
    if (!want) return { name: c.name, status: 'fail', message: `no expected data for output '${port.name}'` };
    const got = toOnnx(tensors.get(port.node)!, port.layout);
    if (got.dims.join() !== want.dims.join())
      return { name: c.name, status: 'fail', message: `output '${port.name}' has shape ${got.dims.join('×')}, expected ${want.dims.join('×')}` };
    const bad = mismatches(got.data, want.data, tol);
    if (bad.length) return { name: c.name, status: 'fail', message: `output '${port.name}': ${bad.join('; ')}` };
  }
  return { name: c.name, status: 'pass' };
}

/** `pass 150, fail 0, refused 35` and one line per refusal. */
export function summarize(results: CaseResult[]): string {
  const count = (s: CaseStatus) => results.filter((r) => r.status === s).length;
  const lines = [`${results.length} cases: pass ${count('pass')}, fail ${count('fail')}, refused ${count('refused')}`];
  for (const r of results) if (r.status !== 'pass') lines.push(`  ${r.status.padEnd(7)} ${r.name}: ${r.message}`);
  return lines.join('\n');
}
