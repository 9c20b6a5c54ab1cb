// What a training run leaves, as a person finds it: the run kept with the graph (curves, Keras History, the
// confusion matrix of the validation split) and still there after a reload; a misclassified image opened as the
// input, which the model then predicts as the matrix says; the trained model exported as Keras JSON + weights
// and as ONNX; two runs overlaid and the overlay chosen. Steps are few: a fashion-cnn step takes 0.5–1 s here.
import { readFileSync } from 'node:fs';
import { expect, test, type Download, type Page } from '@playwright/test';
import type { TrainingRun } from '../src/index.ts';
import { getGraph, loadGraph, openEditor } from './editor-helpers.ts';

test.use({ viewport: { width: 1600, height: 1000 } });
test.setTimeout(240_000);

const chart = (page: Page) => page.getByTestId('train-chart');
const runsOf = async (page: Page) => ((await getGraph(page)).training?.runs ?? []) as TrainingRun[];
const bytesOf = async (d: Download) => readFileSync((await d.path())!);

/** Clicks `button` and collects the `count` downloads it starts; an export the panel refuses fails with its words. */
async function downloads(page: Page, button: string, count: number): Promise<Download[]> {
  const got: Download[] = [];
  let onDownload = (_: Download) => {};
  const all = new Promise<Download[]>((resolve) => (onDownload = (d) => (got.push(d), got.length === count && resolve(got))));
  page.on('download', onDownload);
  const refused = page.getByTestId('train-results-notice');
  try {
    await page.getByTestId(button).click();
    // The refusal's wait never settles once the downloads won (a timeout there is no failure).
    const refusal = refused.waitFor({ timeout: 120_000 }).then(async () => { throw new Error((await refused.textContent()) ?? 'export refused'); }, () => new Promise<never>(() => {}));
    return await Promise.race([all, refusal]);
  } finally {
    page.off('download', onDownload);
  }
}

