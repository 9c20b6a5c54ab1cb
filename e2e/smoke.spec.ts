// The first page end to end: a WebGPU adapter in the browser, a compute shader that computes, and the
// demo graph (GoogLeNet's stem and Inception 3a) summarised with Keras' parameter count.
import { expect, test } from '@playwright/test';

test('the page finds WebGPU, runs a shader and summarises the stem and Inception 3a', async ({ page }) => {
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto('/');

  const adapter = page.getByTestId('adapter');
  await expect(adapter).not.toHaveAttribute('data-state', 'pending', { timeout: 30_000 });
  await expect(adapter, await adapter.textContent() ?? '').toHaveAttribute('data-state', 'ok');
  await expect(adapter).toContainText('WebGPU adapter found');

  const selfTest = page.getByTestId('self-test');
  await expect(selfTest).toHaveAttribute('data-state', 'ok', { timeout: 30_000 });
  await expect(selfTest).toContainText('[1, 3, 5, 7, 9, …, 1999]: correct');

  // GoogLeNet's stem (7×7/2 64, pool, 1×1 64, 3×3 192, pool: 124,416 params) then the 3a module:
  // 1×1 64 + (1×1 96 → 3×3 128) + (1×1 16 → 5×5 32) + (pool → 1×1 32) = 163,696, biases included.
  await expect(page.getByTestId('total-params')).toHaveText('288,112');
  await expect(page.getByTestId('summary-row').filter({ hasText: 'Concatenate' })).toContainText('28×28×256');
  await expect(page.getByTestId('status-problems')).toHaveText('no problems');
  await expect(page.getByTestId('node')).toHaveCount(14);

  const photo = page.getByTestId('sample-photo');
  await expect(photo).toBeVisible();
  expect(await photo.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(451);
  expect(pageErrors).toEqual([]);
});
