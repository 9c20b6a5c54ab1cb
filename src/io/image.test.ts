import { readFileSync } from 'node:fs';
import { encode as encodePng } from 'fast-png';
import { encode as encodeJpeg } from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import { expectClose } from '../testing/expect-close.ts';
import { decodeImage, downscaleFactor, imageToTensor, jpegOrientation, orient, toPicture, type Raster } from './image.ts';
import { preprocessPicture, previewPixels } from './preprocess.ts';
import { resample, resizePicture, type Picture } from './resize.ts';

const PHOTOS = new URL('../../public/samples/', import.meta.url);
const photo = (name: string) => new Uint8Array(readFileSync(new URL(name, PHOTOS)));
const base64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));

/** An RGB picture whose red channel is `values`, green +1, blue +2 (so channel order shows). */
function picture(width: number, height: number, values: number[]): Picture {
  const data = new Float32Array(width * height * 3);
  values.forEach((v, i) => data.set([v, v + 1, v + 2], 3 * i));
  return { width, height, data };
}
const reds = (p: Picture) => [...p.data.filter((_, i) => i % 3 === 0)];

/** A JPEG with an EXIF APP1 segment holding only the orientation tag, inserted after SOI. */
function withOrientation(jpeg: Uint8Array, orientation: number, littleEndian = false): Uint8Array {
  const tiff = new Uint8Array(26);
  const view = new DataView(tiff.buffer);
  tiff.set(littleEndian ? [0x49, 0x49, 42, 0] : [0x4d, 0x4d, 0, 42]);
  view.setUint32(4, 8, littleEndian); // IFD0 right after the header
  view.setUint16(8, 1, littleEndian); // one entry
  view.setUint16(10, 0x0112, littleEndian);
  view.setUint16(12, 3, littleEndian); // SHORT
  view.setUint32(14, 1, littleEndian);
  view.setUint16(18, orientation, littleEndian);
  const payload = new Uint8Array([...'Exif\0\0'].map((c) => c.charCodeAt(0)).concat([...tiff]));
  const app1 = new Uint8Array([0xff, 0xe1, (payload.length + 2) >> 8, (payload.length + 2) & 0xff, ...payload]);
  return new Uint8Array([...jpeg.subarray(0, 2), ...app1, ...jpeg.subarray(2)]);
}

/** 16×8 JPEG: left half black, right half white (edges on the 8×8 block grid, so they stay sharp). */
function halvesJpeg(): Uint8Array {
  const data = new Uint8Array(16 * 8 * 4);
  for (let i = 0; i < 16 * 8; i++) data.fill(i % 16 < 8 ? 0 : 255, 4 * i, 4 * i + 3), (data[4 * i + 3] = 255);
  return new Uint8Array(encodeJpeg({ width: 16, height: 8, data }, 100).data);
}

describe('resample (Pillow bilinear, antialiased)', () => {
  it('shrinks 4 → 2 with the triangle widened to 2 pixels (hand-checked)', () => {
    // out 0: centre 1, taps 0,1,2 with weights 0.75, 0.75, 0.25 → (0·.75 + 10·.75 + 20·.25) / 1.75
    const out = resample(picture(4, 1, [0, 10, 20, 30]), 2, 1);
    expectClose(reds(out), [12.5 / 1.75, 40 / 1.75], { atol: 1e-5, rtol: 0 });
  });

  it('enlarges 2 → 4 as half-pixel bilinear with clamped edges', () => {
    expect(reds(resample(picture(2, 1, [0, 10]), 4, 1))).toEqual([0, 2.5, 7.5, 10]);
  });

  it('matches Pillow 9.4 (Image.resize, mode F, BILINEAR) on a 5×3 ramp, with and without a box', () => {
    const ramp: Picture = { width: 5, height: 3, data: Float32Array.from({ length: 45 }, (_, i) => 5 * i) };
    expect([...resample(ramp, 2, 2).data]).toEqual([43.125, 48.125, 53.125, 73.125, 78.125, 83.125, 136.875, 141.875, 146.875, 166.875, 171.875, 176.875]);
    expect([...resample(ramp, 3, 2, [0.5, 0.25, 4.5, 2.75]).data]).toEqual([40.25, 45.25, 50.25, 61.25, 66.25, 71.25, 82.25, 87.25, 92.25, 127.75, 132.75, 137.75, 148.75, 153.75, 158.75, 169.75, 174.75, 179.75]);
    const up = resample(ramp, 7, 4);
    expectClose(reds(up).slice(0, 7), [0, 8.57143, 19.28572, 30, 40.71429, 51.42857, 60], { atol: 1e-4, rtol: 0 });
  });

  it('averages every pixel when shrinking a lot: a 1-pixel checkerboard becomes flat gray, not aliased', () => {
    const w = 64;
    const board = picture(w, w, Array.from({ length: w * w }, (_, i) => ((i % w) + Math.floor(i / w)) % 2 ? 255 : 0));
    const small = resample(board, 5, 5);
    for (const v of reds(small)) expect(Math.abs(v - 127.5)).toBeLessThan(4);
  });
});