test('a run stays with the graph: curves, History and confusion matrix after a reload; a misclassified image opens as the input; export', async ({ page }) => {
  await openEditor(page, '/?example=fashion-cnn');
  await page.getByTestId('train-button').click();
  // The untrained model's Keras export, to tell the trained weights from it.
  const [, untrainedShard] = await downloads(page, 'train-export-keras', 2);
  const untrained = new Float32Array(new Uint8Array(await bytesOf(untrainedShard)).buffer);

  const result = await page.evaluate(() => window.deepwire.fit({ epochs: 1, stepsPerEpoch: 6, validationSplit: 0.1, learningRate: 0.003 }));
  const [run] = await runsOf(page);
  expect(await runsOf(page)).toHaveLength(1);
  // Kept as the CLI's --history file has it, the History equal to what fit resolved to.
  expect(run.history.loss[0]).toBeCloseTo(result.history.loss[0], 4);
  expect(run.history.val_accuracy![0]).toBeCloseTo(result.history.val_accuracy![0], 4);
  expect(run.params).toMatchObject({ optimizer: 'adam', learningRate: 0.003, batchSize: 32, validationSplit: 0.1, steps: [6] });
  expect(run.batches.loss).toHaveLength(6);
  // The confusion matrix covers the 200 validation images (0.1 of 2 000); its diagonal is the val_accuracy.
  const { matrix, misclassified } = run.evaluation!;
  expect(run.evaluation!.split).toBe('validation');
  expect(matrix.flat().reduce((a, b) => a + b, 0)).toBe(200);
  const right = matrix.reduce((sum, row, i) => sum + row[i], 0);
  expect(right / 200).toBeCloseTo(result.history.val_accuracy![0], 4);
  expect(misclassified.length).toBe(Math.min(24, 200 - right));

  const evaluation = page.getByTestId('train-evaluation');
  await expect(evaluation).toContainText(`validation split: 200 images, accuracy ${(right / 200).toFixed(4)}`);
  await expect(page.getByTestId('confusion-cell')).toHaveCount(100);
  await expect(page.getByTestId('misclassified')).toHaveCount(misclassified.length);
  await expect(page.getByTestId('misclassified').first().locator('img')).toBeVisible();

  // The most confident mistake as the input: the model (its weights in the graph) calls it what the matrix says.
  const first = misclassified[0];
  await page.getByTestId('misclassified').first().click();
  await expect(page.getByTestId('input-source')).toContainText(`validation image ${first.index}:`);
  await expect(page.getByTestId('activation-viewer')).toBeVisible();
  const predicted = await page.evaluate(() => window.deepwire.predict());
  expect(predicted.top[0].index).toBe(first.predicted);
  expect(predicted.top[0].value).toBeCloseTo(first.confidence, 3);

  // Export: the Keras model JSON names its shard; the shard holds the trained weights (not the initial ones).
  const [modelJson, shard] = await downloads(page, 'train-export-keras', 2);
  expect(modelJson.suggestedFilename()).toBe('fashion-cnn.json');
  expect(shard.suggestedFilename()).toBe('fashion-cnn.weights.bin');
  const model = JSON.parse((await bytesOf(modelJson)).toString('utf8'));
  expect(model.weightsManifest[0].paths).toEqual(['fashion-cnn.weights.bin']);
  expect(model.modelTopology.config.layers.map((l: { class_name: string }) => l.class_name)).toContain('Conv2D');
  const trained = new Float32Array(new Uint8Array(await bytesOf(shard)).buffer);
  expect(trained.length).toBe(untrained.length);
  expect(trained.length).toBe(Number((await page.evaluate(() => window.deepwire.summary())).totals.params));
  expect(Math.max(...trained.map((v, i) => Math.abs(v - untrained[i])))).toBeGreaterThan(1e-3);
  const [onnx] = await downloads(page, 'train-export-onnx', 1);
  expect(onnx.suggestedFilename()).toBe('fashion-cnn.onnx');
  expect((await bytesOf(onnx)).length).toBeGreaterThan(trained.length * 4);
  // The ONNX file opened again ("Open model"): the same prediction on the same image, from the file's weights.
  await page.getByTestId('open-model').click();
  await page.getByTestId('onnx-input').setInputFiles({ name: 'fashion-cnn.onnx', mimeType: 'application/octet-stream', buffer: await bytesOf(onnx) });
  await expect(page.getByTestId('open-model-dialog')).toBeHidden({ timeout: 30_000 });
  const reopened = await page.evaluate(() => window.deepwire.predict());
  expect(reopened.top[0].index).toBe(predicted.top[0].index);
  reopened.values.forEach((v, i) => expect(v).toBeCloseTo(predicted.values[i], 4));
  await page.getByTestId('cmd-undo').click();

  // Save with weights: one .json carrying the trained weights; opened after New, it predicts as before, exactly.
  await page.getByTestId('cmd-export').click();
  const saving = page.waitForEvent('download');
  await page.getByTestId('cmd-save-weights').click();
  const saved = await saving;
  expect(saved.suggestedFilename()).toBe('fashion-cnn.json');
  const file = JSON.parse((await bytesOf(saved)).toString('utf8'));
  expect(file.embeddedWeights.data).toMatch(/^data:application\/octet-stream;base64,/);
  expect(file.embeddedWeights.tensors.reduce((n: number, t: { shape: number[] }) => n + t.shape.reduce((a, b) => a * b, 1), 0)).toBe(trained.length);
  await expect(page.getByTestId('message')).toContainText(`Saved fashion-cnn.json with ${file.embeddedWeights.tensors.length} weight tensors inside`);
  await page.getByTestId('cmd-new').click();
  await page.getByTestId('open-file').setInputFiles({ name: 'fashion-cnn.json', mimeType: 'application/json', buffer: await bytesOf(saved) });
  await expect(page.getByTestId('message')).toContainText(`Opened fashion-cnn.json with its weights (${file.embeddedWeights.tensors.length} tensors)`);
  const opened = await getGraph(page);
  expect(opened).not.toHaveProperty('embeddedWeights');
  expect(opened.nodes.find((n) => n.op === 'Conv2D')!.weights?.kernel).toBeTruthy();
  const fromFile = await page.evaluate(() => window.deepwire.predict());
  expect(fromFile.values).toEqual(predicted.values);

  // After a reload the run is still there: the chart, the matrix and the run list.
  await page.reload();
  await expect(page.getByTestId('node').first()).toBeVisible();
  expect((await runsOf(page)).map((r) => r.id)).toEqual([run.id]);
  await page.getByTestId('train-button').click();
  await expect(chart(page)).toHaveAttribute('data-points', '6');
  await expect(page.getByTestId('train-run')).toContainText('fashion-cnn · adam 0.003, batch 32 · 1 epoch (6 steps)');
  await expect(page.getByTestId('confusion-cell')).toHaveCount(100);
  await expect(page.getByTestId('misclassified').first().locator('img')).toBeVisible();
});

