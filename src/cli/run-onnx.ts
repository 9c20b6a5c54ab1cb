// `deepwire run model.onnx`: the inputs are read in the model's own layout (N×C×H×W images) and bound to
// its inputs, the outputs written in it; an input that an op needs constant (Conv's W) is one.
import { analyzeGraph, type GraphReport } from '../graph/analyze.ts';
import { featureGraph } from '../models/features.ts';
import { nearest } from '../ops/attrs.ts';
import type { Tensor } from '../tensor.ts';
import { readNpy } from '../io/npy.ts';
import { nonTensorKind, notATensor, type OnnxImport, type OnnxPort } from '../io/onnx-import.ts';
import { castFromFloat32, checkFloat32Exact, toOnnx, toOurs } from '../io/onnx-layout.ts';
import { decodeModel, decodeTensorProto, readTensor, type TensorValue } from '../io/onnx-proto.ts';
import type { Flags } from './args.ts';
import type { Backend } from './backend.ts';
import { randomFeed } from './feeds.ts';
import { CliError, messageOf, readInput, usageError, type CliIo } from './io.ts';
import { loadValidGraph } from './load-graph.ts';
import { findNode, printTimings, writeTensorOutput } from './outputs.ts';

export async function runOnnx(file: string, flags: Flags, backend: Backend, io: CliIo): Promise<number> {
  if (flags.image) throw usageError('--image feeds deepwire graphs; an ONNX model takes --input X.npy or X.pb in its own layout', 'e.g. --input x.pb');
  const seed = flags.seed !== undefined ? Number(flags.seed) : 0;
  if (!Number.isInteger(seed) || seed < 0) throw usageError(`--seed must be a whole number ≥ 0, got '${flags.seed}'`, 'e.g. --seed 0');
  const model = decodeModel(await readInput(file, io, 'ONNX model'));
  const initialized = new Set(model.graph!.initializer.map((t) => t.name));
  const names = model.graph!.input.map((i) => i.name).filter((n) => !initialized.has(n));
  const bind: Record<string, TensorValue> = {};
  for (const [k, spec] of ((flags.input as string[] | undefined) ?? []).entries()) {
    const eq = spec.indexOf('=');
    const name = eq > 0 ? spec.slice(0, eq) : names[k];
    const path = eq > 0 ? spec.slice(eq + 1) : spec;
    if (name === undefined) throw usageError(`--input ${spec}: the model has only ${names.length} input(s): ${names.join(', ')}`, 'give one --input per model input');
    if (!names.includes(name)) throw usageError(`--input ${spec}: the model has no input '${name}'`, nearest(name, names) ?? `its inputs: ${names.join(', ')}`);
    const other = nonTensorKind(model.graph!.input.find((i) => i.name === name)!);
    if (other) throw new CliError(notATensor(name, other), 'run a model whose inputs are tensors');
    bind[name] = await readOnnxArray(path, io);
  }
  const loaded = await loadValidGraph(file, io, flags, bind);
  const onnx = loaded.onnx!;
  const feeds: Record<string, Tensor> = {};
  for (const port of onnx.inputs) {
    const given = bind[port.name];
    const node = loaded.report.byId.get(port.node)!;
    if (!given) feeds[port.node] = randomFeed(port.name, node.shape!, seed, io);
    else {
      // An array without the batch axis is one item.
      const dims = given.dims.length === port.dims.length - 1 ? [1, ...given.dims] : given.dims;
      checkFloat32Exact(given.data, port.dtype, `--input for '${port.name}'`);
      feeds[port.node] = toOurs(dims, given.data, port.layout, `--input for '${port.name}'`);
    }
  }
  const ports = ((flags.output as string[] | undefined) ?? onnx.outputs.map((o) => o.name)).map((ref) => onnxPort(onnx, loaded.report, ref));
  const outputs = ports.map((p) => p.node);
  const report = flags.output ? analyzeGraph(featureGraph(onnx.graph, loaded.report, outputs)) : loaded.report;
  const result = await backend(report, feeds, { seed, outputs, store: onnx.weights });
  const outDir = (flags.out as string | undefined) ?? 'out';
  for (const port of ports) {
    const { dims, data: computed } = toOnnx(result.tensors.get(port.node)!, port.layout);
    // Other element types than float32 are computed in float32 and cast back (integers truncate and wrap).
    const data = Float32Array.from(castFromFloat32(computed, port.dtype, `output '${port.name}'`));
    await writeTensorOutput(outDir, port.name, { shape: dims, data }, io);
  }
  if (result.timings) printTimings(report, result.timings, io);
  return 0;
}

/** An ONNX input file: .npy, or a serialized TensorProto (.pb, as ONNX's test data). */
async function readOnnxArray(path: string, io: CliIo): Promise<TensorValue> {
  const bytes = await readInput(path, io, 'input');
  try {
    if (/\.npy$/i.test(path)) {
      const t = readNpy(bytes);
      return { name: path, dtype: 'float32', dims: t.shape, data: t.data };
    }
    return readTensor(decodeTensorProto(bytes), path);
  } catch (e) {
    throw new CliError(`cannot read ${path}: ${messageOf(e)}`, 'give a .npy file or an ONNX TensorProto (.pb)');
  }
}

/** An --output for an ONNX model: an ONNX value name, else a node id or name. */
function onnxPort(onnx: OnnxImport, report: GraphReport, ref: string): OnnxPort {
  const port = onnx.values.get(ref);
  if (port) return port;
  const id = findNode(report, ref);
  const byNode = [...onnx.values.values()].find((p) => p.node === id);
  if (!byNode) throw new CliError(`--output '${ref}' is not a tensor of the model`, `e.g. one of its outputs: ${onnx.outputs.map((o) => o.name).join(', ')}`);
  return byNode;
}
