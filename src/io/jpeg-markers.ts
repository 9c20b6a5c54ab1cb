// JPEG marker segments, read without decoding: the frame size (to refuse a huge photo before allocating
// it), the end-of-image marker (to tell a cut-short file), and the EXIF orientation tag (0x0112).
// Reference: ITU T.81 annex B; EXIF 2.32 (JEITA CP-3451), section 4.6.

/** Walks the JPEG markers up to the first scan: the APPn/SOFn segments, each as [marker, start, end). */
function* jpegSegments(b: Uint8Array): Generator<[number, number, number]> {
  let i = 2;
  while (i + 4 <= b.length) {
    if (b[i] !== 0xff) return;
    const marker = b[i + 1];
    if (marker === 0xff) {
      i++; // fill byte
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      i += 2;
      continue;
    }
    const length = (b[i + 2] << 8) | b[i + 3];
    yield [marker, i + 4, Math.min(i + 2 + length, b.length)];
    if (marker === 0xda) return; // start of scan: entropy-coded data follows
    i += 2 + length;
  }
}

/** Width and height from the frame header (SOFn); null when none comes before the scan. */
export function jpegSize(b: Uint8Array): { width: number; height: number } | null {
  for (const [marker, start] of jpegSegments(b))
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc)
      return { height: (b[start + 1] << 8) | b[start + 2], width: (b[start + 3] << 8) | b[start + 4] };
  return null;
}

/**
 * An EOI marker (FF D9) after the first scan: entropy-coded data cannot hold one (its FF bytes are
 * stuffed), and searching from the scan skips EXIF thumbnails and tolerates data appended after the image.
 */
export function hasEndMarker(b: Uint8Array): boolean {
  let from = b.length;
  for (const [marker, , end] of jpegSegments(b)) if (marker === 0xda) from = end;
  for (let i = from; i + 1 < b.length; i++) if (b[i] === 0xff && b[i + 1] === 0xd9) return true;
  return false;
}

/** The EXIF orientation tag (0x0112) of a JPEG's APP1 segment, 1 (as stored) when there is none. */
export function jpegOrientation(b: Uint8Array): number {
  for (const [marker, start, end] of jpegSegments(b)) {
    if (marker !== 0xe1 || end - start < 14) continue;
    if (String.fromCharCode(...b.subarray(start, start + 6)) !== 'Exif\0\0') continue;
    const tiff = start + 6;
    const little = b[tiff] === 0x49; // 'II' little-endian, 'MM' big-endian
    const u16 = (at: number) => (at + 2 > end ? 0 : little ? b[at] | (b[at + 1] << 8) : (b[at] << 8) | b[at + 1]);
    const u32 = (at: number) => (at + 4 > end ? 0 : little ? (u16(at) | (u16(at + 2) << 16)) >>> 0 : ((u16(at) << 16) | u16(at + 2)) >>> 0);
    const ifd = tiff + u32(tiff + 4);
    const count = u16(ifd);
    for (let k = 0; k < count; k++) {
      const entry = ifd + 2 + 12 * k;
      if (entry + 12 > end) break;
      if (u16(entry) === 0x0112) {
        const v = u16(entry + 8);
        return v >= 1 && v <= 8 ? v : 1;
      }
    }
  }
  return 1;
}
