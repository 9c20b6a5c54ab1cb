// The IDX format of MNIST and Fashion-MNIST (yann.lecun.com/exdb/mnist): two zero bytes, a type byte,
// the number of dimensions, each dimension as a big-endian u32, then the values, big-endian, row-major.
// Pure over a Uint8Array (no Node modules), so the browser can parse the same files; the gzip layer
// the files are usually shipped in is undone by the caller (node:zlib in Node, DecompressionStream in a page).
import { OpError } from '../ops/op.ts';
import { formatShape } from '../tensor.ts';

export type IdxType = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';
export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

export interface IdxArray {
  type: IdxType;
  shape: number[];
  /** Row-major values. For uint8 a view into the bytes parsed (no copy). */
  data: IdxData;
}

const TYPES: Record<number, { type: IdxType; size: number }> = {
  0x08: { type: 'uint8', size: 1 },
  0x09: { type: 'int8', size: 1 },
  0x0b: { type: 'int16', size: 2 },
  0x0c: { type: 'int32', size: 4 },
  0x0d: { type: 'float32', size: 4 },
  0x0e: { type: 'float64', size: 8 },
};

/** gzip's magic bytes 1f 8b: the .gz files of the MNIST family. */
export const isGzip = (b: Uint8Array): boolean => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;

/** Parses an IDX file (not gzipped); `name` goes into the error messages. Throws an OpError saying what is wrong. */
export function parseIdx(bytes: Uint8Array, name = 'the file'): IdxArray {
  const invalid = (why: string) => new OpError(`${name} is not a valid IDX file: ${why}`, 'use the MNIST/Fashion-MNIST IDX files (train-images-idx3-ubyte and so on), gunzipped or .gz');
  if (isGzip(bytes)) throw invalid('it is gzipped; gunzip it first');
  if (bytes.length < 4) throw invalid(`it is ${bytes.length} bytes long, shorter than the 4-byte magic number`);
  if (bytes[0] !== 0 || bytes[1] !== 0) throw invalid(`it starts with the bytes ${hex(bytes.subarray(0, 4))}, not 00 00 (the IDX magic number)`);
  const kind = TYPES[bytes[2]];
  if (!kind) throw invalid(`unknown element type 0x${bytes[2].toString(16).padStart(2, '0')} (IDX has 08, 09, 0b, 0c, 0d, 0e)`);
  const rank = bytes[3];
  const dataOffset = 4 + 4 * rank;
  if (bytes.length < dataOffset) throw invalid(`it is ${bytes.length} bytes long, shorter than the header of ${rank} dimensions (${dataOffset} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i, false));
  const count = shape.reduce((a, b) => a * b, 1);
  const needed = count * kind.size, available = bytes.length - dataOffset;
  if (needed !== available)
    throw invalid(`shape ${formatShape(shape)} of ${kind.type} needs ${needed} data bytes, the file has ${available} (${needed > available ? 'truncated file?' : 'extra bytes after the data'})`);
  return { type: kind.type, shape, data: readValues(bytes, view, dataOffset, count, kind.type) };
}

function readValues(bytes: Uint8Array, view: DataView, at: number, count: number, type: IdxType): IdxData {
  switch (type) {
    case 'uint8': return bytes.subarray(at, at + count);
    case 'int8': return new Int8Array(bytes.buffer, bytes.byteOffset + at, count).slice();
    case 'int16': return Int16Array.from({ length: count }, (_, i) => view.getInt16(at + 2 * i, false));
    case 'int32': return Int32Array.from({ length: count }, (_, i) => view.getInt32(at + 4 * i, false));
    case 'float32': return Float32Array.from({ length: count }, (_, i) => view.getFloat32(at + 4 * i, false));
    case 'float64': return Float64Array.from({ length: count }, (_, i) => view.getFloat64(at + 8 * i, false));
  }
}

const hex = (b: Uint8Array) => [...b].map((v) => v.toString(16).padStart(2, '0')).join(' ');

/** Writes an IDX file (big-endian, as the format wants): for tests and for exporting a set. */
export function writeIdx(array: IdxArray): Uint8Array {
  const code = Number(Object.keys(TYPES).find((k) => TYPES[Number(k)].type === array.type));
  const size = TYPES[code].size;
  const count = array.shape.reduce((a, b) => a * b, 1);
  if (array.data.length !== count) throw new Error(`writeIdx: ${array.data.length} values for shape ${formatShape(array.shape)}`);
  const out = new Uint8Array(4 + 4 * array.shape.length + count * size);
  const view = new DataView(out.buffer);
  out.set([0, 0, code, array.shape.length]);
  array.shape.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  const at = 4 + 4 * array.shape.length;
  for (let i = 0; i < count; i++) {
    const v = array.data[i], o = at + i * size;
    switch (array.type) {
      case 'uint8': view.setUint8(o, v); break;
      case 'int8': view.setInt8(o, v); break;
      case 'int16': view.setInt16(o, v, false); break;
      case 'int32': view.setInt32(o, v, false); break;
      case 'float32': view.setFloat32(o, v, false); break;
      case 'float64': view.setFloat64(o, v, false); break;
    }
  }
  return out;
}
