// The pretrained InceptionV3 in the editor against TF.js in the same page: the toolbar opens the bundled
// nsfwjs backbone, a sample photo is fed, Run computes it on WebGPU; TF.js (CPU backend, a test-only oracle
// injected from node_modules, never part of the app) loads the same model files from the same URLs the app
// fetched, cut after mixed10 and average-pooled as the app cuts it, and runs on the very tensor the app fed.
import { createRequire } from 'node:module';
import { expect, test } from '@playwright/test';
import { findNode, openEditor } from './editor-helpers.ts';
import { clickRun } from './run-helpers.ts';

test.use({ viewport: { width: 1600, height: 1000 } });

/** Layers compared: the first conv block, two Inception modules, the backbone's end and our avg_pool. */
const PROBES = ['activation_1', 'mixed2', 'mixed7', 'mixed10', 'avg_pool'];

test('Open pretrained InceptionV3, run it on a photo: every probe equals TF.js in the page within 1e-3 relative', async ({ page }) => {
  test.setTimeout(420_000);
  await openEditor(page, '/');
  await page.getByTestId('cmd-pretrained').click();
  await expect(page.getByTestId('status-nodes')).toHaveText('312', { timeout: 90_000 });
  await expect(page.getByTestId('preprocess')).toHaveValue('unit');

  await page.getByTestId('sample-coffee.png').click();
  await expect(page.getByTestId('input-source')).toContainText('coffee.png (600×400)');
  await expect(page.getByTestId('input-source')).toContainText('input_1 · 299×299×3');
  const summary = await clickRun(page, 1);
  await expect(findNode(page, 'mixed10').getByTestId('node-time')).toBeVisible();

  // TF.js's UMD bundle as a plain script (window.tf), outside Vite's module graph: served from node_modules
  // at a same-origin URL of the test's own, as the page's Content-Security-Policy allows only those.
  const tfjs = createRequire(import.meta.url).resolve('@tensorflow/tfjs/dist/tf.min.js');
  await page.route('**/__test-oracle/tf.min.js', (route) => route.fulfill({ path: tfjs, contentType: 'text/javascript' }));
  await page.addScriptTag({ url: '/__test-oracle/tf.min.js' });
  const result = await page.evaluate(async (probes) => {
    type Tf = typeof import('@tensorflow/tfjs');
    const tf = (window as unknown as { tf: Tf }).tf;
    await tf.setBackend('cpu');
    // The app's own reader of the served files (/models/inception_v3/*.min.js, scripts/pretrained-models.ts).
    const umd = '/src/io/umd-bundle.ts', base64 = '/src/io/base64.ts', pre = '/src/models/pretrained.ts';
    const { readUmdExport } = await import(/* @vite-ignore */ umd) as typeof import('../src/io/umd-bundle.ts');
    const { base64ToBytes } = await import(/* @vite-ignore */ base64) as typeof import('../src/io/base64.ts');
    const { fetchModelFiles, PRETRAINED } = await import(/* @vite-ignore */ pre) as typeof import('../src/models/pretrained.ts');
    const def = PRETRAINED['InceptionV3-pretrained'];
    const read = fetchModelFiles('/models/', def.folder);
    const modelJson = readUmdExport(await read('model.min.js'), 'model') as { modelTopology: object; weightsManifest: { weights: object[] }[] };
    const shards: Uint8Array[] = [];
    for (let k = 1; k <= def.shards; k++) shards.push(base64ToBytes(readUmdExport(await read(`group1-shard${k}of${def.shards}.min.js`), 'shard') as string));
    const joined = new Uint8Array(shards.reduce((a, s) => a + s.length, 0));
    shards.reduce((o, s) => (joined.set(s, o), o + s.length), 0);
    const model = await tf.loadLayersModel(tf.io.fromMemory({
      modelTopology: modelJson.modelTopology,
      weightSpecs: modelJson.weightsManifest.flatMap((g) => g.weights) as never,
      weightData: joined.buffer,
    }));
    // The head cut as the app cuts it: up to mixed10, then a global average pool.
    const layers = probes.filter((p) => p !== 'avg_pool');
    const backbone = tf.model({ inputs: model.inputs, outputs: layers.map((l) => model.getLayer(l).output as never) });

    const fed = (await window.deepwire.activation('input_1'))!;
    const t0 = performance.now();
    const outs = tf.tidy(() => {
      const ys = backbone.predict(tf.tensor(fed.data, fed.shape)) as import('@tensorflow/tfjs').Tensor[];
      return [...ys, tf.mean(ys[layers.indexOf('mixed10')], [1, 2])];
    });
    const want = await Promise.all(outs.map((y) => y.data() as Promise<Float32Array>));
    const tfjsMs = performance.now() - t0;
    tf.dispose(outs);

    const compared = [];
    for (const [k, id] of [...layers, 'avg_pool'].entries()) {
      const got = (await window.deepwire.activation(id))!;
      let diff = 0, peak = 0;
      for (let i = 0; i < want[k].length; i++) {
        diff = Math.max(diff, Math.abs(got.data[i] - want[k][i]));
        peak = Math.max(peak, Math.abs(want[k][i]));
      }
      compared.push({ id, shape: got.shape, length: got.data.length, wantLength: want[k].length, diff, peak });
    }
    const fedRange = fed.data.reduce(([lo, hi], v) => [Math.min(lo, v), Math.max(hi, v)], [Infinity, -Infinity]);
    return { fedShape: fed.shape, fedRange, tfjsMs, compared };
  }, PROBES);

  console.log(`deepwire: ${summary.trim()};`, `TF.js CPU in the page: ${(result.tfjsMs / 1000).toFixed(1)} s;`,
    result.compared.map((c) => `${c.id}: max|a−b|/max|b| = ${(c.diff / c.peak).toExponential(2)}`).join(', '));
  // The tensor fed: the photo center-cropped to 299×299, in [0, 1] (the 'unit' preset the weights expect).
  expect(result.fedShape).toEqual([1, 299, 299, 3]);
  expect(result.fedRange[0]).toBeGreaterThanOrEqual(0);
  expect(result.fedRange[1]).toBeLessThanOrEqual(1);
  expect(result.fedRange[1] - result.fedRange[0]).toBeGreaterThan(0.5);
  expect(result.compared.map((c) => c.id)).toEqual(['activation_1', 'mixed2', 'mixed7', 'mixed10', 'avg_pool']);
  for (const c of result.compared) {
    expect(c.length, c.id).toBe(c.wantLength);
    expect(c.peak, c.id).toBeGreaterThan(0.1);
    // "within 1e-3 relative": max |deepwire − TF.js| over the tensor ≤ 1e-3 · max |TF.js|
    expect(c.diff / c.peak, `${c.id}: max|a−b| ${c.diff} vs max|b| ${c.peak}`).toBeLessThanOrEqual(1e-3);
  }
  expect(result.compared.find((c) => c.id === 'avg_pool')!.shape).toEqual([1, 2048]);
});
