// Issue 18's "Verified by", as a new user does it: build the fashion CNN from the palette (Keras' simple
// convnet, examples/fashion-cnn.json), train on the built-in Fashion-MNIST subset from the Train panel, read the accuracy from the chart after the first epoch, stop in a later one,
// reload, find the trained weights and the curve still there, and predict a Fashion-MNIST test image.
import { expect, test, type Page } from '@playwright/test';
import { dropOp, findNode, getGraph, newGraph, openEditor, selectNode, setParam, totalParams, wire } from './editor-helpers.ts';
import { FASHION_CLASSES, feedTestImage, firstTestIndexOf } from './fashion-helpers.ts';

test.use({ viewport: { width: 1600, height: 1000 } });
test.setTimeout(300_000);

const chart = (page: Page) => page.getByTestId('train-chart');

/** Points at the accuracy plot at the first epoch's mean and reads the chart's readout there. */
async function readEpochAccuracy(page: Page): Promise<number> {
  const point = chart(page).getByTestId('train-chart-accuracy').getByTestId('epoch-point').first();
  await point.scrollIntoViewIfNeeded(); // the Train panel scrolls when the window is short
  const box = (await point.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  const readout = page.getByTestId('chart-readout');
  await expect(readout).toContainText('epoch 1 mean:');
  return Number(/epoch 1 mean: loss [\d.]+, accuracy ([\d.]+)/.exec((await readout.textContent())!)![1]);
}

/** Input 28×28×1 → Conv2D 32 3×3 relu → MaxPool → Conv2D 64 3×3 relu → MaxPool → Flatten → Dropout 0.5 → Dense 10 softmax. */
async function buildFashionCnn(page: Page): Promise<void> {
  await newGraph(page);
  const chain: [string, string, number, number][] = [
    ['Input', 'input_1', 20, 40], ['Conv2D', 'conv2d', 260, 40], ['MaxPool2D', 'max_pooling2d', 500, 40], ['Conv2D', 'conv2d_1', 740, 40],
    ['MaxPool2D', 'max_pooling2d_1', 20, 330], ['Flatten', 'flatten', 260, 330], ['Dropout', 'dropout', 500, 330], ['Dense', 'dense', 740, 330],
  ];
  for (const [op, , x, y] of chain) await dropOp(page, op, x, y);
  await selectNode(page, 'input_1');
  await setParam(page, 'shape', '28, 28, 1');
  for (const [name, filters] of [['conv2d', '32'], ['conv2d_1', '64']]) {
    await selectNode(page, name);
    await setParam(page, 'filters', filters);
    await setParam(page, 'kernel_size-0', '3');
    await setParam(page, 'kernel_size-1', '3');
    await setParam(page, 'activation', 'relu');
  }
  await selectNode(page, 'dropout');
  await setParam(page, 'rate', '0.5');
  await selectNode(page, 'dense');
  await setParam(page, 'units', '10');
  await setParam(page, 'activation', 'softmax');
  for (let i = 1; i < chain.length; i++) await wire(page, chain[i - 1][1], chain[i][1]);
  await expect(findNode(page, 'conv2d_1').getByTestId('output-shape')).toHaveText('11×11×64');
  await expect(findNode(page, 'flatten').getByTestId('output-shape')).toHaveText('1600');
  await expect(totalParams(page)).toHaveText('34,826'); // Keras' count for this model
  await expect(page.getByTestId('status-problems')).toHaveText('no problems');
}

test('build the CNN from the palette, train an epoch, read the accuracy from the chart, stop, reload: weights and curve still there; predict a test image', async ({ page }) => {
  await openEditor(page, '/');
  await buildFashionCnn(page);
  await page.getByTestId('train-button').click();
  // Three epochs, so that Stop lands in one: the curves arrive in bursts (the metrics are read back a few at a time).
  for (const [key, value] of [['epochs', '3'], ['stepsPerEpoch', '16'], ['learningRate', '0.003'], ['validationSplit', '0.1']])
    await page.getByTestId(`train-${key}`).fill(value);
  await page.getByTestId('train-start').click();

  // The first epoch ends (its mean on the chart, the validation after it): read its accuracy there.
  await expect(chart(page).getByTestId('val-point').first()).toBeVisible({ timeout: 150_000 });
  const accuracy = await readEpochAccuracy(page);
  expect(accuracy).toBeGreaterThan(0.1); // better than guessing one of 10 classes
  await expect.poll(async () => Number(await chart(page).getAttribute('data-points')), { timeout: 60_000 }).toBeGreaterThan(16);
  await page.getByTestId('train-stop').click();
  await expect(page.getByTestId('train-status')).toHaveText('stopped', { timeout: 30_000 });
  await expect(page.getByTestId('train-result')).toContainText('The graph has the trained weights');
  const steps = Number(await chart(page).getAttribute('data-points'));
  expect(steps).toBeGreaterThan(16);
  expect(steps).toBeLessThan(48);

  await page.reload();
  await expect(page.getByTestId('node').first()).toBeVisible();
  // The weights: the graph refers to the trained set, which is back from IndexedDB (no node says it is gone).
  const graph = await getGraph(page);
  expect(graph.nodes.find((n) => n.op === 'Conv2D')!.weights?.kernel).toMatch(/^trained-/);
  await expect(page.getByTestId('status-problems')).toHaveText('no problems');
  // The curve: the same steps, and the same accuracy read from it.
  await page.getByTestId('train-button').click();
  await expect(chart(page)).toHaveAttribute('data-points', String(steps));
  expect(await readEpochAccuracy(page)).toBeCloseTo(accuracy, 3); // kept to 5 significant digits
  await expect(page.getByTestId('train-run')).toContainText(/[23] epochs \(\d+ steps\), stopped/);

  // A Fashion-MNIST test image the network never saw: a trouser, the class it learns first.
  const trouser = firstTestIndexOf(1);
  await feedTestImage(page, trouser);
  await expect(page.getByTestId('input-source')).toContainText(`fashion-test-${trouser}.npy`);
  const predicted = await page.evaluate(() => window.deepwire.predict());
  console.log(`walk: ${steps} steps, epoch 1 accuracy ${accuracy}; test image ${trouser}: ${predicted.top.slice(0, 3).map((t) => `${t.name} ${t.value.toFixed(3)}`).join(', ')}`);
  expect(predicted.top[0].name).toBe(FASHION_CLASSES[1]);
});
