import { expect, test } from '@playwright/test';
test('lt', async ({ page }) => {
  test.setTimeout(400_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.setViewportSize({ width: 1600, height: 1000 });
  await page.goto('/');
  await expect(page.getByTestId('input-preview')).toBeVisible({ timeout: 20000 });
  await page.evaluate(() => {
    const w = window as unknown as { long_: number[] };
    w.long_ = [];
    new PerformanceObserver((list) => list.getEntries().forEach((e) => w.long_.push(Math.round(e.duration)))).observe({ type: 'longtask', buffered: false });
  });
  await page.evaluate(() => window.deepwire.run());
  await page.waitForTimeout(5000);
  console.log('default', await page.evaluate(() => (window as unknown as { long_: number[] }).long_));
  await page.evaluate(() => { (window as unknown as { long_: number[] }).long_ = []; });
  await page.getByTestId('cmd-pretrained').click();
  await expect(page.getByTestId('status-nodes')).not.toHaveText('14', { timeout: 120000 });
  console.log('open', await page.evaluate(() => (window as unknown as { long_: number[] }).long_));
  await page.evaluate(() => { (window as unknown as { long_: number[] }).long_ = []; });
  await page.evaluate(() => window.deepwire.run());
  await page.waitForTimeout(15000);
  console.log('pre', await page.evaluate(() => (window as unknown as { long_: number[] }).long_), errors);
});
