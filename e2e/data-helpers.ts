// Photos for the own-data tests: crops of the bundled samples (public/samples/), cut in the page with a
// canvas and handed back as PNG files, so the tests need nothing but what the app ships.
import { expect, type Locator, type Page } from '@playwright/test';

export interface Crop { x: number; y: number; size: number }
export interface PngFile { name: string; mimeType: string; buffer: Buffer }

/** Square crops of a sample photo as PNG files named `${prefix}-${k}.png`. */
export async function crops(page: Page, sample: string, prefix: string, boxes: Crop[]): Promise<PngFile[]> {
  const encoded = await page.evaluate(async ({ sample, boxes }) => {
    const image = await createImageBitmap(await (await fetch(`/samples/${sample}`)).blob());
    return boxes.map((b) => {
      const canvas = Object.assign(document.createElement('canvas'), { width: b.size, height: b.size });
      canvas.getContext('2d')!.drawImage(image, b.x, b.y, b.size, b.size, 0, 0, b.size, b.size);
      return canvas.toDataURL('image/png').split(',')[1];
    });
  }, { sample, boxes });
  return encoded.map((b64, k) => ({ name: `${prefix}-${k}.png`, mimeType: 'image/png', buffer: Buffer.from(b64, 'base64') }));
}

/** A grid of `count` square crops of `size` spread over a w×h photo, from offset `from` on. */
export function grid(w: number, h: number, size: number, count: number, from = 0): Crop[] {
  const spots: Crop[] = [];
  const steps = Math.ceil(Math.sqrt(count + from));
  for (let k = 0; k < steps * steps; k++) {
    const i = k % steps, j = Math.floor(k / steps);
    spots.push({ x: Math.round(i * (w - size) / Math.max(1, steps - 1)), y: Math.round(j * (h - size) / Math.max(1, steps - 1)), size });
  }
  return spots.slice(from, from + count);
}

export const classSet = (page: Page, name: string): Locator => page.locator(`[data-testid="class-set"][data-name="${name}"]`);
export const bucket = (page: Page, set: string, index: number): Locator => classSet(page, set).getByTestId('bucket').nth(index);

/** Types a value into a text field and commits it (Enter fires its change event; a renamed set's locator then no longer finds it). */
export async function commitText(field: Locator, value: string): Promise<void> {
  await field.fill(value);
  await field.press('Enter');
}

/** Fills class `index` of set `set` with files through its "Add photos…" picker and waits for the count. */
export async function addPhotos(page: Page, set: string, index: number, files: PngFile[], expectCount: number): Promise<void> {
  await bucket(page, set, index).getByTestId('bucket-files').setInputFiles(files);
  await expect(bucket(page, set, index).getByTestId('bucket-count')).toHaveText(`${expectCount} image${expectCount === 1 ? '' : 's'}`, { timeout: 30_000 });
}