describe('resizePicture', () => {
  const wide = picture(4, 2, [0, 1, 2, 3, 4, 5, 6, 7]);

  it('crop keeps the middle: 4×2 → 2×2 is columns 1 and 2, untouched', () => {
    expect(reds(resizePicture(wide, 2, 2, 'crop'))).toEqual([1, 2, 5, 6]);
  });

  it('letterbox fits the whole picture and pads with black: 4×2 → 4×4 has rows 0 and 3 black', () => {
    const out = resizePicture(wide, 4, 4, 'letterbox');
    expect([...out.data.subarray(0, 12)]).toEqual(new Array(12).fill(0));
    expect(reds(out).slice(4, 12)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect([...out.data.subarray(36)]).toEqual(new Array(12).fill(0));
  });

  it('stretch squeezes each axis on its own: 4×2 → 2×2 averages column pairs', () => {
    const out = resizePicture(wide, 2, 2, 'stretch');
    // out 0 of a row: taps 0,1,2 weighted .75,.75,.25; out 1: taps 1,2,3 weighted .25,.75,.75 (÷ 1.75); rows untouched
    expectClose(reds(out), [1.25 / 1.75, 4 / 1.75, 4 + 1.25 / 1.75, 4 + 4 / 1.75], { atol: 1e-5, rtol: 0 });
    expect(out.width).toBe(2);
    expect(out.height).toBe(2);
  });
});

describe('preprocessPicture', () => {
  // one pixel, R 255, G 128, B 0
  const px: Picture = { width: 1, height: 1, data: Float32Array.from([255, 128, 0]) };
  it.each([
    ['caffe', [0 - 103.939, 128 - 116.779, 255 - 123.68]], // BGR, minus the BGR means
    ['tf', [1, 128 / 127.5 - 1, -1]],
    ['torch', [(1 - 0.485) / 0.229, (128 / 255 - 0.456) / 0.224, (0 - 0.406) / 0.225]],
    ['unit', [1, 128 / 255, 0]],
    ['raw', [255, 128, 0]],
  ] as const)('%s', (mode, want) => {
    const t = preprocessPicture(px, 3, mode);
    expect(t.shape).toEqual([1, 1, 1, 3]);
    expectClose(t.data, want, { atol: 1e-5, rtol: 1e-6 });
  });

  it('gives a 1-channel Input the luminance (Rec. 601): 0.299·255 + 0.587·128', () => {
    expectClose(preprocessPicture(px, 1, 'raw').data, [151.381], { atol: 1e-4 });
    expectClose(preprocessPicture(px, 1, 'unit').data, [151.381 / 255], { atol: 1e-6 });
    expectClose(preprocessPicture(px, 1, 'tf').data, [151.381 / 127.5 - 1], { atol: 1e-6 });
  });

  it.each(['caffe', 'tf', 'torch', 'unit', 'raw'] as const)('previewPixels undoes %s: the picture fed, as RGBA', (mode) => {
    const two: Picture = { width: 2, height: 1, data: Float32Array.from([255, 128, 0, 10, 20, 30]) };
    expect([...previewPixels(preprocessPicture(two, 3, mode), mode)]).toEqual([255, 128, 0, 255, 10, 20, 30, 255]);
  });

  it('previewPixels shows a gray Input as gray', () => {
    expect([...previewPixels(preprocessPicture(px, 1, 'unit'), 'unit')]).toEqual([151, 151, 151, 255]);
  });

  it('refuses what has no meaning, saying what to do', () => {
    expect(() => preprocessPicture(px, 1, 'caffe')).toThrow("preprocessing 'caffe' is defined for 3-channel colour input; this Input takes 1 channel (gray)");
    expect(() => preprocessPicture(px, 4, 'unit')).toThrow('a photo feeds an Input with 1 (gray) or 3 (RGB) channels, not 4');
    expect(() => preprocessPicture(px, 3, 'imagenet' as never)).toThrow("unknown preprocessing 'imagenet'");
  });
});

describe('orientation', () => {
  // stored: a b c / d e f
  const stored = picture(3, 2, [1, 2, 3, 4, 5, 6]);
  it.each([
    [1, 3, [1, 2, 3, 4, 5, 6]],
    [2, 3, [3, 2, 1, 6, 5, 4]],
    [3, 3, [6, 5, 4, 3, 2, 1]],
    [4, 3, [4, 5, 6, 1, 2, 3]],
    [5, 2, [1, 4, 2, 5, 3, 6]],
    [6, 2, [4, 1, 5, 2, 6, 3]], // 90° clockwise
    [7, 2, [6, 3, 5, 2, 4, 1]],
    [8, 2, [3, 6, 2, 5, 1, 4]], // 90° counter-clockwise
  ])('EXIF %i', (o, width, want) => {
    const out = orient(stored, o);
    expect(out.width).toBe(width);
    expect(reds(out)).toEqual(want);
    expect(out.data[1]).toBe(out.data[0] + 1); // channels travel together
  });

  it('reads the tag from big- and little-endian EXIF, 1 when absent', () => {
    const jpeg = halvesJpeg();
    expect(jpegOrientation(jpeg)).toBe(1);
    expect(jpegOrientation(withOrientation(jpeg, 6))).toBe(6);
    expect(jpegOrientation(withOrientation(jpeg, 8, true))).toBe(8);
  });

  it('applies it when decoding: rotated 90° clockwise, the black left half ends on top', () => {
    const { picture: p, notes } = decodeImage(withOrientation(halvesJpeg(), 6));
    expect([p.width, p.height]).toEqual([8, 16]);
    expect(p.data[0]).toBeLessThan(3);
    expect(p.data[(15 * 8 + 7) * 3]).toBeGreaterThan(252);
    expect(notes).toEqual(['rotated 90° clockwise as its EXIF orientation (6) asks']);
    const plain = decodeImage(halvesJpeg());
    expect([plain.picture.width, plain.picture.height, plain.notes.length]).toEqual([16, 8, 0]);
  });
});

describe('decodeImage: PNG', () => {
  const png = (image: Parameters<typeof encodePng>[0]) => decodeImage(encodePng(image)).picture;

  it('RGB 8-bit, exactly', () => {
    const p = png({ width: 2, height: 1, channels: 3, data: Uint8Array.from([255, 128, 0, 1, 2, 3]) });
    expect([...p.data]).toEqual([255, 128, 0, 1, 2, 3]);
  });

  it('RGBA: transparency is composited on white (opaque kept, clear → white, half → halfway)', () => {
    const p = png({ width: 3, height: 1, channels: 4, data: Uint8Array.from([10, 20, 30, 255, 0, 0, 0, 0, 0, 100, 200, 51]) });
    // 51/255 = 0.2 opaque: 0.2·c + 0.8·255
    expectClose(p.data, [10, 20, 30, 255, 255, 255, 204, 224, 244], { atol: 1e-4 });
  });

  it('gray and gray+alpha become equal R, G, B', () => {
    expect([...png({ width: 2, height: 1, channels: 1, data: Uint8Array.from([0, 200]) }).data]).toEqual([0, 0, 0, 200, 200, 200]);
    expectClose(png({ width: 1, height: 1, channels: 2, data: Uint8Array.from([100, 0]) }).data, [255, 255, 255]);
  });

  it('16-bit keeps its precision (65535 → 255, 1000 → 1000/257)', () => {
    const p = png({ width: 2, height: 1, channels: 3, depth: 16, data: Uint16Array.from([65535, 25700, 0, 1000, 1, 32768]) });
    expectClose(p.data, [255, 100, 0, 1000 / 257, 1 / 257, 32768 / 257], { atol: 1e-4, rtol: 0 });
  });

  it('palette, with a transparent entry', () => {
    // the transparent entry first: fast-png 8's encoder writes tRNS right only for a leading run of them
    const p = png({ width: 3, height: 1, channels: 1, depth: 8, data: Uint8Array.from([1, 2, 0]), palette: [[0, 0, 0, 0], [255, 0, 0, 255], [0, 0, 255, 255]] });
    expect([...p.data]).toEqual([255, 0, 0, 0, 0, 255, 255, 255, 255]);
  });

  it('gray with a tRNS colour key: that gray is transparent, so white', () => {
    const bytes = encodePng({ width: 3, height: 1, channels: 1, data: Uint8Array.from([0, 7, 200]) });
    // a tRNS chunk (length 2, gray key 7) after IHDR; fast-png does not check CRCs by default
    const trns = Uint8Array.from([0, 0, 0, 2, ...[...'tRNS'].map((c) => c.charCodeAt(0)), 0, 7, 0, 0, 0, 0]);
    const keyed = new Uint8Array([...bytes.subarray(0, 33), ...trns, ...bytes.subarray(33)]);
    expect(reds(decodeImage(keyed).picture)).toEqual([0, 255, 200]);
  });

  it('1-bit gray, rows padded to whole bytes', () => {
    // 3 pixels a row: 1 0 1 / 0 1 0, each row one byte
    const p = png({ width: 3, height: 2, channels: 1, depth: 1, data: Uint8Array.from([0b10100000, 0b01000000]) });
    expect(reds(p)).toEqual([255, 0, 255, 0, 255, 0]);
  });

  it('shrinks a huge photo first, by a whole factor, and says so', () => {
    const width = 5000, height = 4;
    const data = new Uint8Array(width * height * 3);
    for (let i = 0; i < width * height; i++) data.fill(i % 2 ? 200 : 100, 3 * i, 3 * i + 3);
    const { picture: p, notes } = decodeImage(encodePng({ width, height, channels: 3, data }));
    expect([p.width, p.height]).toEqual([2500, 2]);
    expect(p.data[0]).toBe(150); // each 2×2 block averaged
    expect(notes).toEqual(['the photo is 5000×4 (0.0 MP): shrunk 2× to 2500×2 before resizing (limits: 4096 px a side, 16.8 MP)']);
  });

  it('the whole-factor rule: sides ≤ 4096 and ≤ 16.8 MP', () => {
    expect(downscaleFactor(4096, 4096)).toBe(1);
    expect(downscaleFactor(4097, 10)).toBe(2);
    expect(downscaleFactor(6000, 4000)).toBe(2);
    expect(downscaleFactor(12000, 9000)).toBe(3);
  });

  it('refuses a header claiming 20000×20000 before decoding anything', () => {
    const bytes = encodePng({ width: 1, height: 1, channels: 3, data: new Uint8Array(3) });
    new DataView(bytes.buffer, bytes.byteOffset).setUint32(16, 20000);
    new DataView(bytes.buffer, bytes.byteOffset).setUint32(20, 20000);
    expect(() => decodeImage(bytes)).toThrow('the photo is 20000×20000 (400 MP), more than deepwire decodes (100 MP)');
  });
});

describe('decodeImage: JPEG', () => {
  it('baseline RGB from jpeg-js, within JPEG rounding', () => {
    const data = new Uint8Array(16 * 16 * 4);
    for (let i = 0; i < 256; i++) data.set([200, 100, 50, 255], 4 * i);
    const p = decodeImage(new Uint8Array(encodeJpeg({ width: 16, height: 16, data }, 100).data)).picture;
    expectClose(p.data.subarray(0, 3), [200, 100, 50], { atol: 3, rtol: 0 });
  });

  it('grayscale (1 component; made by Pillow 9.4: mode L, 30 | 220 halves, quality 95)', () => {
    const gray = base64('/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAIBAQEBAQIBAQECAgICAgQDAgICAgUEBAMEBgUGBgYFBgYGBwkIBgcJBwYGCAsICQoKCgoKBggLDAsKDAkKCgr/wAALCAAIABABAREA/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/9oACAEBAAA/APx3r+viv//Z');
    const p = decodeImage(gray).picture;
    expectClose([...p.data.subarray(0, 3), ...p.data.subarray(-3)], [30, 30, 30, 220, 220, 220], { atol: 2, rtol: 0 });
  });

  it('Adobe CMYK (inverted, as Photoshop writes it; made by Pillow 9.4 from RGB 200,40,40 | 40,60,220)', () => {
    const cmyk = base64('/9j/7gAOQWRvYmUAZAAAAAAA/9sAQwACAQEBAQECAQEBAgICAgIEAwICAgIFBAQDBAYFBgYGBQYGBgcJCAYHCQcGBggLCAkKCgoKCgYICwwLCgwJCgoK/8AAFAgACAAQBEMRAE0RAFkRAEsRAP/EAB8AAAEFAQEBAQEBAAAAAAAAAAABAgMEBQYHCAkKC//EALUQAAIBAwMCBAMFBQQEAAABfQECAwAEEQUSITFBBhNRYQcicRQygZGhCCNCscEVUtHwJDNicoIJChYXGBkaJSYnKCkqNDU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6g4SFhoeIiYqSk5SVlpeYmZqio6Slpqeoqaqys7S1tre4ubrCw8TFxsfIycrS09TV1tfY2drh4uPk5ebn6Onq8fLz9PX29/j5+v/aAA4EQwBNAFkASwAAPwD9IK/J+vyfr9/K/l/r1Cv60KK//9k=');
    const p = decodeImage(cmyk).picture;
    expect([p.width, p.height]).toEqual([16, 8]);
    expectClose([...p.data.subarray(0, 3), ...p.data.subarray(-3)], [200, 40, 40, 40, 60, 220], { atol: 3, rtol: 0 });
  });
});

describe('decodeImage: not an image', () => {
  it.each([
    ['empty', new Uint8Array(0), 'not a PNG or JPEG image: the file is empty'],
    ['GIF', new TextEncoder().encode('GIF89a\x01\x00\x01\x00'), 'not a PNG or JPEG image: it is a GIF; convert it to PNG or JPEG'],
    ['JSON', new TextEncoder().encode('{"format": "deepwire-graph"}'), 'not a PNG or JPEG image: it is a text file (JSON?)'],
    ['.npy', Uint8Array.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]), 'not a PNG or JPEG image: it is a .npy array (feed it with --input)'],
    ['unknown', Uint8Array.from([0, 1, 2, 3, 4]), 'not a PNG or JPEG image: it starts with the bytes 00 01 02 03, not a PNG or JPEG signature'],
  ])('%s', (_, bytes, message) => {
    expect(() => decodeImage(bytes)).toThrow(message);
  });

  it('a truncated PNG or JPEG says it is cut short', () => {
    const png = photo('chelsea.png');
    expect(() => decodeImage(png.subarray(0, png.length >> 1))).toThrow(/^not a PNG or JPEG image: the PNG is damaged or cut short \(/);
    const jpeg = photo('rocket.jpg');
    expect(() => decodeImage(jpeg.subarray(0, jpeg.length >> 1))).toThrow('not a PNG or JPEG image: the JPEG is cut short (it has no end-of-image marker)');
    expect(() => decodeImage(jpeg.subarray(0, 40))).toThrow(/^not a PNG or JPEG image: the JPEG is/);
  });

  it('data appended after a JPEG (a motion photo\'s video) is not mistaken for damage', () => {
    const jpeg = halvesJpeg();
    const appended = new Uint8Array([...jpeg, ...new Uint8Array(10_000).fill(0x42)]);
    expect(decodeImage(appended).picture.width).toBe(16);
  });
});

