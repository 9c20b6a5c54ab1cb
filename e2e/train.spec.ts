// Training in the editor, as a person does it: open the fashion CNN, open the Train panel, train a few
// steps on the built-in Fashion-MNIST subset with the curves drawn live, pause, resume, stop (the weights
// learnt so far stay), and Run on the photo with the trained weights. Also window.deepwire.fit() (Keras'
// History) and a graph that cannot train. Steps are few: a fashion-cnn step of 32 takes 0.5–1 s on SwiftShader.
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import type { GraphFile } from '../src/index.ts';
import { getGraph, loadGraph, openEditor } from './editor-helpers.ts';
import { clickRun } from './run-helpers.ts';

test.use({ viewport: { width: 1600, height: 1000 } });
test.setTimeout(180_000);

const fashionCnn = JSON.parse(readFileSync('examples/fashion-cnn.json', 'utf8')) as GraphFile;

const panel = (page: Page) => page.locator('dw-train-panel');
const chart = (page: Page) => page.getByTestId('train-chart');
const points = async (page: Page) => Number(await chart(page).getAttribute('data-points'));

async function openTrainPanel(page: Page): Promise<void> {
  await page.getByTestId('train-button').click();
  await expect(panel(page)).toBeVisible();
}

async function setField(page: Page, key: string, value: string): Promise<void> {
  await page.getByTestId(`train-${key}`).fill(value);
}

/** Watches the page from now until stopHeartbeat(): a 20 ms heartbeat's gaps and the main thread's long tasks
 *  (as e2e/editor-perf.spec.ts does), so no test-runner polling is counted. */
async function startHeartbeat(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { beat_: { gaps: number[]; tasks: number[]; timer: number; observer: PerformanceObserver } };
    let last = performance.now();
    const observer = new PerformanceObserver((list) => w.beat_.tasks.push(...list.getEntries().map((e) => e.duration)));
    observer.observe({ entryTypes: ['longtask'] });
    w.beat_ = { gaps: [], tasks: [], observer, timer: window.setInterval(() => {
      const now = performance.now();
      w.beat_.gaps.push(now - last);
      last = now;
    }, 20) };
  });
}

const stopHeartbeat = (page: Page) => page.evaluate(() => {
  const w = window as unknown as { beat_: { gaps: number[]; tasks: number[]; timer: number; observer: PerformanceObserver } };
  clearInterval(w.beat_.timer);
  w.beat_.observer.disconnect();
  return { gaps: w.beat_.gaps, tasks: w.beat_.tasks };
});

test('a graph that cannot train says why in the panel and loses nothing; options are checked', async ({ page }) => {
  await openEditor(page, '/?example=fashion-cnn');
  const five = structuredClone(fashionCnn);
  five.nodes.find((n) => n.id === 'classes')!.attrs = { units: 5, activation: 'softmax' };
  await loadGraph(page, five);
  const before = await getGraph(page);
  await openTrainPanel(page);
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-error')).toContainText("the output 'dense' is 5, the data has 10 classes: end the network in a Dense of 10 units");
  await expect(page.getByTestId('train-status')).toHaveText('failed');
  expect(await getGraph(page)).toEqual(before);
  // A field that does not check says so and Start waits for it.
  await setField(page, 'epochs', '0');
  await expect(page.getByTestId('train-error')).toContainText('epochs must be a whole number ≥ 1');
  await expect(page.getByTestId('train-start')).toBeDisabled();
  const refused = await page.evaluate(() => window.deepwire.fit({ batch_size: 32 }).then(() => 'trained', (e: Error) => e.message));
  expect(refused).toContain("use 'batchSize'");
});

