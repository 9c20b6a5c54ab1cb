// ONNX protobuf messages: decoding and encoding ModelProto and TensorProto with protobufjs and ONNX's
// own schema (src/io/onnx-schema.ts), and TensorProto ↔ float arrays. Every size a file states is
// checked against the bytes it holds before anything is allocated. Reference: onnx/onnx.proto.
import protobuf from 'protobufjs/light.js';
import { OpError } from '../ops/op.ts';
import { formatShape } from '../tensor.ts';
import { ONNX_SCHEMA } from './onnx-schema.ts';

/** A failure to read or map an ONNX file: what is wrong, and what to do about it. */
export class OnnxError extends OpError {
  constructor(message: string, hint?: string) {
    super(message, hint);
    this.name = 'OnnxError';
  }
}

/** An int64 as protobufjs decodes it: a number, or a Long where the `long` package is present. */
export type Int64 = number | { toNumber(): number; high: number; low: number };

export interface OnnxTensorProto {
  name?: string;
  dims?: Int64[];
  data_type?: number;
  float_data?: number[];
  int32_data?: number[];
  int64_data?: Int64[];
  double_data?: number[];
  uint64_data?: Int64[];
  raw_data?: Uint8Array;
  data_location?: number;
  external_data?: { key?: string; value?: string }[];
  segment?: unknown;
}

export interface OnnxAttribute {
  name: string;
  type?: number;
  f?: number;
  i?: Int64;
  s?: Uint8Array;
  t?: OnnxTensorProto;
  floats?: number[];
  ints?: Int64[];
  sparse_tensor?: unknown;
  ref_attr_name?: string;
}

export interface OnnxNode {
  name?: string;
  op_type: string;
  domain?: string;
  input: string[];
  output: string[];
  attribute: OnnxAttribute[];
}

export interface OnnxDimension {
  dim_value?: Int64;
  dim_param?: string;
}

export interface OnnxValueInfo {
  name: string;
  type?: { tensor_type?: { elem_type?: number; shape?: { dim: OnnxDimension[] } } };
}

export interface OnnxGraph {
  name?: string;
  node: OnnxNode[];
  initializer: OnnxTensorProto[];
  sparse_initializer?: unknown[];
  input: OnnxValueInfo[];
  output: OnnxValueInfo[];
  value_info?: OnnxValueInfo[];
}

export interface OnnxModel {
  ir_version?: Int64;
  opset_import: { domain?: string; version?: Int64 }[];
  producer_name?: string;
  producer_version?: string;
  graph?: OnnxGraph;
  functions?: unknown[];
}

// Built on first use, not on import: protobufjs generates its codecs with `new Function`, which the
// editor page's Content-Security-Policy forbids; ONNX files are decoded in the model worker and in Node.
let types: { ModelProto: protobuf.Type; TensorProto: protobuf.Type } | undefined;
function proto() {
  const root = types ? null : protobuf.Root.fromJSON(ONNX_SCHEMA);
  types ??= { ModelProto: root!.lookupType('onnx.ModelProto'), TensorProto: root!.lookupType('onnx.TensorProto') };
  return types;
}

/** TensorProto.DataType codes and their names, as ONNX spells them in messages. */
export const DTYPES: Record<number, { name: string; bytes: number }> = {
  1: { name: 'float32', bytes: 4 }, 2: { name: 'uint8', bytes: 1 }, 3: { name: 'int8', bytes: 1 },
  4: { name: 'uint16', bytes: 2 }, 5: { name: 'int16', bytes: 2 }, 6: { name: 'int32', bytes: 4 },
  7: { name: 'int64', bytes: 8 }, 8: { name: 'string', bytes: 0 }, 9: { name: 'bool', bytes: 1 },
  10: { name: 'float16', bytes: 2 }, 11: { name: 'float64', bytes: 8 }, 12: { name: 'uint32', bytes: 4 },
  13: { name: 'uint64', bytes: 8 }, 14: { name: 'complex64', bytes: 8 }, 15: { name: 'complex128', bytes: 16 },
  16: { name: 'bfloat16', bytes: 2 },
};
export const FLOAT = 1;
export const INT64 = 7;