describe('real photographs', () => {
  it('decode at their size with plausible colours (chelsea.png: a ginger cat; rocket.jpg: a launch under blue sky)', () => {
    const cat = decodeImage(photo('chelsea.png')).picture;
    expect([cat.width, cat.height]).toEqual([451, 300]);
    const rocket = decodeImage(photo('rocket.jpg')).picture;
    expect([rocket.width, rocket.height]).toEqual([640, 427]);
    const mean = (p: Picture, c: number) => p.data.reduce((a, v, i) => (i % 3 === c ? a + v : a), 0) / (p.width * p.height);
    expect(mean(cat, 0)).toBeGreaterThan(mean(cat, 2) + 20); // ginger: more red than blue
    expect(mean(rocket, 2)).toBeGreaterThan(mean(rocket, 0)); // sky: more blue than red
  });

  it('becomes the 1×299×299×3 tensor an InceptionV3 Input takes, in [-1, 1] under tf', () => {
    const { tensor, notes } = imageToTensor(photo('rocket.jpg'), [299, 299, 3], { resize: 'crop', preprocess: 'tf' });
    expect(tensor.shape).toEqual([1, 299, 299, 3]);
    expect(notes).toEqual([]);
    let lo = Infinity, hi = -Infinity;
    for (const v of tensor.data) (lo = Math.min(lo, v)), (hi = Math.max(hi, v));
    expect(lo).toBeGreaterThanOrEqual(-1);
    expect(hi).toBeLessThanOrEqual(1);
    expect(hi - lo).toBeGreaterThan(1.5);
  });

  it('refuses an Input that is not H×W×C', () => {
    expect(() => imageToTensor(photo('chelsea.png'), [784])).toThrow("a photo feeds an H×W×C Input; this Input's shape is 784");
  });
});

describe('toPicture', () => {
  it('box-averages k×k blocks, partial blocks at the edge included', () => {
    const r: Raster = { width: 3, height: 1, channels: 1, maxValue: 255, data: [10, 20, 90] };
    expect(reds(toPicture(r, 1, 2))).toEqual([15, 90]);
  });
});
