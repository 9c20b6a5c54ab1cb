// Photos into Input tensors, in pure JS (Node and the browser alike): decode PNG (every bit depth and colour
// type) or JPEG (grayscale, YCbCr, Adobe CMYK) with fast-png and jpeg-js, apply the EXIF orientation,
// composite transparency on white, downscale a huge photo, then resize (resize.ts) and normalise (preprocess.ts).
import { decode as decodePng, convertIndexedToRgb } from 'fast-png';
import { decode as decodeJpeg } from 'jpeg-js';
import { OpError } from '../ops/op.ts';
import { formatShape, type Tensor } from '../tensor.ts';
import { hasEndMarker, jpegOrientation, jpegSize } from './jpeg-markers.ts';
import { preprocessPicture, type Preprocess } from './preprocess.ts';
import { resizePicture, type Picture, type ResizeMode } from './resize.ts';

export type { Picture } from './resize.ts';
export { jpegOrientation } from './jpeg-markers.ts';

/** Past either limit a photo is box-downscaled by a whole factor first (with a note): 4096 px on a side, 16.8 MP. */
export const MAX_SIDE = 4096;
export const MAX_PIXELS = 4096 * 4096;
/** Larger files are refused before decoding: 100 MP would take 400 MB as RGBA. */
export const MAX_DECODE_PIXELS = 100_000_000;

/** Decoded pixels before orientation and compositing: interleaved, 1–4 channels (gray, gray+alpha, RGB, RGBA). */
export interface Raster {
  width: number;
  height: number;
  channels: 1 | 2 | 3 | 4;
  /** 255 for 8-bit samples, 65535 for 16-bit. */
  maxValue: number;
  data: ArrayLike<number>;
}

export interface DecodedImage {
  picture: Picture;
  /** Things the caller should tell the user: a downscale, an orientation applied. */
  notes: string[];
}

const notImage = (why: string) => new OpError(`not a PNG or JPEG image: ${why}`, 'open a .png or .jpg photo');

/** PNG or JPEG bytes → RGB picture; throws an OpError `not a PNG or JPEG image: …` for anything else or a damaged file. */
export function decodeImage(bytes: Uint8Array): DecodedImage {
  if (bytes.length === 0) throw notImage('the file is empty');
  if (isPng(bytes)) return finish(readPng(bytes), 1);
  if (isJpeg(bytes)) return finish(readJpeg(bytes), jpegOrientation(bytes));
  throw notImage(sniff(bytes));
}

/** Decode, resize to the Input's H×W×C and normalise: the whole path from a file to the tensor fed. */
export function imageToTensor(
  bytes: Uint8Array, inputShape: readonly number[], options: { resize?: ResizeMode; preprocess?: Preprocess } = {},
): { tensor: Tensor; notes: string[] } {
  const { picture, notes } = decodeImage(bytes);
  return { tensor: pictureToTensor(picture, inputShape, options), notes };
}

/** A decoded picture as the [1, H, W, C] tensor for an Input of shape H×W×C (C = 3, or 1 for luminance). */
export function pictureToTensor(picture: Picture, inputShape: readonly number[], { resize = 'crop', preprocess = 'unit' }: { resize?: ResizeMode; preprocess?: Preprocess } = {}): Tensor {
  if (inputShape.length !== 3)
    throw new OpError(`a photo feeds an H×W×C Input; this Input's shape is ${formatShape(inputShape)}`, 'set the Input shape to e.g. 224×224×3');
  const [H, W, C] = inputShape;
  return preprocessPicture(resizePicture(picture, W, H, resize), C, preprocess);
}

