// NumPy .npy read (format 1.0/2.0/3.0; float, int, uint and bool dtypes → float32) and write (<f4, C order).
// Layout: "\x93NUMPY", major, minor, header length (u16 LE in 1.0, u32 LE after), a Python dict literal
// padded to 64 bytes, then the raw data. Reference: numpy/lib/_format_impl.py.
import { formatShape, tensor, type Tensor } from '../tensor.ts';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const ALIGN = 64;
/** NumPy leaves room for the first axis to grow to 21 digits when it writes a header. */
const GROWTH_AXIS_MAX_DIGITS = 21;
/** NumPy's own limit on the header it will read (np.load's max_header_size). */
const MAX_HEADER = 10000;

const invalid = (what: string) => new Error(`not a valid .npy file: ${what}`);

type Dtype = { size: number; read: (view: DataView, offset: number) => number };
const DTYPES: Record<string, Dtype> = {
  f2: { size: 2, read: (v, o) => halfToFloat(v.getUint16(o, true)) },
  f4: { size: 4, read: (v, o) => v.getFloat32(o, true) },
  f8: { size: 8, read: (v, o) => v.getFloat64(o, true) },
  i1: { size: 1, read: (v, o) => v.getInt8(o) },
  i2: { size: 2, read: (v, o) => v.getInt16(o, true) },
  i4: { size: 4, read: (v, o) => v.getInt32(o, true) },
  i8: { size: 8, read: (v, o) => Number(v.getBigInt64(o, true)) },
  u1: { size: 1, read: (v, o) => v.getUint8(o) },
  u2: { size: 2, read: (v, o) => v.getUint16(o, true) },
  u4: { size: 4, read: (v, o) => v.getUint32(o, true) },
  u8: { size: 8, read: (v, o) => Number(v.getBigUint64(o, true)) },
  b1: { size: 1, read: (v, o) => (v.getUint8(o) ? 1 : 0) },
};

/** Reads a .npy file into a float32 tensor; throws an Error saying what is wrong with the file. */
export function readNpy(bytes: Uint8Array): Tensor {
  if (bytes.length < 10) throw invalid(`it is ${bytes.length} bytes long, shorter than the 10-byte preamble`);
  if (!MAGIC.every((b, i) => bytes[i] === b)) {
    const zip = bytes[0] === 0x50 && bytes[1] === 0x4b;
    throw invalid(zip ? 'it is a zip archive (.npz?): extract one array and save it with np.save' : 'it does not start with \\x93NUMPY');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6], minor = bytes[7];
  if (![1, 2, 3].includes(major) || minor !== 0) throw invalid(`unknown format version ${major}.${minor} (deepwire reads 1.0, 2.0 and 3.0)`);
  const preamble = major === 1 ? 10 : 12;
  if (bytes.length < preamble) throw invalid(`it is ${bytes.length} bytes long, shorter than the ${preamble}-byte preamble of version ${major}.0`);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataOffset = preamble + headerLength;
  if (dataOffset > bytes.length)
    throw invalid(`the header claims ${headerLength} bytes but only ${bytes.length - preamble} follow the preamble (truncated file?)`);
  if (headerLength > MAX_HEADER)
    throw invalid(`the header claims ${headerLength} bytes; NumPy headers are a few hundred (it reads at most ${MAX_HEADER})`);
  const headerBytes = bytes.subarray(preamble, dataOffset);
  let header: string;
  if (major === 3) {
    try {
      header = new TextDecoder('utf-8', { fatal: true }).decode(headerBytes);
    } catch {
      throw invalid('the header of a version 3.0 file is not UTF-8');
    }
  } else {
    header = ''; // latin-1, as NumPy writes 1.0 and 2.0
    for (const b of headerBytes) header += String.fromCharCode(b);
  }

  const { descr, fortranOrder, shape } = parseHeader(header);
  const dtype = parseDescr(descr);
  if (fortranOrder && shape.filter((d) => d > 1).length > 1)
    throw new Error(`this .npy file (${formatShape(shape)}) is in Fortran order, which deepwire does not read: save it with np.save(path, np.ascontiguousarray(a))`);

  const available = bytes.length - dataOffset;
  // The element count is checked against the bytes present before anything is allocated.
  let count = 1;
  for (const d of shape) count *= d;
  const needed = count * dtype.size;
  if (needed !== available) {
    const why = needed > available ? 'truncated file?' : 'extra bytes after the data';
    throw invalid(`shape ${formatShape(shape)} of '${descr}' needs ${needed} data bytes, the file has ${available} (${why})`);
  }
  const t = tensor(shape);
  for (let i = 0; i < count; i++) t.data[i] = dtype.read(view, dataOffset + i * dtype.size);
  return t;
}