export const dtypeName = (code: number | undefined) => DTYPES[code ?? 0]?.name ?? `unknown type ${code ?? 0}`;

/**
 * An int64 as a JS number. Values beyond ±2^53 (exporters write INT64_MAX as "to the end") are
 * clamped there; every caller checks the ranges it needs.
 */
export function int(v: Int64 | undefined): number {
  const n = v === undefined ? 0 : typeof v === 'number' ? v : v.toNumber();
  return Math.max(-Number.MAX_SAFE_INTEGER, Math.min(Number.MAX_SAFE_INTEGER, n));
}

/** Decodes an .onnx file; a truncated or corrupt file gives an OnnxError, never a half-read model. */
export function decodeModel(bytes: Uint8Array): OnnxModel {
  let model: OnnxModel;
  try {
    model = proto().ModelProto.decode(bytes) as unknown as OnnxModel;
  } catch (e) {
    throw new OnnxError(`not a valid ONNX file: ${protobufReason(e)}`, 'the file is truncated or not an ONNX model: export it again (torch.onnx.export, or onnx.save)');
  }
  if (!model.graph || !model.graph.node)
    throw new OnnxError('not an ONNX model: the file holds no graph', 'open a .onnx file saved by torch.onnx.export, tf2onnx or onnx.save');
  return model;
}

export function encodeModel(model: OnnxModel): Uint8Array {
  const { ModelProto } = proto();
  return ModelProto.encode(ModelProto.fromObject(model as unknown as Record<string, unknown>)).finish();
}

/** Decodes a serialized TensorProto (the `.pb` files of ONNX's test data). */
export function decodeTensorProto(bytes: Uint8Array): OnnxTensorProto {
  try {
    return proto().TensorProto.decode(bytes) as unknown as OnnxTensorProto;
  } catch (e) {
    throw new OnnxError(`not a valid ONNX TensorProto: ${protobufReason(e)}`, 'save it with onnx.numpy_helper.from_array(x).SerializeToString()');
  }
}

export function encodeTensorProto(t: OnnxTensorProto): Uint8Array {
  const { TensorProto } = proto();
  return TensorProto.encode(TensorProto.fromObject(t as unknown as Record<string, unknown>)).finish();
}

function protobufReason(e: unknown): string {
  const message = (e as Error)?.message ?? String(e);
  return /index out of range/.test(message) ? `it ends in the middle of a field (${message}): truncated?` : message;
}

/** A decoded tensor: float32 data stays float32, every other numeric type arrives as float64 (exact for ints up to 2^53). */
export interface TensorValue {
  name: string;
  dtype: string;
  dims: number[];
  data: Float32Array | Float64Array;
}

/** Largest tensor deepwire reads, in elements; more than any model's tensor and within a typed array's reach. */
const MAX_TENSOR_ELEMENTS = 2 ** 31 - 1;

