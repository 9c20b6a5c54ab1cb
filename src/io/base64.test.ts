import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { base64ToBytes, bytesToBase64 } from './base64.ts';
import { readUmdExport } from './umd-bundle.ts';

const NSFWJS = new URL('../../node_modules/nsfwjs/dist/models/inception_v3/', import.meta.url);

describe('base64ToBytes', () => {
  it('decodes standard and URL-safe base64, with or without padding', () => {
    expect([...base64ToBytes('aGVsbG8=')]).toEqual([...new TextEncoder().encode('hello')]);
    expect([...base64ToBytes('aGVsbG8')]).toEqual([...new TextEncoder().encode('hello')]);
    expect([...base64ToBytes('-_8=')]).toEqual([0xfb, 0xff]);
    expect([...base64ToBytes('+/8=')]).toEqual([0xfb, 0xff]);
    expect(base64ToBytes('').length).toBe(0);
  });

  it('agrees with Node on a 4 MB nsfwjs shard', () => {
    const text = readUmdExport(readFileSync(new URL('group1-shard6of6.min.js', NSFWJS), 'utf8'), 'shard') as string;
    expect(Buffer.from(base64ToBytes(text)).equals(Buffer.from(text, 'base64'))).toBe(true);
  });

  it('refuses what is not base64', () => {
    expect(() => base64ToBytes('aGV$bG8=', 'shard 2')).toThrow('shard 2 is not valid base64: character "$" at offset 3');
    expect(() => base64ToBytes('aGVsb', 'shard 3')).toThrow('shard 3 is not valid base64: 5 characters is not a length base64 produces');
  });
});

describe('bytesToBase64', () => {
  it('agrees with Node and round-trips through base64ToBytes, past one chunk of 32 KiB', () => {
    const bytes = new Uint8Array(100_003).map((_, i) => (i * 7919) & 0xff);
    const text = bytesToBase64(bytes);
    expect(text).toBe(Buffer.from(bytes).toString('base64'));
    expect(base64ToBytes(text)).toEqual(bytes);
    expect(bytesToBase64(new Uint8Array())).toBe('');
  });
});
