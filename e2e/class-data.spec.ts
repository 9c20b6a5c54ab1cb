// The user's own data in the Train panel, driven as a person does: a class set whose buckets are named and
// filled by picking photos and capturing webcam frames (Chromium's fake camera), with the messages for what
// cannot train; the preview of a batch after the graph's RandomFlip; training on the set by its name with
// window.deepwire.fit; an image folder from the directory picker (a real FileSystemDirectoryHandle of the
// page's origin-private file system) and from <input webkitdirectory>; the full Fashion-MNIST as IDX files.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import type { GraphFile } from '../src/index.ts';
import { chromiumArgs, chromiumPath } from '../scripts/gpu-env.mjs';
import { addPhotos, bucket, classSet, commitText, crops, grid, type PngFile } from './data-helpers.ts';
import { loadGraph, openEditor } from './editor-helpers.ts';

test.use({
  viewport: { width: 1600, height: 1000 },
  launchOptions: { executablePath: chromiumPath(), args: [...chromiumArgs, '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'] },
  permissions: ['camera'],
});
test.setTimeout(180_000);

/** A small net for 16×16 photos, with a RandomFlip after its Input. */
const tinyNet: GraphFile = {
  format: 'deepwire-graph', version: 1, name: 'tiny',
  nodes: [
    { id: 'photo', op: 'Input', attrs: { shape: [16, 16, 3] } },
    { id: 'flip', op: 'RandomFlip', attrs: { mode: 'horizontal' }, inputs: ['photo'] },
    { id: 'conv', op: 'Conv2D', attrs: { filters: 4, kernel_size: 3, activation: 'relu' }, inputs: ['flip'] },
    { id: 'pool', op: 'GlobalAveragePool2D', inputs: ['conv'] },
    { id: 'classes', op: 'Dense', attrs: { units: 2, activation: 'softmax' }, inputs: ['pool'] },
  ],
  outputs: ['classes'],
};

async function openTrainPanel(page: Page): Promise<void> {
  await page.getByTestId('train-button').click();
  await expect(page.locator('dw-train-panel')).toBeVisible();
}

const datasetOptions = (page: Page) => page.getByTestId('train-dataset').locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));

