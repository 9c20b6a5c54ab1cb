/** A decoded picture (RGB, 0–255, src/io/resize.ts) drawn on a canvas of its own size, and as a small thumbnail:
 *  the class sets' buckets and the misclassified pictures of a run on them show the user's photos themselves. */
import type { Picture } from '../src/io/resize.ts';

export function pictureCanvas(p: Picture): HTMLCanvasElement {
  const canvas = Object.assign(document.createElement('canvas'), { width: p.width, height: p.height });
  const pixels = new ImageData(p.width, p.height);
  for (let i = 0; i < p.width * p.height; i++) pixels.data.set([p.data[3 * i], p.data[3 * i + 1], p.data[3 * i + 2], 255], 4 * i);
  canvas.getContext('2d')!.putImageData(pixels, 0, 0);
  return canvas;
}

/** The picture shrunk (aspect kept) to `side` pixels on its longer side, as a JPEG data URL. */
export function pictureThumbnail(p: Picture, side = 56): string {
  const f = side / Math.max(p.width, p.height);
  const small = Object.assign(document.createElement('canvas'), { width: Math.max(1, Math.round(p.width * f)), height: Math.max(1, Math.round(p.height * f)) });
  small.getContext('2d')!.drawImage(pictureCanvas(p), 0, 0, small.width, small.height);
  return small.toDataURL('image/jpeg', 0.8);
}
