// Imported weights across a reload: an opened .onnx file's weights are kept in IndexedDB (by content
// hash, the autosave naming them), restored before the first run, cleaned up once nothing refers to them
// (no open tab, its undo steps included, and no autosave); evicted or refused by a full quota, the nodes
// say so instead of running on random weights.
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { decodeTensorProto, readTensor } from '../src/io/onnx-proto.ts';
import { writeNpy } from '../src/io/npy.ts';
import { findNode, getGraph, openEditor } from './editor-helpers.ts';
import { clickRun } from './run-helpers.ts';

test.use({ viewport: { width: 1600, height: 1000 } });

const GONE = 'weights of this imported model are gone: open the file again';

const pb = (path: string) => readTensor(decodeTensorProto(readFileSync(path)));

/** A fixture's test input, N×C×H×W in the .pb, as an N×H×W×C .npy. */
function inputNpy(stem = 'tiny-googlenet') {
  const x = pb(`src/io/fixtures/${stem}.input.pb`);
  const [N, C, H, W] = x.dims;
  const nhwc = new Float32Array(x.data.length);
  for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) for (let i = 0; i < H * W; i++) nhwc[(n * H * W + i) * C + c] = x.data[(n * C + c) * H * W + i];
  return { name: 'x.npy', mimeType: 'application/octet-stream', buffer: Buffer.from(writeNpy({ shape: [N, H, W, C], data: nhwc })) };
}

async function openOnnx(page: Page, stem = 'tiny-googlenet', nodes = '27'): Promise<void> {
  await page.getByTestId('open-model').click();
  await expect(page.getByTestId('open-model-dialog')).toBeVisible();
  await page.getByTestId('onnx-input').setInputFiles(`src/io/fixtures/${stem}.onnx`);
  await expect(page.getByTestId('open-model-dialog')).toBeHidden({ timeout: 30_000 });
  await expect(page.getByTestId('message')).toContainText(`Opened ${stem}.onnx`);
  await expect(page.getByTestId('status-nodes')).toHaveText(nodes);
}

/** Reloads and waits for the autosaved graph (the reload's weights are restored before a run starts). */
async function reload(page: Page): Promise<void> {
  await page.reload();
  await expect(page.getByTestId('node').first()).toBeVisible();
}

/** Hashes of the weight sets stored in the page's IndexedDB. */
const storedSets = (page: Page) => page.evaluate(() => new Promise<string[]>((resolve, reject) => {
  const req = indexedDB.open('deepwire-weights');
  // Not there yet: leave it uncreated (the page creates it with its stores).
  req.onupgradeneeded = () => req.transaction!.abort();
  req.onsuccess = () => {
    const db = req.result;
    const keys = db.transaction('sets').objectStore('sets').getAllKeys();
    keys.onsuccess = () => {
      db.close();
      resolve(keys.result as string[]);
    };
    keys.onerror = () => reject(keys.error);
  };
  req.onerror = () => resolve([]);
}));

const output = (page: Page, node = '/fc/Gemm') => page.evaluate(async (id) => [...(await window.deepwire.activation(id))!.data], node);

/** Runs on the fixture's test input: ONNX Runtime's output, which only the file's weights give (not seeded initializers). */
async function runsLikeOnnxRuntime(page: Page, stem: string, node: string, run: number): Promise<void> {
  await page.getByTestId('image-input').setInputFiles(inputNpy(stem));
  await clickRun(page, run);
  const want = pb(`src/io/fixtures/${stem}.output.pb`).data;
  (await output(page, node)).forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThanOrEqual(1e-4 + 1e-3 * Math.abs(want[i])));
}

test('an opened .onnx runs the same after a reload: its weights come back from IndexedDB', async ({ page }) => {
  await openEditor(page);
  await openOnnx(page);
  await runsLikeOnnxRuntime(page, 'tiny-googlenet', '/fc/Gemm', 1);
  const before = await output(page);
  const graph = await getGraph(page);
  expect(await storedSets(page)).toHaveLength(1);

  await reload(page);
  expect(await getGraph(page)).toEqual(graph);
  await expect(page.getByTestId('error')).toHaveCount(0);
  await page.getByTestId('image-input').setInputFiles(inputNpy());
  await clickRun(page, 1);
  expect(await output(page)).toEqual(before);
});