test('a class set: named buckets filled with photos and webcam frames, what cannot train said, a batch previewed, fit by its name', async ({ page }) => {
  await openEditor(page);
  await loadGraph(page, tinyNet);
  await openTrainPanel(page);
  const cats = await crops(page, 'chelsea.png', 'cat', grid(451, 300, 120, 4));
  const cups = await crops(page, 'coffee.png', 'cup', grid(600, 400, 160, 3));

  await page.getByTestId('data-new-set').click();
  await expect(classSet(page, 'classes').getByTestId('set-problem')).toHaveText(/the classes 'class 1', 'class 2' of 'classes' have no images/);
  await commitText(classSet(page, 'classes').getByTestId('set-name'), 'pets');
  await commitText(bucket(page, 'pets', 0).getByTestId('bucket-name'), 'cat');
  await commitText(bucket(page, 'pets', 1).getByTestId('bucket-name'), 'cup');

  // A file that is no image is named and left out; the photos go in.
  const notAnImage: PngFile = { name: 'notes.png', mimeType: 'image/png', buffer: Buffer.from('these are notes, not a picture') };
  await bucket(page, 'pets', 0).getByTestId('bucket-files').setInputFiles([...cats, notAnImage]);
  // Decoding five photos takes seconds on a loaded machine.
  await expect(page.getByTestId('data-error')).toContainText("A file was not added to 'cat' (not an image this browser decodes): notes.png: not an image", { timeout: 30_000 });
  await expect(bucket(page, 'pets', 0).getByTestId('bucket-count')).toHaveText('4 images');
  await expect(classSet(page, 'pets').getByTestId('set-problem')).toHaveText(/the class 'cup' of 'pets' has no images/);

  // A photo dropped on a bucket goes into that class, not to the Input.
  const dropped = (await crops(page, 'chelsea.png', 'dropped-cat', [{ x: 200, y: 100, size: 100 }]))[0];
  const transfer = await page.evaluateHandle(({ name, b64 }) => {
    const data = new DataTransfer();
    data.items.add(new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], name, { type: 'image/png' }));
    return data;
  }, { name: dropped.name, b64: dropped.buffer.toString('base64') });
  await bucket(page, 'pets', 0).dispatchEvent('dragover', { dataTransfer: transfer });
  await bucket(page, 'pets', 0).dispatchEvent('drop', { dataTransfer: transfer });
  await expect(bucket(page, 'pets', 0).getByTestId('bucket-count')).toHaveText('5 images', { timeout: 30_000 });
  await expect(bucket(page, 'pets', 0).locator('img[alt="dropped-cat-0.png"]')).toBeVisible();
  await expect(page.getByTestId('input-source')).toContainText('chelsea.png');

  // One class only: said so, and Start refuses it with the same words.
  await bucket(page, 'pets', 1).getByRole('button', { name: 'Remove the class cup' }).click();
  await expect(classSet(page, 'pets').getByTestId('set-problem')).toContainText("'pets' has one class only ('cat'): a classifier needs at least two");
  await page.getByTestId('train-dataset').selectOption('pets');
  await page.getByTestId('train-batchSize').fill('4');
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-error')).toContainText("'pets' has one class only ('cat')");
  await classSet(page, 'pets').getByTestId('set-add-class').click();
  await commitText(bucket(page, 'pets', 1).getByTestId('bucket-name'), 'cup');
  await addPhotos(page, 'pets', 1, cups, 3);

  // A webcam frame captured into the cup class (Chromium's fake camera).
  await page.getByTestId('data-camera').click();
  await expect.poll(() => page.getByTestId('data-camera-video').evaluate((v: HTMLVideoElement) => v.videoWidth), { timeout: 20_000 }).toBeGreaterThan(0);
  await bucket(page, 'pets', 1).getByTestId('bucket-capture').click();
  await expect(bucket(page, 'pets', 1).getByTestId('bucket-count')).toHaveText('4 images');
  await expect(bucket(page, 'pets', 1).locator('img[alt="webcam frame 1"]')).toBeVisible();
  await page.getByTestId('data-camera').click();
  await expect(classSet(page, 'pets').getByTestId('set-problem')).toHaveCount(0);
  expect(await datasetOptions(page)).toEqual(['fashion-mnist', 'pets']);

  // The first batch as training sees it: 4 photos of 16×16×3 after the graph's RandomFlip, each labelled.
  await page.getByTestId('train-dataset').selectOption('pets');
  await page.getByTestId('data-preview').click();
  const preview = page.getByTestId('data-preview-batch');
  await expect(preview).toContainText("First batch of 'pets' as the network sees it: 4 images of 16×16×3, preprocessed 'unit', then random_flip as drawn for step 1.");
  await expect(preview.locator('figcaption')).toHaveCount(4);
  for (const label of await preview.locator('figcaption').allTextContents()) expect(['cat', 'cup']).toContain(label);
  expect(await preview.locator('img').first().evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight])).toEqual([16, 16]);

  // Too few photos for the batch: said in the panel's words (9 photos, batch 32).
  await page.getByTestId('train-batchSize').fill('32');
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-error')).toContainText('9 training samples make no batch of 32: set batch_size to 9 or less, or add images');

  // fit by the set's name, as Keras' History; an unknown name is refused with the list.
  const history = await page.evaluate(() => window.deepwire.fit({ dataset: 'pets', epochs: 2, batchSize: 4 }));
  expect(history.history.loss).toHaveLength(2);
  expect(history.history.accuracy.every((a) => a >= 0 && a <= 1)).toBe(true);
  expect((await page.evaluate(() => window.deepwire.getGraph())).classNames).toEqual(['cat', 'cup']);
  const unknown = await page.evaluate(() => window.deepwire.fit({ dataset: 'dogs' }).then(() => 'trained', (e: Error) => e.message));
  expect(unknown).toContain("unknown dataset 'dogs' (data sets: 'fashion-mnist', 'pets';");

  // The set is kept in the browser: after a reload it is back, photos and all, and trains by its name.
  await page.reload();
  await openTrainPanel(page);
  await expect(page.getByTestId('data-notice')).toContainText("Restored 1 class set from this browser: 'pets'");
  await expect(bucket(page, 'pets', 0).getByTestId('bucket-count')).toHaveText('5 images', { timeout: 30_000 });
  await expect(bucket(page, 'pets', 1).getByTestId('bucket-count')).toHaveText('4 images');
  await expect(bucket(page, 'pets', 0).locator('img[alt="dropped-cat-0.png"]')).toBeVisible();
  expect(await datasetOptions(page)).toEqual(['fashion-mnist', 'pets']);
  // steps_per_epoch beyond the 9 photos' 2 batches: the batches there are, and the result says so.
  const again = await page.evaluate(() => window.deepwire.fit({ dataset: 'pets', epochs: 1, batchSize: 4, stepsPerEpoch: 5 }));
  expect(again.history.loss).toHaveLength(1);
  await expect(page.getByTestId('train-result')).toContainText('Trained 1 epoch (2 steps)');
  await expect(page.getByTestId('train-result')).toContainText('steps_per_epoch 5 asks for more batches than the training samples make: each epoch runs 2 batches of 4');

  // Held out and called wrong: the user's own photos, named in the run, shown as thumbnails and opened as the
  // input through the input's own resize and preprocessing, where the model says what the matrix says.
  await page.evaluate(() => window.deepwire.fit({ dataset: 'pets', epochs: 1, batchSize: 2, validationSplit: 0.5 }));
  const { misclassified } = (await page.evaluate(() => window.deepwire.getGraph())).training!.runs.at(-1)!.evaluation!;
  expect(misclassified.length).toBeGreaterThan(0);
  for (const m of misclassified) expect(m.file).toMatch(/^(cat|cup)\/./);
  const wrong = page.getByTestId('misclassified');
  await expect(wrong).toHaveCount(misclassified.length);
  await expect(wrong.first().locator('img')).toHaveAttribute('alt', misclassified[0].file!);
  expect(await wrong.first().locator('img').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
  await wrong.first().click();
  await expect(page.getByTestId('input-source')).toContainText(misclassified[0].file!);
  const predicted = await page.evaluate(() => window.deepwire.predict());
  expect(predicted.top[0].index).toBe(misclassified[0].predicted);
  expect(predicted.top[0].value).toBeCloseTo(misclassified[0].confidence, 4);
});

