// base64 both ways, in the browser and in Node: the weight shards of nsfwjs' bundles, graph files that
// carry their weights (src/io/weights-file.ts), share links.

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const SEXTET = new Int16Array(128).fill(-1);
for (let k = 0; k < BASE64.length; k++) SEXTET[BASE64.charCodeAt(k)] = k;
SEXTET['-'.charCodeAt(0)] = 62; // base64url
SEXTET['_'.charCodeAt(0)] = 63;

/** Standard or URL-safe base64, padding optional, no whitespace; throws at the first foreign character. */
export function base64ToBytes(text: string, what = 'base64 data'): Uint8Array {
  let n = text.length;
  while (n > 0 && text.charCodeAt(n - 1) === 61) n--; // '='
  if (n % 4 === 1) throw new Error(`${what} is not valid base64: ${n} characters is not a length base64 produces`);
  const out = new Uint8Array(Math.floor((n * 3) / 4));
  let bits = 0, count = 0, o = 0;
  for (let k = 0; k < n; k++) {
    const code = text.charCodeAt(k);
    const v = code < 128 ? SEXTET[code] : -1;
    if (v < 0) throw new Error(`${what} is not valid base64: character ${JSON.stringify(text[k])} at offset ${k}`);
    bits = (bits << 6) | v;
    count += 6;
    if (count >= 8) {
      count -= 8;
      out[o++] = (bits >> count) & 0xff;
    }
  }
  return out;
}

/** Standard base64 with padding; chunked so that megabytes of weights do not overflow the call stack. */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
