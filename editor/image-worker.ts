// The photo decoder's worker: PNG and JPEG bytes in, the RGB picture out (its pixels transferred, not
// copied). The JS decoders (the very ones the CLI uses, so both see the same pixels) take seconds on a
// 12-megapixel photo: here they do not stop the page.
import { decodeImage } from '../src/io/image.ts';
import type { Picture } from '../src/io/resize.ts';

export type DecodeReply = { ok: true; picture: Picture; notes: string[] } | { ok: false; message: string; hint?: string };

self.onmessage = (e: MessageEvent<ArrayBuffer>) => {
  const post = (reply: DecodeReply, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(reply, transfer);
  try {
    const { picture, notes } = decodeImage(new Uint8Array(e.data));
    post({ ok: true, picture, notes }, [picture.data.buffer]);
  } catch (err) {
    const error = err as Error & { hint?: string };
    post({ ok: false, message: error.message, hint: error.hint });
  }
};