test('an image folder: from the directory picker, from <input webkitdirectory>, and one that does not decode', async ({ page }) => {
  await openEditor(page);
  await loadGraph(page, tinyNet);
  await openTrainPanel(page);
  const cats = await crops(page, 'chelsea.png', 'cat', grid(451, 300, 120, 3));
  const cups = await crops(page, 'coffee.png', 'cup', grid(600, 400, 160, 2));

  // The directory picker gives a real handle: a folder of the page's origin-private file system.
  const write = (folder: string, files: { path: string; b64: string }[]) => page.evaluate(async ({ folder, files }) => {
    const root = await navigator.storage.getDirectory();
    await root.removeEntry(folder, { recursive: true }).catch(() => undefined);
    const top = await root.getDirectoryHandle(folder, { create: true });
    for (const f of files) {
      const parts = f.path.split('/');
      let dir = top;
      for (const p of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(p, { create: true });
      const writable = await (await dir.getFileHandle(parts.at(-1)!, { create: true })).createWritable();
      await writable.write(Uint8Array.from(atob(f.b64), (c) => c.charCodeAt(0)));
      await writable.close();
    }
    (window as unknown as { showDirectoryPicker: () => Promise<FileSystemDirectoryHandle> }).showDirectoryPicker = async () => top;
  }, { folder, files });
  const b64 = (f: PngFile) => f.buffer.toString('base64');
  await write('kitchen', [
    ...cats.map((f) => ({ path: `cat/${f.name}`, b64: b64(f) })),
    ...cups.map((f) => ({ path: `cup/${f.name}`, b64: b64(f) })),
    { path: 'README.txt', b64: btoa('one subfolder per class') },
  ]);
  await page.getByTestId('data-open-folder').click();
  await expect(page.getByTestId('data-notice')).toHaveText("Opened the folder 'kitchen' as 'kitchen': 2 classes (cat 3, cup 2); 1 file that is not a class's image skipped.", { timeout: 30_000 });
  await expect(bucket(page, 'kitchen', 0).getByTestId('bucket-count')).toHaveText('3 images');
  expect(await datasetOptions(page)).toEqual(['fashion-mnist', 'kitchen']);

  // A picture that does not decode stops the folder, by its path, as Keras' decode does.
  await write('broken', [{ path: 'cat/a.png', b64: b64(cats[0]) }, { path: 'cup/b.png', b64: btoa('not a png') }]);
  await page.getByTestId('data-open-folder').click();
  await expect(page.getByTestId('data-error')).toContainText("The folder 'broken' was not opened: broken/cup/b.png does not decode");
  // A folder with the photos directly in it, no class subfolders.
  await write('flat', [{ path: 'a.png', b64: b64(cats[0]) }]);
  await page.getByTestId('data-open-folder').click();
  await expect(page.getByTestId('data-error')).toContainText("the folder 'flat' has no class subfolders with images (it holds 1 image directly) — put the images in one subfolder per class");

  // Without showDirectoryPicker the button opens <input webkitdirectory> (Firefox, Safari).
  const dir = mkdtempSync(join(tmpdir(), 'deepwire-folder-'));
  const folder = join(dir, 'desk');
  for (const [cls, files] of [['cat', cats], ['cup', cups]] as const) {
    mkdirSync(join(folder, cls), { recursive: true });
    for (const f of files) writeFileSync(join(folder, cls, f.name), f.buffer);
  }
  await page.evaluate(() => delete (window as unknown as { showDirectoryPicker?: unknown }).showDirectoryPicker);
  const chooser = page.waitForEvent('filechooser');
  await page.getByTestId('data-open-folder').click();
  await (await chooser).setFiles(folder);
  await expect(page.getByTestId('data-notice')).toHaveText("Opened the folder 'desk' as 'desk': 2 classes (cat 3, cup 2).", { timeout: 30_000 });
  expect(await datasetOptions(page)).toEqual(['fashion-mnist', 'kitchen', 'desk']);
});

test('the full Fashion-MNIST picked as its IDX files trains as a dataset; a missing file is named', async ({ page }) => {
  await openEditor(page, '/?example=fashion-cnn');
  await openTrainPanel(page);
  const dir = 'public/datasets/fashion-mnist';
  const names = ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'].map((n) => join(dir, `${n}.gz`));
  await page.getByTestId('data-fashion-input').setInputFiles(names.slice(0, 3));
  await expect(page.getByTestId('data-error')).toHaveText('Fashion-MNIST was not loaded: pick all four files at once: t10k-labels-idx1-ubyte is missing.');
  await page.getByTestId('data-fashion-input').setInputFiles(names);
  await expect(page.getByTestId('data-notice')).toHaveText("Fashion-MNIST from your files: 2,000 training and 500 test images, as dataset 'fashion-mnist-files'.");
  expect(await datasetOptions(page)).toEqual(['fashion-mnist', 'fashion-mnist-files']);
  const history = await page.evaluate(() => window.deepwire.fit({ dataset: 'fashion-mnist-files', epochs: 1, batchSize: 8, stepsPerEpoch: 2 }));
  expect(history.history.loss).toHaveLength(1);
  await expect(page.getByTestId('train-result')).toContainText('Trained 1 epoch (2 steps)');
});