/** Writes a tensor as NumPy writes a float32 C-order array: version 1.0 (2.0 for huge headers). */
export function writeNpy(t: Tensor): Uint8Array {
  const shapeRepr = t.shape.length === 1 ? `(${t.shape[0]},)` : `(${t.shape.join(', ')})`;
  let dict = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shapeRepr}, }`;
  if (t.shape.length > 0) dict += ' '.repeat(Math.max(0, GROWTH_AXIS_MAX_DIGITS - String(t.shape[0]).length));
  const bodyLength = dict.length + 1; // + '\n'
  let preamble = 10;
  let pad = ALIGN - ((preamble + bodyLength) % ALIGN);
  if (bodyLength + pad > 0xffff) {
    preamble = 12;
    pad = ALIGN - ((preamble + bodyLength) % ALIGN);
  }
  const headerLength = bodyLength + pad;
  const out = new Uint8Array(preamble + headerLength + t.data.length * 4);
  const view = new DataView(out.buffer);
  out.set(MAGIC);
  out[6] = preamble === 10 ? 1 : 2;
  out[7] = 0;
  if (preamble === 10) view.setUint16(8, headerLength, true);
  else view.setUint32(8, headerLength, true);
  for (let i = 0; i < dict.length; i++) out[preamble + i] = dict.charCodeAt(i);
  out.fill(0x20, preamble + dict.length, preamble + headerLength - 1);
  out[preamble + headerLength - 1] = 0x0a;
  const dataOffset = preamble + headerLength;
  for (let i = 0; i < t.data.length; i++) view.setFloat32(dataOffset + i * 4, t.data[i], true);
  return out;
}

function parseDescr(descr: unknown): Dtype {
  if (typeof descr !== 'string')
    throw new Error("this .npy file holds a structured array, which deepwire does not read: save one plain numeric field, e.g. np.save(path, a['x'])");
  const m = /^([<>|=]?)([a-z])(\d+)$/.exec(descr);
  const dtype = m ? DTYPES[m[2] + m[3]] : undefined;
  if (!m || !dtype)
    throw new Error(`this .npy file holds dtype '${descr}', which deepwire does not read: convert it with a.astype(np.float32)`);
  if (m[1] === '>' && dtype.size > 1)
    throw new Error(`this .npy file is big-endian ('${descr}'), which deepwire does not read: convert it with a.astype('<${m[2]}${m[3]}')`);
  return dtype;
}

/** The header dict: exactly the keys descr, fortran_order and shape, as NumPy demands. */
function parseHeader(text: string): { descr: unknown; fortranOrder: boolean; shape: number[] } {
  const value = new PythonLiteral(text).parseWhole();
  if (!value || typeof value !== 'object' || Array.isArray(value) || value instanceof Tuple)
    throw invalid('the header is not a Python dict');
  const dict = value as Record<string, unknown>;
  const keys = Object.keys(dict).sort().join(', ');
  if (keys !== 'descr, fortran_order, shape') throw invalid(`the header has the keys ${keys || '(none)'}; expected descr, fortran_order, shape`);
  if (typeof dict.fortran_order !== 'boolean') throw invalid(`fortran_order is ${JSON.stringify(dict.fortran_order)}, not True or False`);
  const shape = dict.shape;
  if (!(shape instanceof Tuple) || !shape.items.every((d) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0))
    throw invalid(`the shape is not a tuple of non-negative whole numbers: ${text.trim()}`);
  return { descr: dict.descr, fortranOrder: dict.fortran_order, shape: shape.items as number[] };
}

class Tuple {
  constructor(readonly items: unknown[]) {}
}

/** The Python literals a .npy header uses: dicts, tuples, lists, strings, ints, True/False/None. */
class PythonLiteral {
  private pos = 0;
  constructor(private readonly text: string) {}

  parseWhole(): unknown {
    const value = this.value();
    this.skipSpace();
    if (this.pos !== this.text.length) this.fail('unexpected text after the dict');
    return value;
  }

  private fail(what: string): never {
    throw invalid(`cannot read the header at character ${this.pos} (${what}): ${JSON.stringify(this.text.slice(0, 80))}`);
  }

  private skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos])) this.pos++;
  }

  private value(): unknown {
    this.skipSpace();
    const c = this.text[this.pos];
    if (c === '{') return this.dict();
    if (c === '(') return new Tuple(this.sequence(')'));
    if (c === '[') return this.sequence(']');
    if (c === "'" || c === '"') return this.string();
    const word = /^(True|False|None|-?\d+)/.exec(this.text.slice(this.pos, this.pos + 40));
    if (!word) this.fail(c === undefined ? 'it ends early' : `unexpected '${c}'`);
    this.pos += word[0].length;
    if (word[0] === 'True') return true;
    if (word[0] === 'False') return false;
    if (word[0] === 'None') return null;
    return Number(word[0]);
  }

  private string(): string {
    const quote = this.text[this.pos++];
    const end = this.text.indexOf(quote, this.pos);
    if (end < 0) this.fail('a string is not closed');
    const s = this.text.slice(this.pos, end);
    this.pos = end + 1;
    return s;
  }

  private sequence(close: string): unknown[] {
    this.pos++;
    const items: unknown[] = [];
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] === close) return this.pos++, items;
      items.push(this.value());
      this.skipSpace();
      if (this.text[this.pos] === ',') this.pos++;
      else if (this.text[this.pos] !== close) this.fail(`expected ',' or '${close}'`);
    }
  }

  private dict(): Record<string, unknown> {
    this.pos++;
    const out: Record<string, unknown> = Object.create(null);
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] === '}') return this.pos++, out;
      const key = this.value();
      if (typeof key !== 'string') this.fail('dict keys must be strings');
      this.skipSpace();
      if (this.text[this.pos++] !== ':') this.fail("expected ':'");
      out[key] = this.value();
      this.skipSpace();
      if (this.text[this.pos] === ',') this.pos++;
      else if (this.text[this.pos] !== '}') this.fail("expected ',' or '}'");
    }
  }
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1, exponent = (h >> 10) & 0x1f, fraction = h & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}
