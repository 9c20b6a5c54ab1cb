// Builds small ONNX models in tests: nodes, typed attributes, float inputs and initializers, encoded
// with ONNX's schema (src/io/onnx-proto.ts) exactly as an exporter would write them.
import { encodeModel, floatTensor, int64Tensor, type OnnxAttribute, type OnnxNode, type OnnxTensorProto, type OnnxValueInfo } from '../io/onnx-proto.ts';

/** Attribute values: numbers are ints unless wrapped with `float()`; strings are STRING attributes. */
export type AttrValue = number | number[] | string | { float: number } | { floats: number[] } | { tensor: OnnxTensorProto };

export const float = (v: number) => ({ float: v });
export const floats = (v: number[]) => ({ floats: v });

function attribute(name: string, v: AttrValue): OnnxAttribute {
  if (typeof v === 'number') return { name, type: 2, i: v };
  if (Array.isArray(v)) return { name, type: 7, ints: v };
  if (typeof v === 'string') return { name, type: 3, s: new TextEncoder().encode(v) };
  if ('float' in v) return { name, type: 1, f: v.float };
  if ('floats' in v) return { name, type: 6, floats: v.floats };
  return { name, type: 4, t: v.tensor };
}

export function node(op: string, inputs: string[], outputs: string[], attrs: Record<string, AttrValue> = {}, name = ''): OnnxNode {
  return { op_type: op, name, input: inputs, output: outputs, attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)) };
}

/** A float32 tensor value-info; a string dimension is symbolic; no dims: shape not declared. */
export function valueInfo(name: string, dims?: (number | string)[], elemType = 1): OnnxValueInfo {
  const shape = dims && { dim: dims.map((d) => (typeof d === 'string' ? { dim_param: d } : { dim_value: d })) };
  return { name, type: { tensor_type: { elem_type: elemType, ...(shape ? { shape } : {}) } } };
}

export const weight = (name: string, dims: number[], data: ArrayLike<number>) => floatTensor(name, dims, data);
export const ints = (name: string, data: number[]) => int64Tensor(name, [data.length], data);

/** Deterministic values in [−1, 1) for weights and inputs. */
export function pseudoRandom(count: number, seed = 1): Float32Array {
  const out = new Float32Array(count);
  let s = seed >>> 0;
  for (let i = 0; i < count; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

export interface ModelSpec {
  nodes: OnnxNode[];
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  initializers?: OnnxTensorProto[];
  opset?: number;
}

export function buildModel({ nodes, inputs, outputs, initializers = [], opset = 13 }: ModelSpec): Uint8Array {
  return encodeModel({
    ir_version: 7, producer_name: 'deepwire-test', opset_import: [{ domain: '', version: opset }],
    graph: { name: 'test', node: nodes, input: inputs, output: outputs, initializer: initializers },
  });
}