export const isPng = (b: Uint8Array) => [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((v, i) => b[i] === v);
export const isJpeg = (b: Uint8Array) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;

/** What the bytes look like instead, for the error message. */
function sniff(b: Uint8Array): string {
  const text = new TextDecoder('latin1').decode(b.subarray(0, 16));
  const convert = '; convert it to PNG or JPEG';
  const known: [boolean, string][] = [
    [text.startsWith('GIF8'), `it is a GIF${convert}`],
    [text.startsWith('RIFF') && text.slice(8, 12) === 'WEBP', `it is a WebP image${convert}`],
    [text.startsWith('BM'), `it is a BMP image${convert}`],
    [text.startsWith('II*\0') || text.startsWith('MM\0*'), `it is a TIFF image${convert}`],
    [text.slice(4, 8) === 'ftyp', `it is a HEIC/AVIF image (or a video)${convert}`],
    [text.startsWith('%PDF'), 'it is a PDF document'],
    [text.startsWith('\x93NUMPY'), 'it is a .npy array (feed it with --input)'],
    [text.startsWith('PK'), 'it is a zip archive'],
    [/^\s*</.test(text), 'it is a text file (SVG, HTML or XML?)'],
    [/^\s*[{[]/.test(text), 'it is a text file (JSON?)'],
  ];
  const hit = known.find(([yes]) => yes);
  if (hit) return hit[1];
  const head = [...b.subarray(0, 4)].map((v) => v.toString(16).padStart(2, '0')).join(' ');
  return `it starts with the bytes ${head}, not a PNG or JPEG signature`;
}

function readPng(bytes: Uint8Array): Raster {
  // IHDR is the first chunk: width and height at bytes 16–23, read before anything is allocated.
  if (bytes.length >= 24) checkSize(readU32(bytes, 16), readU32(bytes, 20));
  let png;
  try {
    png = decodePng(bytes);
  } catch (e) {
    throw notImage(`the PNG is damaged or cut short (${(e as Error)?.message ?? e})`);
  }
  const { width, height, depth } = png;
  if (png.palette) {
    const rgb = convertIndexedToRgb(png);
    return { width, height, channels: png.palette[0].length as 3 | 4, maxValue: 255, data: rgb };
  }
  const channels = png.channels as Raster['channels'];
  const data = depth < 8 ? unpackBits(png.data as Uint8Array, width, height, depth) : png.data;
  const maxValue = 2 ** depth - 1;
  // tRNS on gray or RGB: one colour key is fully transparent
  if (png.transparency && png.transparency.length === channels) return keyToAlpha({ width, height, channels, maxValue, data }, png.transparency);
  return { width, height, channels, maxValue, data };
}

function readU32(b: Uint8Array, at: number): number {
  return ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
}

/** 1-, 2- and 4-bit gray samples, each row starting on a byte boundary. */
function unpackBits(packed: Uint8Array, width: number, height: number, depth: number): Uint8Array {
  const out = new Uint8Array(width * height);
  const rowBytes = Math.ceil((width * depth) / 8);
  const mask = (1 << depth) - 1;
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const bit = x * depth;
      out[y * width + x] = (packed[y * rowBytes + (bit >> 3)] >> (8 - depth - (bit & 7))) & mask;
    }
  return out;
}

function keyToAlpha(r: Raster, key: ArrayLike<number>): Raster {
  const n = r.width * r.height, c = r.channels;
  const data = new Uint16Array(n * (c + 1));
  for (let i = 0; i < n; i++) {
    let same = true;
    for (let k = 0; k < c; k++) {
      const v = r.data[i * c + k];
      data[i * (c + 1) + k] = v;
      same &&= v === key[k];
    }
    data[i * (c + 1) + c] = same ? 0 : r.maxValue;
  }
  return { ...r, channels: (c + 1) as 2 | 4, data };
}

function readJpeg(bytes: Uint8Array): Raster {
  // The frame header (SOFn) gives the size; refuse a huge one before jpeg-js allocates it.
  const size = jpegSize(bytes);
  if (size) checkSize(size.width, size.height);
  if (!hasEndMarker(bytes)) throw notImage('the JPEG is cut short (it has no end-of-image marker)');
  let img;
  try {
    img = decodeJpeg(bytes, { useTArray: true, formatAsRGBA: false, maxResolutionInMP: MAX_DECODE_PIXELS / 1e6, maxMemoryUsageInMB: 2048 });
  } catch (e) {
    const why = String((e as Error)?.message ?? e);
    if (/4 components/.test(why)) throw notImage('a 4-channel JPEG without the Adobe marker (CMYK of unknown kind); save it as RGB');
    throw notImage(`the JPEG is damaged or cut short (${why})`);
  }
  return { width: img.width, height: img.height, channels: 3, maxValue: 255, data: img.data };
}

function checkSize(width: number, height: number): void {
  if (width * height > MAX_DECODE_PIXELS)
    throw new OpError(`the photo is ${width}×${height} (${(width * height / 1e6).toFixed(0)} MP), more than deepwire decodes (${MAX_DECODE_PIXELS / 1e6} MP)`, 'downscale it first, e.g. to 4000 px on the long side');
}

const ORIENTATION_NOTES: Record<number, string> = {
  2: 'mirrored', 3: 'rotated 180°', 4: 'flipped vertically', 5: 'transposed', 6: 'rotated 90° clockwise', 7: 'transversed', 8: 'rotated 90° counter-clockwise',
};

function finish(raster: Raster, orientation: number): DecodedImage {
  const notes: string[] = [];
  const { width: w, height: h } = raster;
  const factor = downscaleFactor(w, h);
  if (factor > 1) {
    const [dw, dh] = [Math.ceil(w / factor), Math.ceil(h / factor)];
    notes.push(`the photo is ${w}×${h} (${(w * h / 1e6).toFixed(1)} MP): shrunk ${factor}× to ${dw}×${dh} before resizing (limits: ${MAX_SIDE} px a side, ${(MAX_PIXELS / 1e6).toFixed(1)} MP)`);
  }
  if (orientation !== 1) notes.push(`${ORIENTATION_NOTES[orientation]} as its EXIF orientation (${orientation}) asks`);
  return { picture: toPicture(raster, orientation, factor), notes };
}

/** The smallest whole factor that brings the photo within MAX_SIDE and MAX_PIXELS. */
export function downscaleFactor(width: number, height: number): number {
  let k = 1;
  while (Math.ceil(width / k) > MAX_SIDE || Math.ceil(height / k) > MAX_SIDE || Math.ceil(width / k) * Math.ceil(height / k) > MAX_PIXELS) k++;
  return k;
}

/**
 * RGB 0–255 from a raster: transparency composited on white (what a page behind a logo shows), gray
 * replicated, EXIF orientation applied, and k×k blocks averaged when `factor` k > 1.
 */
export function toPicture(r: Raster, orientation = 1, factor = 1): Picture {
  const { width: w, height: h, channels: c, maxValue, data } = r;
  const sw = Math.ceil(w / factor), sh = Math.ceil(h / factor);
  // pass 1: composite and box-average in stored orientation
  const stored = new Float32Array(sw * sh * 3);
  const scale = 255 / maxValue;
  const hasAlpha = c === 2 || c === 4;
  const colour = c >= 3 ? [0, 1, 2] : [0, 0, 0];
  for (let by = 0; by < sh; by++)
    for (let bx = 0; bx < sw; bx++) {
      let r0 = 0, g0 = 0, b0 = 0, count = 0;
      for (let y = by * factor; y < Math.min((by + 1) * factor, h); y++)
        for (let x = bx * factor; x < Math.min((bx + 1) * factor, w); x++) {
          const i = (y * w + x) * c;
          const a = hasAlpha ? data[i + c - 1] / maxValue : 1;
          const white = 255 * (1 - a);
          r0 += data[i + colour[0]] * scale * a + white;
          g0 += data[i + colour[1]] * scale * a + white;
          b0 += data[i + colour[2]] * scale * a + white;
          count++;
        }
      const o = (by * sw + bx) * 3;
      stored[o] = r0 / count;
      stored[o + 1] = g0 / count;
      stored[o + 2] = b0 / count;
    }
  if (orientation === 1) return { width: sw, height: sh, data: stored };
  return orient({ width: sw, height: sh, data: stored }, orientation);
}

/** The picture as displayed under EXIF orientation 2–8 (5–8 swap width and height). */
export function orient(p: Picture, orientation: number): Picture {
  const { width: w, height: h } = p;
  const swap = orientation >= 5;
  const ow = swap ? h : w, oh = swap ? w : h;
  const source: Record<number, (x: number, y: number) => [number, number]> = {
    1: (x, y) => [x, y],
    2: (x, y) => [w - 1 - x, y],
    3: (x, y) => [w - 1 - x, h - 1 - y],
    4: (x, y) => [x, h - 1 - y],
    5: (x, y) => [y, x],
    6: (x, y) => [y, h - 1 - x],
    7: (x, y) => [w - 1 - y, h - 1 - x],
    8: (x, y) => [w - 1 - y, x],
  };
  const from = source[orientation] ?? source[1];
  const out = new Float32Array(ow * oh * 3);
  for (let y = 0; y < oh; y++)
    for (let x = 0; x < ow; x++) {
      const [sx, sy] = from(x, y);
      const s = (sy * w + sx) * 3, o = (y * ow + x) * 3;
      out[o] = p.data[s];
      out[o + 1] = p.data[s + 1];
      out[o + 2] = p.data[s + 2];
    }
  return { width: ow, height: oh, data: out };
}
