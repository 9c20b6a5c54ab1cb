import { describe, expect, it } from 'vitest';
import { isGzip, parseIdx, writeIdx } from './idx.ts';

const header = (...bytes: number[]) => Uint8Array.from(bytes);

describe('parseIdx', () => {
  it('reads a uint8 idx3 file as a view, with its big-endian dimensions', () => {
    const bytes = Uint8Array.from([0, 0, 0x08, 3, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 1, 0, ...Array.from({ length: 512 }, (_, i) => i & 255)]);
    const a = parseIdx(bytes);
    expect(a.type).toBe('uint8');
    expect(a.shape).toEqual([2, 1, 256]);
    expect(a.data[0]).toBe(0);
    expect(a.data[511]).toBe(255);
    expect(a.data.buffer).toBe(bytes.buffer); // no copy
  });

  it('round-trips every element type through writeIdx, big-endian', () => {
    const cases = [
      { type: 'int8', data: Int8Array.from([-128, -1, 0, 127]) },
      { type: 'int16', data: Int16Array.from([-32768, -2, 258, 32767]) },
      { type: 'int32', data: Int32Array.from([-(2 ** 31), -3, 16909060, 2 ** 31 - 1]) },
      { type: 'float32', data: Float32Array.from([-1.5, 0, 3.25, 1e-20]) },
      { type: 'float64', data: Float64Array.from([-1.5, Math.PI, 1e300, -0]) },
    ] as const;
    for (const c of cases) {
      const bytes = writeIdx({ type: c.type, shape: [2, 2], data: c.data });
      const back = parseIdx(bytes);
      expect(back).toEqual({ type: c.type, shape: [2, 2], data: c.data });
    }
    // int16 258 is stored 01 02 (big-endian)
    const i16 = writeIdx({ type: 'int16', shape: [1], data: Int16Array.from([258]) });
    expect([...i16]).toEqual([0, 0, 0x0b, 1, 0, 0, 0, 1, 1, 2]);
  });

  it('a rank-0 file is one value', () => {
    expect(parseIdx(header(0, 0, 0x08, 0, 7))).toEqual({ type: 'uint8', shape: [], data: Uint8Array.from([7]) });
  });

  it('says what is wrong with a file that is not IDX', () => {
    expect(() => parseIdx(header(0x1f, 0x8b, 8, 0), 'x.gz')).toThrow('x.gz is not a valid IDX file: it is gzipped; gunzip it first');
    expect(() => parseIdx(header(0, 0))).toThrow('shorter than the 4-byte magic number');
    expect(() => parseIdx(header(0x89, 0x50, 0x4e, 0x47))).toThrow('starts with the bytes 89 50 4e 47, not 00 00');
    expect(() => parseIdx(header(0, 0, 0x0a, 1))).toThrow('unknown element type 0x0a');
    expect(() => parseIdx(header(0, 0, 0x08, 2, 0, 0, 0))).toThrow('shorter than the header of 2 dimensions (12 bytes)');
    expect(() => parseIdx(header(0, 0, 0x08, 1, 0, 0, 0, 3, 1, 2))).toThrow('shape 3 of uint8 needs 3 data bytes, the file has 2 (truncated file?)');
    expect(() => parseIdx(header(0, 0, 0x0c, 1, 0, 0, 0, 1, 1, 2, 3, 4, 5))).toThrow('needs 4 data bytes, the file has 5 (extra bytes after the data)');
  });

  it('isGzip looks at the magic bytes', () => {
    expect(isGzip(header(0x1f, 0x8b, 8))).toBe(true);
    expect(isGzip(header(0, 0, 8, 1))).toBe(false);
    expect(isGzip(header(0x1f))).toBe(false);
  });
});
