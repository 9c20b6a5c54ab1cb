// The webcam as an input, with Chromium's fake camera (a synthetic moving picture): live, freeze a frame,
// and that frame is what the Input is fed. Without getUserMedia the button is not there at all.
import { expect, test } from '@playwright/test';
import { chromiumArgs, chromiumPath } from '../scripts/gpu-env.mjs';

test.use({
  viewport: { width: 1600, height: 1000 },
  launchOptions: { executablePath: chromiumPath(), args: [...chromiumArgs, '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'] },
  permissions: ['camera'],
});

test('freeze a webcam frame and it feeds the Input', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('input-source')).toContainText('chelsea.png');
  await page.getByTestId('webcam').click();
  await expect(page.locator('dw-input-panel video')).toBeVisible();
  await expect.poll(() => page.locator('dw-input-panel video').evaluate((v: HTMLVideoElement) => v.videoWidth)).toBeGreaterThan(0);
  await page.getByTestId('webcam-freeze').click();
  await expect(page.getByTestId('input-source')).toContainText(/webcam frame \(\d+×\d+\)/);
  await expect(page.getByTestId('webcam-freeze')).toHaveText('Live again');
  await page.getByTestId('webcam').click();
  await expect(page.locator('dw-input-panel video')).toHaveCount(0);
});

test('no camera API: no webcam button', async ({ page }) => {
  await page.addInitScript(() => Object.defineProperty(navigator, 'mediaDevices', { value: undefined }));
  await page.goto('/');
  await expect(page.getByTestId('input-source')).toContainText('chelsea.png');
  await expect(page.getByTestId('webcam')).toHaveCount(0);
});