test('two runs overlaid: the new one over the one before, another picked, or none', async ({ page }) => {
  await openEditor(page, '/?example=fashion-cnn');
  await page.evaluate(() => window.deepwire.fit({ epochs: 1, stepsPerEpoch: 3, optimizer: 'sgd' }));
  await page.evaluate(() => window.deepwire.fit({ epochs: 1, stepsPerEpoch: 5 }));
  const [sgd, adam] = await runsOf(page);
  expect([sgd.params.optimizer, adam.params.optimizer]).toEqual(['sgd', 'adam']);
  await expect(chart(page)).toHaveAttribute('data-points', '5');
  await expect(page.getByTestId('chart-previous')).toContainText('compared with: fashion-cnn · sgd 0.01, batch 32 · 1 epoch (3 steps)');
  // The earlier run shown, the later overlaid.
  await page.getByTestId('train-run').selectOption(sgd.id);
  await expect(chart(page)).toHaveAttribute('data-points', '3');
  await page.getByTestId('train-compare').selectOption(adam.id);
  await expect(page.getByTestId('chart-previous')).toContainText('compared with: fashion-cnn · adam 0.001, batch 32 · 1 epoch (5 steps)');
  await page.getByTestId('train-compare').selectOption({ label: 'none' });
  await expect(page.getByTestId('chart-previous')).toHaveCount(0);
  // The overlay is drawn: the grey batch curve has a point per step of the other run.
  await page.getByTestId('train-compare').selectOption(adam.id);
  const d = await page.locator('dw-train-chart').getByTestId('train-chart-loss').locator('path.previous.batch').getAttribute('d');
  expect(d!.match(/[ML]/g)).toHaveLength(5);
  // By step the 3-step run ends before the 5-step one; by epoch both end at epoch 1.
  const lastX = async (selector: string) => Number(/([\d.]+),[\d.]+$/.exec((await page.locator('dw-train-chart').getByTestId('train-chart-loss').locator(selector).getAttribute('d'))!)![1]);
  expect(await lastX('path.batch:not(.previous)')).toBeLessThan(await lastX('path.previous.batch'));
  await page.getByTestId('chart-x-unit').selectOption('epoch');
  await expect(page.locator('dw-train-chart').getByTestId('train-chart-loss')).toContainText('epoch');
  expect(await lastX('path.batch:not(.previous)')).toBeCloseTo(await lastX('path.previous.batch'), 1);
  // Undo takes the last run away with its weights.
  await page.getByTestId('cmd-undo').click();
  expect((await runsOf(page)).map((r) => r.id)).toEqual([sgd.id]);

  // Another graph (the residual net) has no runs of its own; the library offers this graph's to show or overlay.
  await loadGraph(page, JSON.parse(readFileSync('examples/fashion-residual.json', 'utf8')));
  expect(await runsOf(page)).toEqual([]);
  await expect(chart(page)).toHaveAttribute('data-points', '0');
  await page.getByTestId('train-run').selectOption(adam.id);
  await expect(chart(page)).toHaveAttribute('data-points', '5');
  await expect(page.getByTestId('train-compare')).toContainText('fashion-cnn · sgd 0.01, batch 32 · 1 epoch (3 steps)');
});
