// A model's inputs and outputs as a user names and shapes them. A deepwire graph's are its Input and
// output nodes, in deepwire's layout (N×H×W×C, batch first). An imported ONNX model keeps ONNX's: its
// own input and output names and layouts (N×C×H×W images), converted at the edges as `deepwire run
// model.onnx` does (src/io/onnx-layout.ts), so that code written for ONNX Runtime feeds it unchanged.
import type { GraphReport } from '../graph/analyze.ts';
import type { OnnxImport, OnnxPort } from '../io/onnx-import.ts';
import { castFromFloat32, checkFloat32Exact, toOnnx, toOurs } from '../io/onnx-layout.ts';
import { OpError } from '../ops/op.ts';
import { formatShape, sizeOf, type Tensor } from '../tensor.ts';
import { nodeId } from './nodes.ts';

/** One input or output of a model. */
export interface PortInfo {
  /** What {@link CompiledModel.run} calls it: the node's name, or for an ONNX model the ONNX name. */
  name: string;
  /** The node id in the graph. */
  node: string;
  /** Shape of one sample (no batch axis), in `layout`. */
  shape: number[];
  /** `'nhwc'`: deepwire's layout (channels last); `'onnx'`: the ONNX model's own (e.g. N×C×H×W). */
  layout: 'nhwc' | 'onnx';
}

/** What run() accepts for an input: a tensor, or its values alone when the shape is one sample's (batch 1). */
export type Feed = Tensor | Float32Array;
/** Inputs by name (or node id); a model with one input also takes the tensor itself. */
export type Feeds = Record<string, Feed> | Feed;

const onnxSample = (p: OnnxPort) => (p.layout.kind === 'unbatched' ? [...p.dims] : p.dims.slice(1));

export function inputPorts(report: GraphReport, onnx?: OnnxImport): PortInfo[] {
  if (onnx) return onnx.inputs.map((p) => ({ name: p.name, node: p.node, shape: onnxSample(p), layout: 'onnx' }));
  return report.nodes.filter((r) => r.op === 'Input').map((r) => ({ name: r.name, node: r.id, shape: [...r.shape!], layout: 'nhwc' }));
}

export function outputPorts(report: GraphReport, onnx?: OnnxImport): PortInfo[] {
  if (onnx) {
    const ports = onnx.outputs.filter((p) => report.byId.has(p.node));
    // Feature extraction (LoadOptions.outputs) picks other nodes: their ONNX values, where they have one.
    if (ports.length === report.outputs.length) return ports.map((p) => ({ name: p.name, node: p.node, shape: onnxSample(p), layout: 'onnx' }));
    return report.outputs.map((id) => {
      const p = [...onnx.values.values()].find((v) => v.node === id);
      return p ? { name: p.name, node: id, shape: onnxSample(p), layout: 'onnx' as const } : nhwcPort(report, id);
    });
  }
  return report.outputs.map((id) => nhwcPort(report, id));
}

function nhwcPort(report: GraphReport, id: string): PortInfo {
  const r = report.byId.get(id)!;
  return { name: r.name, node: id, shape: [...r.shape!], layout: 'nhwc' };
}

const isTensor = (v: unknown): v is Tensor => !!v && typeof v === 'object' && Array.isArray((v as Tensor).shape) && (v as Tensor).data instanceof Float32Array;

/** The feeds as the engine takes them: by Input node id, deepwire's layout, batch first. */
export function engineFeeds(feeds: Feeds, inputs: PortInfo[], onnx?: OnnxImport): Record<string, Tensor> {
  let byName: Record<string, Feed>;
  if (isTensor(feeds) || feeds instanceof Float32Array) {
    if (inputs.length !== 1) throw new OpError(`the model has ${inputs.length} inputs (${inputs.map((p) => p.name).join(', ')}); one tensor cannot feed them`, 'give { name: tensor } for each');
    byName = { [inputs[0].name]: feeds };
  } else byName = feeds;
  const known = new Set(inputs.flatMap((p) => [p.name, p.node]));
  const stray = Object.keys(byName).find((k) => !known.has(k));
  if (stray !== undefined) throw new OpError(`'${stray}' is not an input of the model`, `its inputs: ${inputs.map((p) => p.name).join(', ')}`);
  const out: Record<string, Tensor> = {};
  for (const port of inputs) {
    const given = byName[port.name] ?? byName[port.node];
    if (given === undefined) throw new OpError(`input '${port.name}' (${formatShape(port.shape)}) has nothing to run on`, 'give a tensor for every input');
    const p = port.layout === 'onnx' ? onnx!.inputs.find((i) => i.node === port.node)! : undefined;
    // One sample's values: a batch of one (an ONNX input without a batch axis takes its shape as it is).
    const t: Tensor = given instanceof Float32Array ? { shape: p?.layout.kind === 'unbatched' ? [...port.shape] : [1, ...port.shape], data: given } : given;
    if (t.data.length !== sizeOf(t.shape)) throw new OpError(`the tensor for '${port.name}' has ${t.data.length} values, its shape ${formatShape(t.shape)} needs ${sizeOf(t.shape)}`);
    if (p) {
      const dims = t.shape.length === p.dims.length - 1 ? [1, ...t.shape] : t.shape;
      checkFloat32Exact(t.data, p.dtype, `input '${p.name}'`);
      out[port.node] = toOurs(dims, t.data, p.layout, `input '${p.name}'`);
    } else {
      if (formatShape(t.shape) !== formatShape([t.shape[0], ...port.shape]))
        throw new OpError(`input '${port.name}' takes N×${formatShape(port.shape)} (batch first), got ${formatShape(t.shape)}`, 'reshape or resize the tensor to the input\'s shape');
      out[port.node] = t;
    }
  }
  return out;
}

/** The ONNX value node `id` is returned as (its own layout and type), or null where deepwire's tensor is returned as it is. */
export function onnxPort(id: string, onnx?: OnnxImport, ref?: string) {
  const port = onnx && ((ref !== undefined ? onnx.values.get(ref) : undefined) ?? onnx.outputs.find((p) => p.node === id) ?? [...onnx.values.values()].find((p) => p.node === id));
  return port && port.node === id ? port : null;
}

/** A node's result as the user names it: an ONNX value in its layout and type, any other node as deepwire holds it. */
export function userTensor(t: Tensor, id: string, onnx?: OnnxImport, ref?: string): Tensor {
  const port = onnxPort(id, onnx, ref);
  if (!port) return t;
  const { dims, data } = toOnnx(t, port.layout);
  return { shape: dims, data: Float32Array.from(castFromFloat32(data, port.dtype, `output '${port.name}'`)) };
}

/** Output node ids to read: `refs` (names, ids, ONNX names) or the model's outputs, with the names results are keyed by. */
export function outputsToRead(report: GraphReport, outputs: PortInfo[], refs: string[] | undefined, onnx?: OnnxImport): { id: string; key: string }[] {
  if (!refs) return outputs.map((p) => ({ id: p.node, key: p.name }));
  return refs.map((ref) => ({ id: nodeId(report, ref, onnx), key: ref }));
}
