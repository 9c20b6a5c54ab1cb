// decodeImageFile in Chromium: PNG and JPEG give the CLI's exact pixels; other formats go through
// createImageBitmap; a file that is no image gets the message, not an exception from the DOM.
import { encode as encodePng } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { decodeImage } from './image.ts';
import { decodeImageFile, pictureFromSource } from './image-browser.ts';

/** 4×2: red 0…7·30 across the pixels, green 100, blue 200; the last pixel fully transparent. */
const rgba = Uint8Array.from({ length: 32 }, (_, i) => [Math.floor(i / 4) * 30, 100, 200, i >= 28 ? 0 : 255][i % 4]);

describe('decodeImageFile (browser)', () => {
  it('a PNG File decodes to exactly what the CLI decodes (the same decoder)', async () => {
    const png = encodePng({ width: 4, height: 2, channels: 4, data: rgba });
    const file = new File([new Uint8Array(png)], 'four.png', { type: 'image/png' });
    const { picture } = await decodeImageFile(file);
    expect([...picture.data]).toEqual([...decodeImage(png).picture.data]);
    expect([...picture.data.subarray(21, 24)]).toEqual([255, 255, 255]); // transparent → white
  });

  it('a WebP (no JS decoder here) goes through createImageBitmap, to the same pixels', async () => {
    const canvas = new OffscreenCanvas(4, 2);
    const context = canvas.getContext('2d')!;
    context.putImageData(new ImageData(Uint8ClampedArray.from(rgba.map((v, i) => (i % 4 === 3 ? 255 : v))), 4, 2), 0, 0);
    const webp = await canvas.convertToBlob({ type: 'image/webp', quality: 1 });
    const { picture } = await decodeImageFile(webp);
    expect([picture.width, picture.height]).toEqual([4, 2]);
    expect(picture.data[3 * 7]).toBeGreaterThan(200); // red of the last pixel, 210 before lossless WebP
    expect(Math.abs(picture.data[3 * 7 + 2] - 200)).toBeLessThan(3);
  });

  it('a file that is not an image says so', async () => {
    await expect(decodeImageFile(new File(['hello'], 'notes.txt', { type: 'text/plain' }))).rejects.toThrow('not an image: notes.txt (text/plain) cannot be decoded');
    await expect(decodeImageFile(new File([], 'empty.png'))).rejects.toThrow('not a PNG or JPEG image: the file is empty');
  });

  it('reads a canvas (as a webcam frame is read): the drawn pixels, as RGB', () => {
    const canvas = document.createElement('canvas');
    Object.assign(canvas, { width: 2, height: 1 });
    const context = canvas.getContext('2d')!;
    context.fillStyle = 'rgb(10, 20, 30)';
    context.fillRect(0, 0, 1, 1);
    const picture = pictureFromSource(canvas, 2, 1);
    expect([...picture.data]).toEqual([10, 20, 30, 255, 255, 255]); // the untouched pixel is transparent: white
  });
});