test('train the fashion CNN: progress and live curves, pause and resume, stop keeps the weights, Run uses them', async ({ page }) => {
  await openEditor(page, '/?example=fashion-cnn');
  // The photo fed before the first Run, so that the outputs after training differ by the weights only.
  await expect(page.getByTestId('input-source')).toContainText('chelsea.png');
  await clickRun(page, 1);
  const logits = () => page.evaluate(async () => Array.from((await window.deepwire.activation('classes'))!.data));
  const before = await logits();

  await openTrainPanel(page);
  await expect(page.getByTestId('train-code')).toContainText('model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.001), loss="sparse_categorical_crossentropy", metrics=["accuracy"])');
  await setField(page, 'epochs', '3');
  await setField(page, 'stepsPerEpoch', '8');
  await setField(page, 'validationSplit', '0.1');
  await expect(page.getByTestId('train-code')).toContainText('model.fit(x_train, y_train, batch_size=32, epochs=3, validation_split=0.1, steps_per_epoch=8)');

  await startHeartbeat(page);
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-progress')).toBeVisible();
  await expect(page.getByTestId('train-button')).toHaveText('Training…');
  await expect.poll(() => points(page), { timeout: 90_000 }).toBeGreaterThanOrEqual(2);
  await expect(page.getByTestId('train-progress-text')).toContainText(/Epoch \d\/3 · batch \d\/8 · [\d.]+ images\/s · ETA \d+:\d\d/);

  // Paused (once the batch in flight has ended), no batch is taken.
  await page.getByTestId('train-pause').click();
  await expect(page.getByTestId('train-status')).toHaveText('paused', { timeout: 30_000 });
  const paused = await points(page);
  await page.waitForTimeout(2000);
  expect(await points(page)).toBe(paused);
  await page.getByTestId('train-resume').click();
  await expect(page.getByTestId('train-status')).toHaveText('training');

  // The first epoch ends with its mean and the validation loss on the chart; stop during the second.
  await expect(chart(page).getByTestId('val-point').first()).toBeVisible({ timeout: 90_000 });
  await expect.poll(() => points(page), { timeout: 90_000 }).toBeGreaterThanOrEqual(10);
  await page.getByTestId('train-stop').click();
  await expect(page.getByTestId('train-status')).toHaveText('stopped', { timeout: 30_000 });
  const { gaps, tasks } = await stopHeartbeat(page);
  const steps = await points(page);
  expect(steps).toBeGreaterThanOrEqual(10);
  expect(steps).toBeLessThan(24);
  await expect(page.getByTestId('train-result')).toContainText(`Stopped after ${steps} steps`);
  await expect(page.getByTestId('train-result')).toContainText('The graph has the trained weights');
  const shown = (await page.getByTestId('train-result').textContent())!;
  const loss = Number(/loss (\S+),/.exec(shown)![1]);
  expect(Number.isFinite(loss) && loss > 0 && loss < 2.3).toBe(true); // below ln 10, where an untrained 10-way softmax starts

  // The page kept its heartbeat through the training (steps run on the GPU; the page yields after each).
  // Bounds with room for a loaded machine (load 10 on 2 cores stretched one gap to 1.2 s); a page frozen by
  // training would miss beats for the whole run (tens of seconds).
  const sorted = [...gaps].sort((a, b) => a - b);
  const longestTask = Math.max(0, ...tasks);
  console.log(`training: ${steps} steps, ${gaps.length} heartbeats, median gap ${sorted[sorted.length >> 1].toFixed(0)} ms, longest ${sorted[sorted.length - 1].toFixed(0)} ms; longest task ${longestTask.toFixed(0)} ms`);
  expect(sorted[sorted.length >> 1]).toBeLessThan(100);
  expect(sorted[sorted.length - 1]).toBeLessThan(3000);
  expect(longestTask).toBeLessThan(2000);

  // Hovering the chart reads a step's values.
  const lossPlot = chart(page).getByTestId('train-chart-loss');
  await lossPlot.scrollIntoViewIfNeeded(); // the Train panel scrolls when the window is short
  const box = (await lossPlot.boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2);
  await expect(page.getByTestId('chart-readout')).toContainText(/step \d+ \(epoch \d, batch \d\): loss \d\.\d{4}, accuracy \d\.\d{4}/);

  // The graph refers to the trained weights; Run recomputes with them.
  const graph = await getGraph(page);
  expect(graph.nodes.find((n) => n.id === 'conv1')!.weights?.kernel).toMatch(/^trained-/);
  await clickRun(page, 2);
  const after = await logits();
  expect(after.length).toBe(before.length);
  expect(Math.max(...after.map((v, i) => Math.abs(v - before[i])))).toBeGreaterThan(1e-3);
  // predict() names the classes with the data set's names, kept in the graph with the weights.
  const predicted = await page.evaluate(() => window.deepwire.predict());
  expect(predicted.values).toHaveLength(10);
  expect(predicted.top).toHaveLength(5);
  expect(predicted.top.map((t) => t.name)).toEqual(predicted.top.map((t) => ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'][t.index]));
  expect(predicted.values.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4); // a softmax
  // One undo step back to the weights before.
  await page.getByTestId('cmd-undo').click();
  const undone = await getGraph(page);
  expect(undone.nodes.find((n) => n.id === 'conv1')!.weights).toBeUndefined();
  expect(undone.classNames).toBeUndefined();
});

test('window.deepwire.fit trains as Keras\' model.fit and resolves to its History; the loss falls', async ({ page }) => {
  await openEditor(page, '/?example=fashion-cnn');
  const result = await page.evaluate(() => window.deepwire.fit({ dataset: 'fashion-mnist', epochs: 2, batchSize: 32, stepsPerEpoch: 8, validationSplit: 0.1, optimizer: 'adam', learningRate: 0.002 }));
  const { loss, accuracy, val_loss, val_accuracy } = result.history;
  expect(result.epoch).toEqual([0, 1]);
  for (const series of [loss, accuracy, val_loss!, val_accuracy!]) {
    expect(series).toHaveLength(2);
    expect(series.every(Number.isFinite)).toBe(true);
  }
  expect(accuracy.every((a) => a >= 0 && a <= 1)).toBe(true);
  console.log(`fit: loss ${loss.map((v) => v.toFixed(3))}, val_loss ${val_loss!.map((v) => v.toFixed(3))}, accuracy ${accuracy.map((v) => v.toFixed(3))}`);
  expect(loss[1]).toBeLessThan(loss[0]);
  expect(val_loss![1]).toBeLessThan(val_loss![0]);
  await expect(chart(page)).toHaveAttribute('data-points', '16');
  await expect(chart(page).getByTestId('epoch-point')).toHaveCount(4); // two epochs, on both plots
  await expect(page.getByTestId('train-status')).toHaveText('done');

  // A second run is drawn over the first, which stays in grey for the comparison.
  const again = await page.evaluate(() => window.deepwire.fit({ epochs: 1, stepsPerEpoch: 2, optimizer: 'sgd' }));
  expect(again.history.loss).toHaveLength(1);
  expect(again.history.val_loss).toBeUndefined();
  await expect(chart(page)).toHaveAttribute('data-points', '2');
  await expect(chart(page).getByTestId('chart-previous')).toContainText('compared with: fashion-cnn · adam 0.002, batch 32 · 2 epochs (16 steps) · val_accuracy');

  // The trained weights are kept like an imported model's: after a reload, Run gives the same outputs.
  await clickRun(page, 1);
  const logits = () => page.evaluate(async () => Array.from((await window.deepwire.activation('classes'))!.data));
  const trained = await logits();
  await page.reload();
  await expect(page.getByTestId('node').first()).toBeVisible();
  // The same photo fed (until it is decoded the Input gets a stand-in).
  await expect(page.getByTestId('input-source')).toContainText('chelsea.png');
  await clickRun(page, 1);
  expect(await logits()).toEqual(trained);
});