test('evicted weights: the nodes say they are gone and nothing runs on random weights', async ({ page }) => {
  await openEditor(page);
  await openOnnx(page);
  // What the browser does under storage pressure: the database goes, the autosave stays.
  await page.evaluate(() => new Promise((resolve, reject) => {
    const req = indexedDB.deleteDatabase('deepwire-weights');
    req.onsuccess = resolve;
    req.onerror = () => reject(req.error);
  }));
  await reload(page);
  await expect(page.getByTestId('status-nodes')).toHaveText('27');
  const imported = (await getGraph(page)).nodes.filter((n) => n.weights).length;
  await expect(page.getByTestId('message')).toContainText(`imported weights of ${imported} nodes are gone`);
  await expect(findNode(page, '/conv1/conv/Conv').getByTestId('error')).toContainText(GONE);
  await expect(findNode(page, '/fc/Gemm').getByTestId('error')).toContainText(GONE);
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('message')).toContainText(`Cannot run: /conv1/conv/Conv: ${GONE}`);
  await expect(page.getByTestId('run-summary')).not.toContainText('run 1:');

  // Opening the file again is the way back.
  await openOnnx(page);
  await expect(page.getByTestId('error')).toHaveCount(0);
  await page.getByTestId('image-input').setInputFiles(inputNpy());
  await clickRun(page, 1);
});

test('stored sets: one per content, cleaned up once no autosave refers to them', async ({ page }) => {
  await openEditor(page);
  await openOnnx(page);
  await openOnnx(page); // the same file again: new keys in the graph, the same stored set
  expect(await storedSets(page)).toHaveLength(1);
  await reload(page);
  expect(await storedSets(page)).toHaveLength(1); // the autosave refers to it
  await page.getByTestId('cmd-new').click();
  await expect(page.getByTestId('node')).toHaveCount(0);
  await page.reload();
  await expect(page.getByTestId('status-nodes')).toHaveText('0');
  await expect.poll(() => storedSets(page)).toEqual([]);
});

test('a full storage quota: the model opens, the message says its weights are not kept', async ({ page, baseURL }) => {
  // Chromium applies the override only to an origin whose storage is not in use yet (the page writes its tab record at once).
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Storage.overrideQuotaForOrigin', { origin: new URL(baseURL!).origin, quotaSize: 1000 });
  await openEditor(page);
  await openOnnx(page);
  await expect(page.getByTestId('message')).toContainText('its weights are not kept for a reload');
  await expect(page.getByTestId('message')).toContainText("storage");
  await expect(page.getByTestId('error')).toHaveCount(0);
  await page.getByTestId('image-input').setInputFiles(inputNpy());
  await clickRun(page, 1); // this session still has them
  await reload(page);
  await expect(findNode(page, '/conv1/conv/Conv').getByTestId('error')).toContainText(GONE);
});

test('two tabs, two models: each reload brings back its own, and undo past the other tab\'s reload still finds its weights', async ({ page, context }) => {
  test.setTimeout(150_000); // two pages on SwiftShader
  const other = await context.newPage(); // the same origin's IndexedDB, localStorage and locks; its own sessionStorage
  await openEditor(page);
  await openOnnx(page);
  await openEditor(other);
  await openOnnx(other, 'tiny-mixed', '26');
  // The first tab's model is now only an undo step away: no autosave names it.
  await page.getByTestId('cmd-new').click();
  await expect(page.getByTestId('status-nodes')).toHaveText('0');

  // The other tab's reload cleans up (a run waits for that): it reopens its own graph and model, and
  // leaves the first tab's undo step its set.
  await reload(other);
  await expect(other.getByTestId('status-nodes')).toHaveText('26');
  await expect(other.getByTestId('error')).toHaveCount(0);
  await runsLikeOnnxRuntime(other, 'tiny-mixed', '/Softmax', 1);
  expect(await storedSets(page)).toHaveLength(2);

  await page.getByTestId('cmd-undo').click();
  await expect(page.getByTestId('status-nodes')).toHaveText('27');
  await reload(page);
  await expect(page.getByTestId('status-nodes')).toHaveText('27');
  await expect(page.getByTestId('error')).toHaveCount(0);
  // Undo steps live in the page: after a reload there is none to reach a set the clean-up took.
  await expect(page.getByTestId('cmd-undo')).toBeDisabled();
  await runsLikeOnnxRuntime(page, 'tiny-googlenet', '/fc/Gemm', 1);
  expect(await storedSets(page)).toHaveLength(2);
});
