// Photos for the Input, decoded off the main thread: PNG and JPEG in editor/image-worker.ts, anything else
// (WebP, GIF, AVIF, BMP) by the browser's own createImageBitmap, which does not block the page either.
import { decodeImageFile } from '../src/io/image-browser.ts';
import { isJpeg, isPng, type DecodedImage } from '../src/io/image.ts';
import { OpError } from '../src/ops/op.ts';
import type { DecodeReply } from './image-worker.ts';

/** decodeImageFile's result and errors, without freezing the page on a large photo. */
export async function decodePhoto(file: Blob): Promise<DecodedImage> {
  const head = new Uint8Array(await file.slice(0, 8).arrayBuffer());
  if (!(isPng(head) || isJpeg(head)) || typeof Worker === 'undefined') return decodeImageFile(file);
  const bytes = await file.arrayBuffer();
  const worker = new Worker(new URL('./image-worker.ts', import.meta.url), { type: 'module' });
  try {
    return await new Promise<DecodedImage>((resolve, reject) => {
      worker.onmessage = (e: MessageEvent<DecodeReply>) =>
        e.data.ok ? resolve({ picture: e.data.picture, notes: e.data.notes }) : reject(new OpError(e.data.message, e.data.hint));
      worker.onerror = (e) => reject(new Error(`the photo decoder stopped: ${e.message || 'no reason given'}`));
      worker.postMessage(bytes, [bytes]);
    });
  } finally {
    worker.terminate();
  }
}
