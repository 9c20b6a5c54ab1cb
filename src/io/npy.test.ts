import { describe, expect, it } from 'vitest';
import { tensor } from '../tensor.ts';
import { readNpy, writeNpy } from './npy.ts';

const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const MAGIC = '\x93NUMPY';

/** A .npy file from its parts, as np.save lays it out: preamble, header padded to 64 with '\n', data. */
function npy(header: string, data: Uint8Array = new Uint8Array(), version = 1, pad = true): Uint8Array {
  const preamble = version === 1 ? 10 : 12;
  let body = header;
  if (pad) body += ' '.repeat(63 - ((preamble + header.length) % 64)) + '\n';
  const head = version === 3 ? new TextEncoder().encode(body) : ascii(body);
  const out = new Uint8Array(preamble + head.length + data.length);
  out.set(ascii(MAGIC));
  out[6] = version;
  const view = new DataView(out.buffer);
  if (version === 1) view.setUint16(8, head.length, true);
  else view.setUint32(8, head.length, true);
  out.set(head, preamble);
  out.set(data, preamble + head.length);
  return out;
}
const dict = (descr: string, shape: string, fortran = 'False') => `{'descr': '${descr}', 'fortran_order': ${fortran}, 'shape': ${shape}, }`;
function bytesOf(size: number, values: number[], write: (v: DataView, offset: number, x: number) => void): Uint8Array {
  const out = new Uint8Array(size * values.length);
  values.forEach((x, i) => write(new DataView(out.buffer), i * size, x));
  return out;
}

describe('writeNpy', () => {
  it('writes np.zeros((2, 3), np.float32) byte for byte as NumPy does', () => {
    const header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
    // 10-byte preamble + header + spaces + '\n' = 128 (a multiple of 64), then 6 float32 zeros.
    const want = new Uint8Array(152);
    want.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 0x01, 0x00, 118, 0x00]);
    want.set(ascii(header.padEnd(117, ' ') + '\n'), 10);
    expect(writeNpy(tensor([2, 3]))).toEqual(want);
  });

  it.each([
    [[5], '(5,)'],
    [[], '()'],
    [[2, 3, 4, 1], '(2, 3, 4, 1)'],
  ])('writes shape %j as %s, header aligned to 64', (shape, repr) => {
    const bytes = writeNpy(tensor(shape));
    const headerLength = bytes[8] + 256 * bytes[9];
    const header = String.fromCharCode(...bytes.subarray(10, 10 + headerLength));
    expect(header.trimEnd()).toBe(`{'descr': '<f4', 'fortran_order': False, 'shape': ${repr}, }`);
    expect(header.endsWith('\n')).toBe(true);
    expect((10 + headerLength) % 64).toBe(0);
  });

  it('round-trips values bit for bit, rank 0 to 4 and empty', () => {
    for (const shape of [[], [5], [2, 3], [1, 4, 5, 3], [0, 3]]) {
      const n = shape.reduce((p, d) => p * d, 1);
      const t = tensor(shape, Array.from({ length: n }, (_, i) => Math.sin(i + 1) * 1e3));
      t.data[0] = n ? -0 : 0;
      const back = readNpy(writeNpy(t));
      expect(back.shape).toEqual(shape);
      expect(back.data).toEqual(t.data);
    }
    const special = tensor([4], [NaN, Infinity, -Infinity, 1e-45]);
    expect([...readNpy(writeNpy(special)).data]).toEqual([NaN, Infinity, -Infinity, Math.fround(1e-45)]);
  });
});

