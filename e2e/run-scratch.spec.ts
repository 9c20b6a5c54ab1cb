import { expect, test } from '@playwright/test';
test('scratch', async ({ page }) => {
  test.setTimeout(120_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.setViewportSize({ width: 1600, height: 1000 });
  await page.goto('/');
  await expect(page.getByTestId('input-preview')).toBeVisible({ timeout: 20000 });
  const t0 = Date.now();
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('run-summary')).toContainText('ran 14 nodes', { timeout: 90000 });
  console.log('run ms', Date.now() - t0, await page.getByTestId('run-summary').textContent());
  await expect(page.getByTestId('activation-viewer')).toBeVisible();
  await expect(page.getByTestId('channel-tile').first()).toBeVisible();
  await page.waitForTimeout(3000);
  await page.screenshot({ path: '/tmp/dw/shot1.png' });
  console.log(errors);
});
