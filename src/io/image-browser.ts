// Photos in the browser: a file, a drop, a paste or a webcam frame into the same RGB picture the CLI makes.
// PNG and JPEG go through the very decoder the CLI uses (image.ts: the same pixels in both); other formats
// (WebP, GIF, AVIF, BMP) through createImageBitmap. Only this file touches DOM APIs, and only when called.
import { OpError } from '../ops/op.ts';
import { decodeImage, downscaleFactor, isJpeg, isPng, toPicture, type DecodedImage, type Picture } from './image.ts';

/** Decodes an image file (a File from a picker, a drop or the clipboard, or any Blob). */
export async function decodeImageFile(file: Blob): Promise<DecodedImage> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (bytes.length === 0 || isPng(bytes) || isJpeg(bytes)) return decodeImage(bytes);
  const name = (file as File).name ?? 'the file';
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: 'from-image', premultiplyAlpha: 'none' });
  } catch {
    throw new OpError(`not an image: ${name} (${file.type || 'unknown type'}) cannot be decoded`, 'open a PNG or JPEG photo (WebP, GIF, AVIF and BMP work where the browser reads them)');
  }
  const notes: string[] = [];
  const factor = downscaleFactor(bitmap.width, bitmap.height);
  if (factor > 1) {
    const [w, h] = [Math.ceil(bitmap.width / factor), Math.ceil(bitmap.height / factor)];
    notes.push(`the photo is ${bitmap.width}×${bitmap.height} (${(bitmap.width * bitmap.height / 1e6).toFixed(1)} MP): shrunk ${factor}× to ${w}×${h} before resizing`);
    bitmap.close();
    bitmap = await createImageBitmap(file, { imageOrientation: 'from-image', premultiplyAlpha: 'none', resizeWidth: w, resizeHeight: h, resizeQuality: 'high' });
  }
  try {
    return { picture: pictureFromSource(bitmap, bitmap.width, bitmap.height), notes };
  } finally {
    bitmap.close();
  }
}

/** The current pixels of an image, canvas or video (a webcam frame frozen at this moment), transparency on white. */
export function pictureFromSource(source: CanvasImageSource, width: number, height: number): Picture {
  const canvas = typeof OffscreenCanvas !== 'undefined' ? new OffscreenCanvas(width, height) : Object.assign(document.createElement('canvas'), { width, height });
  const context = canvas.getContext('2d', { willReadFrequently: true }) as CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null;
  if (!context) throw new OpError('this browser gives no 2-D canvas to read the photo with', 'try another browser');
  context.drawImage(source, 0, 0, width, height);
  const { data } = context.getImageData(0, 0, width, height);
  return toPicture({ width, height, channels: 4, maxValue: 255, data });
}