describe('readNpy', () => {
  it.each([
    ['<f4', 4, [1.5, -2], (v: DataView, o: number, x: number) => v.setFloat32(o, x, true), [1.5, -2]],
    ['<f8', 8, [0.1, 1e300], (v: DataView, o: number, x: number) => v.setFloat64(o, x, true), [Math.fround(0.1), Infinity]],
    ['<f2', 2, [0x3e00, 0xfbff], (v: DataView, o: number, x: number) => v.setUint16(o, x, true), [1.5, -65504]],
    ['<i4', 4, [-7, 2 ** 31 - 1], (v: DataView, o: number, x: number) => v.setInt32(o, x, true), [-7, 2 ** 31]],
    ['<i8', 8, [-3, 2 ** 40], (v: DataView, o: number, x: number) => v.setBigInt64(o, BigInt(x), true), [-3, 2 ** 40]],
    ['<i2', 2, [-32768, 5], (v: DataView, o: number, x: number) => v.setInt16(o, x, true), [-32768, 5]],
    ['|i1', 1, [-128, 127], (v: DataView, o: number, x: number) => v.setInt8(o, x), [-128, 127]],
    ['|u1', 1, [255, 0], (v: DataView, o: number, x: number) => v.setUint8(o, x), [255, 0]],
    ['<u2', 2, [65535, 1], (v: DataView, o: number, x: number) => v.setUint16(o, x, true), [65535, 1]],
    ['<u4', 4, [4294967295, 3], (v: DataView, o: number, x: number) => v.setUint32(o, x, true), [4294967296, 3]],
    ['|b1', 1, [1, 0], (v: DataView, o: number, x: number) => v.setUint8(o, x), [1, 0]],
  ])('reads %s as float32', (descr, size, values, write, want) => {
    const t = readNpy(npy(dict(descr, '(2,)'), bytesOf(size, values, write)));
    expect(t.shape).toEqual([2]);
    expect([...t.data]).toEqual(want);
  });

  it('reads format versions 2.0 and 3.0, a scalar, a 1-D Fortran array and an unpadded header', () => {
    const data = bytesOf(4, [1, 2, 3], (v, o, x) => v.setInt32(o, x, true));
    expect([...readNpy(npy(dict('<i4', '(3,)'), data, 2)).data]).toEqual([1, 2, 3]);
    expect([...readNpy(npy(dict('<i4', '(1, 3)'), data, 3)).data]).toEqual([1, 2, 3]);
    const scalar = readNpy(npy(dict('<f4', '()'), bytesOf(4, [7], (v, o, x) => v.setFloat32(o, x, true))));
    expect(scalar.shape).toEqual([]);
    expect([...scalar.data]).toEqual([7]);
    expect([...readNpy(npy(dict('<i4', '(3,)', 'True'), data)).data]).toEqual([1, 2, 3]); // same bytes either order
    expect(readNpy(npy(`{"shape": (3, 1), "fortran_order": False, "descr": "<i4"}`, data, 1, false)).shape).toEqual([3, 1]);
  });

  it('refuses arrays deepwire cannot take, saying how to convert them', () => {
    const six = new Uint8Array(24);
    expect(() => readNpy(npy(dict('<f4', '(2, 3)', 'True'), six))).toThrow(
      'this .npy file (2×3) is in Fortran order, which deepwire does not read: save it with np.save(path, np.ascontiguousarray(a))',
    );
    expect(() => readNpy(npy(dict('>f4', '(2, 3)'), six))).toThrow("this .npy file is big-endian ('>f4'), which deepwire does not read: convert it with a.astype('<f4')");
    expect(() => readNpy(npy(dict('<c8', '(3,)'), six))).toThrow("this .npy file holds dtype '<c8', which deepwire does not read: convert it with a.astype(np.float32)");
    expect(() => readNpy(npy(dict('<U2', '(3,)'), six))).toThrow("holds dtype '<U2'");
    expect(() => readNpy(npy(`{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (6,), }`, six))).toThrow(
      "this .npy file holds a structured array, which deepwire does not read: save one plain numeric field, e.g. np.save(path, a['x'])",
    );
  });

  it.each([
    ['a file shorter than the preamble', ascii('\x93NUM'), 'it is 4 bytes long, shorter than the 10-byte preamble'],
    ['a text file', ascii('hello, this is text'), 'it does not start with \\x93NUMPY'],
    ['an .npz archive', ascii('PK\x03\x04 and more bytes'), 'it is a zip archive (.npz?): extract one array and save it with np.save'],
    ['format 4.0', (() => { const b = npy(dict('<f4', '(1,)'), new Uint8Array(4)); b[6] = 4; return b; })(), 'unknown format version 4.0 (deepwire reads 1.0, 2.0 and 3.0)'],
    ['a version 2.0 preamble cut short', ascii(`${MAGIC}\x02\x00\x10\x00\x00`), 'it is 11 bytes long, shorter than the 12-byte preamble of version 2.0'],
    ['a header cut short', npy(dict('<f4', '(1,)')).subarray(0, 50), 'the header claims 118 bytes but only 40 follow the preamble (truncated file?)'],
    ['a header past NumPy\u2019s limit', (() => { const b = new Uint8Array(20_000); b.set(ascii(MAGIC + '\x02\x00')); new DataView(b.buffer).setUint32(8, 12_000, true); return b; })(), 'the header claims 12000 bytes; NumPy headers are a few hundred (it reads at most 10000)'],
    ['a version 3.0 header that is not UTF-8', npy('{\xff}', new Uint8Array(), 2).map((b, i) => (i === 6 ? 3 : b)), 'the header of a version 3.0 file is not UTF-8'],
    ['a header that is not a dict', npy('[1, 2]'), 'the header is not a Python dict'],
    ['a header that ends early', npy("{'descr': '<f4', 'shape': (2,"), "cannot read the header at character 54 (it ends early)"],
    ['a header with a stray token', npy("{'descr': <f4}"), "cannot read the header at character 10 (unexpected '<')"],
    ['a header missing the shape', npy("{'descr': '<f4', 'fortran_order': False}"), 'the header has the keys descr, fortran_order; expected descr, fortran_order, shape'],
    ['a header with an extra key', npy("{'descr': '<f4', 'fortran_order': False, 'shape': (), 'x': 1}"), 'the header has the keys descr, fortran_order, shape, x; expected'],
    ['fortran_order that is not a bool', npy("{'descr': '<f4', 'fortran_order': 0, 'shape': ()}"), 'fortran_order is 0, not True or False'],
    ['a negative dimension', npy(dict('<f4', '(2, -1)')), 'the shape is not a tuple of non-negative whole numbers'],
    ['a shape that is a list', npy(dict('<f4', '[2]')), 'the shape is not a tuple of non-negative whole numbers'],
    ['data cut short', npy(dict('<f4', '(2, 3)'), new Uint8Array(20)), "shape 2×3 of '<f4' needs 24 data bytes, the file has 20 (truncated file?)"],
    ['extra data', npy(dict('<f4', '(2, 3)'), new Uint8Array(28)), "shape 2×3 of '<f4' needs 24 data bytes, the file has 28 (extra bytes after the data)"],
    ['a header that lies about a huge shape', npy(dict('<f8', '(100000000000, 100000)'), new Uint8Array(24)), "shape 100000000000×100000 of '<f8' needs 80000000000000000 data bytes, the file has 24 (truncated file?)"],
  ])('says what is wrong with %s', (_, bytes, why) => {
    expect(() => readNpy(bytes)).toThrow(`not a valid .npy file: ${why}`);
  });

  it('reads from a view into a larger buffer (as fetch and fs hand them out)', () => {
    const file = writeNpy(tensor([3], [1, 2, 3]));
    const big = new Uint8Array(file.length + 13);
    big.set(file, 5);
    expect([...readNpy(big.subarray(5, 5 + file.length)).data]).toEqual([1, 2, 3]);
  });
});
