// .npz, as numpy.savez writes it: a zip archive (stored, not compressed) of one KEY.npy per array, which
// `numpy.load(path)` opens as a mapping of key → array. The PyTorch export writes its weights this way.
import type { Tensor } from '../tensor.ts';
import { writeNpy } from './npy.ts';

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (zip's, IEEE 802.3). */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** float32 arrays by key as an .npz archive (each stored as `key.npy`). Archives up to 4 GiB (no zip64). */
export function writeNpz(arrays: ReadonlyMap<string, Tensor> | Iterable<[string, Tensor]>): Uint8Array {
  const encoder = new TextEncoder();
  const entries = [...arrays].map(([key, t]) => {
    const data = writeNpy(t);
    return { name: encoder.encode(`${key}.npy`), data, crc: crc32(data) };
  });
  const size = entries.reduce((s, e) => s + 30 + e.name.length + e.data.length + 46 + e.name.length, 22);
  if (size >= 2 ** 32) throw new Error(`the weights take ${size} bytes, more than an .npz without zip64 holds (4 GiB)`);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  let at = 0;
  const offsets: number[] = [];
  for (const e of entries) {
    offsets.push(at);
    view.setUint32(at, 0x04034b50, true); // local file header
    view.setUint16(at + 4, 20, true); // version needed: 2.0
    view.setUint16(at + 6, 0, true); // flags
    view.setUint16(at + 8, 0, true); // stored
    view.setUint32(at + 10, 0x00210000, true); // time 00:00, date 1980-01-01
    view.setUint32(at + 14, e.crc, true);
    view.setUint32(at + 18, e.data.length, true);
    view.setUint32(at + 22, e.data.length, true);
    view.setUint16(at + 26, e.name.length, true);
    view.setUint16(at + 28, 0, true);
    out.set(e.name, at + 30);
    out.set(e.data, at + 30 + e.name.length);
    at += 30 + e.name.length + e.data.length;
  }
  const directory = at;
  entries.forEach((e, i) => {
    view.setUint32(at, 0x02014b50, true); // central directory header
    view.setUint16(at + 4, 20, true); // made by
    view.setUint16(at + 6, 20, true); // needed
    view.setUint16(at + 8, 0, true);
    view.setUint16(at + 10, 0, true);
    view.setUint32(at + 12, 0x00210000, true);
    view.setUint32(at + 16, e.crc, true);
    view.setUint32(at + 20, e.data.length, true);
    view.setUint32(at + 24, e.data.length, true);
    view.setUint16(at + 28, e.name.length, true);
    // extra, comment, disk, internal and external attributes: 0
    view.setUint32(at + 42, offsets[i], true);
    out.set(e.name, at + 46);
    at += 46 + e.name.length;
  });
  view.setUint32(at, 0x06054b50, true); // end of central directory
  view.setUint16(at + 8, entries.length, true);
  view.setUint16(at + 10, entries.length, true);
  view.setUint32(at + 12, at - directory, true);
  view.setUint32(at + 16, directory, true);
  return out;
}
