// Transfer learning as Keras users do it, in the editor, on two classes cut from the bundled photos:
// open the ImageNet-pretrained MobileNetV2, give it a small Input (its convolutions do not care about the
// size; SwiftShader does), "Extract features here" at its pooling layer, fill a class set "cat" (crops of
// chelsea.png) and "coffee" (crops of coffee.png), add the Dense softmax head sized to the classes in one
// action (the backbone frozen: Keras' base_model.trainable = False), train only the head, and predict crops
// held out of training: each must come out as its own class, named, with its probability.
import { expect, test, type Page } from '@playwright/test';
import { addPhotos, bucket, classSet, commitText, crops, grid } from './data-helpers.ts';
import { getGraph, openEditor, setParam } from './editor-helpers.ts';

test.use({ viewport: { width: 1600, height: 1000 } });

/** Selects a node of a large graph through Find (it may be out of view). */
async function select(page: Page, name: string): Promise<void> {
  const find = page.getByTestId('find');
  await find.fill(name);
  await find.press('Enter');
  await expect(page.getByTestId('param-name')).toHaveValue(name);
}

const SIZE = 64;

test('pretrained MobileNetV2 → features → a softmax head for my two classes, backbone frozen → held-out crops classified right', async ({ page }) => {
  test.setTimeout(600_000);
  await openEditor(page);
  await page.getByTestId('open-model').click();
  await page.getByTestId('pretrained-MobileNetV2-pretrained').click();
  await expect(page.getByTestId('open-model-dialog')).toBeHidden({ timeout: 120_000 });
  await expect(page.getByTestId('preprocess')).toHaveValue('unit');

  // A small Input: the backbone's weights fit any size (a 2×2×1280 map at 64×64).
  const input = (await getGraph(page)).nodes.find((n) => n.op === 'Input')!;
  await select(page, input.name ?? input.id);
  await setParam(page, 'shape', `${SIZE}, ${SIZE}, 3`);
  await expect(page.getByTestId('inspector-shape')).toHaveText(`${SIZE}×${SIZE}×3`);

  // Extract features at the pooling layer: it is the output, the 1280 features of each photo.
  await select(page, 'avg_pool');
  await page.getByTestId('extract-features').click();
  await expect(page.getByTestId('message')).toContainText('Features at avg_pool (1280)');

  // Two classes of my own: crops of the two photos, a few held out of training.
  const cats = await crops(page, 'chelsea.png', 'cat', grid(451, 300, 150, 8));
  const cups = await crops(page, 'coffee.png', 'coffee', grid(600, 400, 220, 8));
  const heldOut = [
    ...(await crops(page, 'chelsea.png', 'held-cat', [{ x: 150, y: 60, size: 170 }, { x: 60, y: 120, size: 140 }])).map((f) => ({ file: f, want: 'cat' })),
    ...(await crops(page, 'coffee.png', 'held-coffee', [{ x: 190, y: 100, size: 240 }, { x: 90, y: 50, size: 200 }])).map((f) => ({ file: f, want: 'coffee' })),
  ];
  await page.getByTestId('train-button').click();
  await page.getByTestId('data-new-set').click();
  await commitText(classSet(page, 'classes').getByTestId('set-name'), 'mine');
  await commitText(bucket(page, 'mine', 0).getByTestId('bucket-name'), 'cat');
  await commitText(bucket(page, 'mine', 1).getByTestId('bucket-name'), 'coffee');
  await addPhotos(page, 'mine', 0, cats, 8);
  await addPhotos(page, 'mine', 1, cups, 8);

  // One action: the head sized to the classes, the backbone frozen.
  const trainableBefore = (await getGraph(page)).nodes.filter((n) => n.attrs?.trainable === false).length;
  expect(trainableBefore).toBe(0);
  await classSet(page, 'mine').getByTestId('set-add-head').click();
  await expect(page.getByTestId('message')).toContainText('Added a Dense(2, activation="softmax") head after avg_pool, and froze the');
  const graph = await getGraph(page);
  const head = graph.nodes.find((n) => n.id === graph.outputs[0])!;
  expect(head).toMatchObject({ op: 'Dense', attrs: { units: 2, activation: 'softmax' }, inputs: ['avg_pool'] });
  // Keras' summary of that model: only the head's 1280·2 + 2 weights train.
  await expect(page.locator('dw-summary')).toContainText('trainable 2,562');
  // The inspector says so per node: a backbone conv is frozen, the head learns.
  await expect(page.getByTestId('param-trainable')).toBeChecked();
  await select(page, 'Conv1');
  await expect(page.getByTestId('param-trainable')).not.toBeChecked();
  await expect(page.getByTestId('train-dataset')).toHaveValue('mine');

  // Train the head: a few epochs of batches of 4.
  await page.getByTestId('train-batchSize').fill('4');
  await page.getByTestId('train-epochs').fill('6');
  await page.getByTestId('train-learningRate').fill('0.01');
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-result')).toContainText('Trained 6 epochs (24 steps)', { timeout: 480_000 });
  const trained = await getGraph(page);
  expect(trained.classNames).toEqual(['cat', 'coffee']);
  // The backbone kept its pretrained weights; only the head's changed.
  expect(trained.nodes.find((n) => n.id === 'Conv1')!.weights).toEqual(graph.nodes.find((n) => n.id === 'Conv1')!.weights);
  expect(trained.nodes.find((n) => n.id === head.id)!.weights).toBeDefined();

  // Held-out crops, each fed as a photo: the top class is its own, by name.
  for (const [k, { file, want }] of heldOut.entries()) {
    await page.getByTestId('image-input').setInputFiles(file);
    await expect(page.getByTestId('input-source')).toContainText(file.name);
    if (k === 0) {
      // Through the panel once, as a person reads it.
      await page.getByTestId('data-predict').click();
      await expect(page.getByTestId('data-prediction').locator('li').first()).toHaveText(new RegExp(`^${want}: \\d+\\.\\d %$`), { timeout: 60_000 });
    }
    const prediction = await page.evaluate(() => window.deepwire.predict());
    console.log(`${file.name}: ${prediction.top.map((t) => `${t.name} ${t.value.toFixed(3)}`).join(', ')}`);
    expect(prediction.top[0].name, `${file.name}: ${JSON.stringify(prediction.top)}`).toBe(want);
    expect(prediction.top[0].value).toBeGreaterThan(0.5);
  }
});
