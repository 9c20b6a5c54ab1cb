// Maps that change as the network learns: training runs a fixed probe image (the first Fashion-MNIST test
// image) before the first step and after each epoch; the activation viewer of the selected node follows the
// latest snapshot and a slider steps back through them; the first convolution's kernels are drawn per snapshot.
// The probe's map after the last epoch equals what Run computes with the trained weights on the same image.
import { expect, test, type Page } from '@playwright/test';
import { openEditor, selectNode } from './editor-helpers.ts';
import { feedTestImage } from './fashion-helpers.ts';
import { activationStats, clickRun, expectNear, shownStats } from './run-helpers.ts';

test.use({ viewport: { width: 1600, height: 1000 } });
test.setTimeout(240_000);

const viewerTitle = (page: Page) => page.getByTestId('activation-viewer').locator('h2');
/** Moves the snapshot slider with the keyboard, as a user can: Home, End, or arrow steps. */
async function slide(page: Page, ...keys: string[]): Promise<void> {
  const slider = page.getByTestId('probe-slider');
  await slider.focus();
  for (const key of keys) await slider.press(key);
}
const kernelSources = (page: Page) => page.getByTestId('probe-kernels').locator('img').evaluateAll((imgs) => imgs.map((i) => (i as HTMLImageElement).src));

test('the viewer shows the probe after each epoch, the slider steps back, kernels drawn; the last snapshot is what Run computes', async ({ page }) => {
  await openEditor(page, '/?example=fashion-cnn');
  await selectNode(page, 'conv2d');
  await page.evaluate(() => window.deepwire.fit({ epochs: 2, stepsPerEpoch: 3, learningRate: 0.01 }));

  // Three snapshots: before training and after each epoch; the viewer followed to the latest, for the selected node.
  await expect(page.getByTestId('probe-label')).toHaveText('after epoch 2 (3/3)');
  await expect(viewerTitle(page)).toHaveText('conv2d · probe, after epoch 2');
  await expect(page.getByTestId('probe-show')).toBeChecked();
  await expect(page.getByTestId('probe-kernels')).toHaveAttribute('data-count', '32');
  await expect(page.getByTestId('probe-kernels').locator('img')).toHaveCount(32);
  await expect.poll(async () => (await shownStats(page)).max).toBeGreaterThan(0);
  const trainedMaps = await shownStats(page);
  const trainedKernels = await kernelSources(page);

  // Back to before training: other maps, other kernels.
  await slide(page, 'Home');
  await expect(page.getByTestId('probe-label')).toHaveText('before training (1/3)');
  await expect(viewerTitle(page)).toHaveText('conv2d · probe, before training');
  await expect.poll(async () => (await shownStats(page)).mean).not.toBeCloseTo(trainedMaps.mean, 5);
  expect(await kernelSources(page)).not.toEqual(trainedKernels);
  await slide(page, 'End');
  await expect(viewerTitle(page)).toHaveText('conv2d · probe, after epoch 2');

  // Run on the probe image (test image 0, as a .npy) with the trained weights: the viewer is Run's again, and
  // it equals the last snapshot.
  await feedTestImage(page, 0);
  await clickRun(page, 1);
  await expect(viewerTitle(page)).toHaveText('conv2d');
  await expect(page.getByTestId('probe-show')).not.toBeChecked();
  const run = (await activationStats(page, 'conv1'))!;
  for (const key of ['min', 'max', 'mean', 'std'] as const) expectNear(trainedMaps[key], run[key], `conv1 ${key}`, { atol: 1e-5, rtol: 1e-4 });
  // The slider shows the probe again.
  await slide(page, 'Home', 'ArrowRight');
  await expect(viewerTitle(page)).toHaveText('conv2d · probe, after epoch 1');
});

test('Stop pressed as the last batch ends stops nothing: the run is done, and no snapshot says stopped', async ({ page }) => {
  await openEditor(page, '/?example=fashion-cnn');
  await selectNode(page, 'conv2d');
  await page.getByTestId('train-button').click();
  // Stop clicked the moment the progress shows the last batch, before training takes its next turn.
  await page.locator('dw-train-panel').evaluate((panel) => {
    const watch = new MutationObserver(() => {
      if (!panel.shadowRoot!.querySelector('[data-testid="train-progress-text"]')?.textContent?.startsWith('Epoch 2/2 · batch 3/3')) return;
      watch.disconnect();
      panel.shadowRoot!.querySelector<HTMLButtonElement>('[data-testid="train-stop"]')!.click();
    });
    watch.observe(panel.shadowRoot!, { subtree: true, childList: true, characterData: true });
  });
  await page.evaluate(() => window.deepwire.fit({ epochs: 2, stepsPerEpoch: 3, learningRate: 0.01 }));
  await expect(page.getByTestId('train-status')).toHaveText('done');
  await expect(page.getByTestId('train-result')).toContainText('Trained 2 epochs (6 steps)');
  await expect(page.getByTestId('probe-label')).toHaveText('after epoch 2 (3/3)');
  await expect(viewerTitle(page)).toHaveText('conv2d · probe, after epoch 2');
});