/** Reads a TensorProto's values; checks its stated shape against the data it really holds. */
export function readTensor(t: OnnxTensorProto, what = `tensor '${t.name ?? ''}'`): TensorValue {
  const code = t.data_type ?? 0;
  const dtype = DTYPES[code];
  if (!dtype || ['string', 'complex64', 'complex128'].includes(dtype.name))
    throw new OnnxError(`${what} has type ${dtypeName(code)}, which deepwire cannot compute with`, 'deepwire works in float32');
  if (t.data_location === 1 || (t.external_data?.length ?? 0) > 0)
    throw new OnnxError(`${what} keeps its data in an external file, which deepwire does not read`,
      'save the model with its weights inside: onnx.save(model, path, save_as_external_data=False)');
  if (t.segment) throw new OnnxError(`${what} is a segment of a larger tensor, which deepwire does not read`);
  const dims = (t.dims ?? []).map((d, i) => int(d));
  let count = 1;
  for (const d of dims) {
    if (d < 0) throw new OnnxError(`${what} has a negative dimension (${formatShape(dims)})`, 'the file is corrupt: export it again');
    count *= d;
  }
  if (count > MAX_TENSOR_ELEMENTS) throw new OnnxError(`${what} claims ${formatShape(dims)} elements, more than deepwire handles`);
  const shape = dims.length ? formatShape(dims) : 'a scalar';
  const lie = (held: string) => new OnnxError(`${what} claims ${shape} (${count} values) but holds ${held}`, 'the file is truncated or corrupt: export it again');
  const raw = t.raw_data;
  if (raw && raw.length > 0) {
    if (raw.length !== count * dtype.bytes) throw lie(`${raw.length} bytes of ${dtype.name} data (${count * dtype.bytes} expected)`);
    return { name: t.name ?? '', dtype: dtype.name, dims, data: fromRaw(raw, dtype.name, count) };
  }
  const field = ({ 1: t.float_data, 11: t.double_data, 7: t.int64_data, 13: t.uint64_data, 12: t.uint64_data } as Record<number, unknown[] | undefined>)[code] ?? t.int32_data ?? [];
  if (field.length !== count) throw lie(`${field.length} values`);
  if (dtype.name === 'float32') return { name: t.name ?? '', dtype: dtype.name, dims, data: Float32Array.from(field as number[]) };
  const data = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const v = field[i] as Int64;
    data[i] = dtype.name === 'float16' ? halfToFloat(v as number) : dtype.name === 'bfloat16' ? bfloatToFloat(v as number) : typeof v === 'number' ? v : int(v);
  }
  return { name: t.name ?? '', dtype: dtype.name, dims, data };
}

/** raw_data is little-endian, whatever the machine (onnx.proto). */
function fromRaw(raw: Uint8Array, dtype: string, count: number): Float32Array | Float64Array {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  if (dtype === 'float32') {
    const out = new Float32Array(count);
    for (let i = 0; i < count; i++) out[i] = view.getFloat32(4 * i, true);
    return out;
  }
  const read: Record<string, (i: number) => number> = {
    float64: (i) => view.getFloat64(8 * i, true),
    float16: (i) => halfToFloat(view.getUint16(2 * i, true)),
    bfloat16: (i) => bfloatToFloat(view.getUint16(2 * i, true)),
    int8: (i) => view.getInt8(i), uint8: (i) => view.getUint8(i), bool: (i) => (view.getUint8(i) ? 1 : 0),
    int16: (i) => view.getInt16(2 * i, true), uint16: (i) => view.getUint16(2 * i, true),
    int32: (i) => view.getInt32(4 * i, true), uint32: (i) => view.getUint32(4 * i, true),
    int64: (i) => int(Number(view.getBigInt64(8 * i, true))), uint64: (i) => int(Number(view.getBigUint64(8 * i, true))),
  };
  const f = read[dtype];
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) out[i] = f(i);
  return out;
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1, exp = (h >> 10) & 0x1f, frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

function bfloatToFloat(b: number): number {
  return new Float32Array(new Uint32Array([b << 16]).buffer)[0];
}

/** A float32 TensorProto with raw little-endian data (what exporters write). */
export function floatTensor(name: string, dims: readonly number[], data: ArrayLike<number>): OnnxTensorProto {
  const raw = new Uint8Array(data.length * 4);
  const view = new DataView(raw.buffer);
  for (let i = 0; i < data.length; i++) view.setFloat32(4 * i, data[i], true);
  return { name, dims: [...dims], data_type: FLOAT, raw_data: raw };
}

export function int64Tensor(name: string, dims: readonly number[], data: readonly number[]): OnnxTensorProto {
  return { name, dims: [...dims], data_type: INT64, int64_data: [...data] };
}
