// The production build as a user meets it on a static host (`vite preview` of dist/): the page, a run
// with its maps, a pretrained model, no development-only console output, the CSP as a header; then,
// with the network gone, a reload that still opens the editor, runs and opens the model from the
// service worker's cache.
import { expect, test, type Page } from '@playwright/test';
import { clickRun } from '../run-helpers.ts';

test.use({ viewport: { width: 1600, height: 1000 } });

/** Console lines and page errors, to check none is a development-mode warning or an error. */
function collectConsole(page: Page): string[] {
  const lines: string[] = [];
  page.on('console', (m) => lines.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => lines.push(`pageerror: ${e.message}`));
  return lines;
}

/** The service worker's registration as the page sees it, for the message of a failed wait. */
async function serviceWorkerState(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const registration = await navigator.serviceWorker.getRegistration();
    if (!registration) return 'no service worker registered yet';
    const state = (w: ServiceWorker | null) => w?.state ?? 'none';
    return `service worker: installing ${state(registration.installing)}, waiting ${state(registration.waiting)}, active ${state(registration.active)}`;
  });
}

async function openPretrainedMobileNet(page: Page): Promise<void> {
  await page.getByTestId('open-model').click();
  await page.getByTestId('pretrained-MobileNetV2-pretrained').click();
  await expect(page.getByTestId('open-model-dialog')).toBeHidden({ timeout: 90_000 });
  // Keras' MobileNetV2(include_top=False, pooling='avg') count.
  await expect(page.getByTestId('status-params')).toHaveText('2,257,984');
}

test('the built site: runs, shows maps, opens a model, sends its CSP, then works offline', async ({ page, context }) => {
  test.setTimeout(300_000);
  const consoleLines = collectConsole(page);
  const response = await page.goto('/');
  const csp = response!.headers()['content-security-policy'];
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("frame-ancestors 'none'");
  // The same policy in the page, for hosts that send no headers.
  const meta = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  expect(csp.startsWith(meta!)).toBe(true);

  await expect(page.getByTestId('self-test')).toHaveAttribute('data-state', 'ok', { timeout: 60_000 });
  await expect(page.getByTestId('input-source')).toContainText('chelsea.png (451×300)');
  expect(await clickRun(page, 1)).toContain('ran 13 nodes');
  await expect(page.getByTestId('activation-viewer').getByTestId('channel-tile').first()).toBeVisible();

  // The service worker has cached the whole site (app, models, samples) once it says so. Its banner
  // hides after 6 s (it may have come and gone during the run above); the host's attribute stays.
  const offlineReady = page.locator('dw-update-banner[data-offline="ready"]');
  await expect(offlineReady).toBeAttached({ timeout: 120_000 }).catch(async (error: Error) => {
    throw new Error(`the site never said it works offline (${await serviceWorkerState(page)})\n${error.message}`);
  });
  await openPretrainedMobileNet(page);
  expect(consoleLines.filter((l) => /dev mode|development|not recommended for production/i.test(l))).toEqual([]);
  expect(consoleLines.filter((l) => l.startsWith('error') || l.startsWith('pageerror'))).toEqual([]);

  await context.setOffline(true);
  await page.reload();
  await expect(page.getByTestId('self-test')).toHaveAttribute('data-state', 'ok', { timeout: 60_000 });
  await expect(page.getByTestId('input-source')).toContainText('chelsea.png (451×300)');
  await openPretrainedMobileNet(page);
  expect(await clickRun(page, 1)).toMatch(/ran \d+ nodes/);
  await context.setOffline(false);
});
