// Run and inspect, as a person does it: build a module from the palette, open a photo, run on WebGPU,
// open a node's maps, and check what the viewer shows against the engine's own readback; after an edit,
// only the changed nodes run again. Also: the default page, inputs that go wrong, vectors, 2 048 channels,
// comparing runs, downloads.
import { expect, test, type Page } from '@playwright/test';
import { encode as encodePng } from 'fast-png';
import { dropOp, findNode, getGraph, loadGraph, newGraph, openEditor, selectNode, setParam } from './editor-helpers.ts';
import { activationAt, activationStats, clickRun, expectNear, nodeId, shownStats } from './run-helpers.ts';
import type { GraphFile } from '../src/index.ts';

test.use({ viewport: { width: 1600, height: 1000 } });
test.setTimeout(180_000);

const viewer = (page: Page) => page.getByTestId('activation-viewer');

/** The viewer's stats equal plain JS over window.deepwire.activation(id). */
async function expectStatsMatch(page: Page, id: string): Promise<void> {
  const want = (await activationStats(page, id))!;
  await expect(viewer(page).getByTestId('stat-min')).toHaveAttribute('data-value', /./);
  const shown = await shownStats(page);
  // min and max are exact float32 values; sums run in float32 on the GPU.
  expect(shown.min).toBe(want.min);
  expect(shown.max).toBe(want.max);
  expectNear(shown.mean, want.mean, 'mean', { atol: 1e-6, rtol: 1e-4 });
  expectNear(shown.std, want.std, 'std', { atol: 1e-6, rtol: 1e-3 });
  expectNear(shown.zeros, want.zeros, '% zeros', { atol: 0, rtol: 1e-9 });
  expect([shown.nan, shown.inf]).toEqual([0, 0]);
}

test('build an Inception module, open a photo, run, and read the maps; an edit reruns only what changed', async ({ page }) => {
  await openEditor(page);
  await newGraph(page);
  await dropOp(page, 'Input', 20, 300);
  await selectNode(page, 'input_1');
  await setParam(page, 'shape', '40, 40, 3');
  // Drag the Inception block onto the canvas: it attaches to the selected Input.
  await page.getByTestId('palette-block-InceptionV1').dragTo(page.locator('dw-canvas'), { targetPosition: { x: 400, y: 300 } });
  await expect(page.getByTestId('block-dialog')).toContainText('input_1 (40×40×3)');
  await page.getByTestId('block-insert').click();
  await expect(page.getByTestId('node')).toHaveCount(9);
  await expect(findNode(page, 'inception_output').getByTestId('output-shape')).toHaveText('40×40×256');

  await page.getByTestId('image-input').setInputFiles('public/samples/coffee.png');
  await expect(page.getByTestId('input-source')).toContainText('coffee.png (600×400)');
  await expect(page.getByTestId('input-source')).toContainText('input_1 · 40×40×3');

  const first = await clickRun(page, 1);
  expect(first).toContain('ran 8 nodes');
  await expect(viewer(page)).toBeVisible();
  // Every node that ran shows its GPU time and a mosaic of its channels.
  await expect(findNode(page, 'inception_3x3').getByTestId('node-time')).toHaveText(/\d ms$/);
  await expect(findNode(page, 'inception_3x3').getByTestId('node-mosaic')).toBeVisible({ timeout: 30_000 });

  await selectNode(page, 'inception_3x3');
  await expect(viewer(page).locator('h2')).toHaveText('inception_3x3');
  await expect(viewer(page).getByTestId('viewer-shape')).toHaveText('1×40×40×128');
  const id = await nodeId(page, 'inception_3x3');
  await expectStatsMatch(page, id);

  // Hover a pixel of channel 5: the value shown is the engine's.
  const tile = viewer(page).locator('canvas[data-testid="channel-tile"][data-channel="5"]');
  await expect(tile).toBeVisible();
  const box = (await tile.boundingBox())!;
  await page.mouse.move(box.x + box.width * (12.5 / 40), box.y + box.height * (30.5 / 40));
  const hover = viewer(page).getByTestId('hover-value');
  await expect(hover).toHaveAttribute('data-channel', '5');
  const [x, y] = [Number(await hover.getAttribute('data-x')), Number(await hover.getAttribute('data-y'))];
  expect([x, y]).toEqual([12, 30]);
  expect(Number(await hover.getAttribute('data-value'))).toBe(await activationAt(page, id, 5, x, y));
  await tile.click();
  await expect(viewer(page).getByTestId('zoom-channel')).toHaveText('5');

  // The 5×5 branch loses its ReLU: it and the concat run again, nothing else.
  await selectNode(page, 'inception_5x5');
  await setParam(page, 'activation', 'linear');
  await expect(findNode(page, 'inception_5x5').getByTestId('node-time')).toHaveClass(/stale/);
  await expect(findNode(page, 'inception_3x3').getByTestId('node-time')).not.toHaveClass(/stale/);
  await page.locator('dw-canvas').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Control+Enter');
  await expect(page.getByTestId('run-summary')).toContainText('run 2: ran 2 of 8 nodes (6 reused)', { timeout: 90_000 });
  const again = await page.evaluate(() => window.deepwire.run());
  expect(again.ran).toEqual([]);
  const graph = await getGraph(page);
  const byName = (n: string) => graph.nodes.find((m) => m.name === n)!.id;
  const third = await page.evaluate(async () => {
    const g = window.deepwire.getGraph();
    const conv = g.nodes.find((n) => n.name === 'inception_1x1')!;
    conv.attrs = { ...conv.attrs, filters: 48 };
    window.deepwire.loadGraph(g);
    return window.deepwire.run();
  });
  expect(third.ran).toEqual([byName('inception_1x1'), byName('inception_output')]);
  expect(third.nodesRun).toBe(8 + 2 + 2);
  // The concat's maps are those of the new run and still match the readback.
  await selectNode(page, 'inception_output');
  await expect(viewer(page).getByTestId('viewer-shape')).toHaveText('1×40×40×240');
  await expectStatsMatch(page, byName('inception_output'));
});

test('the default page: GoogLeNet stem + Inception 3a with a photo loaded; one click on Run shows maps', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/');
  await expect(page.getByTestId('input-source')).toContainText('chelsea.png (451×300)');
  await expect(page.getByTestId('input-preview')).toBeVisible();
  // The preview is the tensor fed: 224×224 after the center crop.
  expect(await page.getByTestId('input-preview').evaluate((c: HTMLCanvasElement) => [c.width, c.height])).toEqual([224, 224]);

  // Cancel the first run while it builds its kernels: nothing is kept, a message says so.
  await page.getByTestId('run-button').click();
  await page.getByTestId('run-cancel').click();
  await expect(page.getByTestId('message')).toContainText('Run cancelled');

  const summary = await clickRun(page, 1);
  expect(summary).toContain('ran 13 nodes');
  await expect(viewer(page).locator('h2')).toHaveText('inception_3a_output');
  await expect(viewer(page).getByTestId('channel-tile').first()).toBeVisible();
  await expectStatsMatch(page, 'concat');
  // The first convolution's maps show the photo's edges: far from a constant picture.
  await selectNode(page, 'conv1_7x7_s2');
  const conv1 = (await activationStats(page, 'conv1'))!;
  expect(conv1.std).toBeGreaterThan(0.01);

  await page.getByTestId('cmd-heatmap').click();
  await expect(findNode(page, 'conv2_3x3')).toHaveAttribute('heat', '');
  expect(errors).toEqual([]);
});

test('inputs that go wrong say so; .npy, letterbox, paste and drop feed the Input', async ({ page }) => {
  await openEditor(page, '/');
  const source = page.getByTestId('input-source');
  await expect(source).toContainText('chelsea.png');

  await page.getByTestId('image-input').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a photo at all') });
  await expect(page.getByTestId('input-error')).toContainText('notes.txt');
  await expect(page.getByTestId('input-error')).toContainText('not an image');
  await expect(source).toContainText('chelsea.png');

  // A photo wider than 4096 px is shrunk first, with a note.
  const wide = encodePng({ width: 4400, height: 6, data: new Uint8Array(4400 * 6 * 3).fill(200), channels: 3 });
  await page.getByTestId('image-input').setInputFiles({ name: 'wide.png', mimeType: 'image/png', buffer: Buffer.from(wide) });
  await expect(page.getByTestId('input-notes')).toContainText('4400×6');
  await expect(page.getByTestId('input-notes')).toContainText('shrunk 2×');

  // Letterbox keeps the whole picture: a wide photo leaves black bars above and below.
  await page.getByTestId('sample-rocket.jpg').click();
  await expect(source).toContainText('rocket.jpg (640×427)');
  await page.getByTestId('resize-mode').selectOption('letterbox');
  await expect.poll(() => page.getByTestId('input-preview').evaluate((c: HTMLCanvasElement) => [...c.getContext('2d')!.getImageData(112, 0, 1, 1).data])).toEqual([0, 0, 0, 255]);
  await page.getByTestId('preprocess').selectOption('caffe');
  const graph = await page.evaluate(() => window.deepwire.getGraph());

  // A .npy of the wrong shape is refused in words; one of the right shape feeds the Input.
  const npy = (shape: number[]) => {
    const header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(', ')}), }`.padEnd(117) + '\n';
    const n = shape.reduce((a, b) => a * b, 1);
    return Buffer.concat([Buffer.from([0x93]), Buffer.from('NUMPY'), Buffer.from([1, 0, 118, 0]), Buffer.from(header), Buffer.alloc(n * 4)]);
  };
  await page.getByTestId('image-input').setInputFiles({ name: 'small.npy', mimeType: 'application/octet-stream', buffer: npy([1, 5, 5, 3]) });
  await expect(page.getByTestId('input-error')).toContainText('the .npy holds 1×5×5×3; no Input takes N×5×5×3');
  await page.getByTestId('image-input').setInputFiles({ name: 'zeros.npy', mimeType: 'application/octet-stream', buffer: npy([1, 224, 224, 3]) });
  await expect(source).toContainText('zeros.npy (1×224×224×3)');
  expect(graph.nodes.length).toBe(14);

  // Paste and drop: an image file in the event's DataTransfer.
  const png = encodePng({ width: 8, height: 8, data: new Uint8Array(8 * 8 * 3).fill(90), channels: 3 });
  await page.evaluate((bytes) => {
    const dt = new DataTransfer();
    dt.items.add(new File([new Uint8Array(bytes)], 'pasted.png', { type: 'image/png' }));
    window.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt }));
  }, [...png]);
  await expect(source).toContainText('pasted.png (8×8)');
  await page.evaluate((bytes) => {
    const dt = new DataTransfer();
    dt.items.add(new File([new Uint8Array(bytes)], 'dropped.png', { type: 'image/png' }));
    const app = document.querySelector('dw-app')!;
    app.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
    app.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, [...png]);
  await expect(source).toContainText('dropped.png (8×8)');
});

const WIDE: GraphFile = {
  format: 'deepwire-graph', version: 1, seed: 5,
  nodes: [
    { id: 'x', op: 'Input', name: 'pixels', attrs: { shape: [6, 6, 3] } },
    { id: 'wide', op: 'Conv2D', name: 'wide', inputs: ['x'], attrs: { filters: 2048, kernel_size: 1 } },
    { id: 'gap', op: 'GlobalAveragePooling2D', name: 'gap', inputs: ['wide'] },
    { id: 'dense', op: 'Dense', name: 'logits', inputs: ['gap'], attrs: { units: 40 } },
  ],
  outputs: ['dense'],
};

test('2 048 channels stay fast (virtualised); a vector output is a bar chart with its top-k', async ({ page }) => {
  await openEditor(page);
  await loadGraph(page, WIDE);
  await clickRun(page, 1);
  await selectNode(page, 'wide');
  await expect(viewer(page).getByTestId('viewer-shape')).toHaveText('1×6×6×2048');
  const tiles = viewer(page).getByTestId('channel-tile');
  await expect(tiles.first()).toBeVisible();
  expect(await tiles.count()).toBeLessThan(200);
  const scrolled = await viewer(page).locator('dw-channel-grid').evaluate(async (grid) => {
    const scroller = grid.shadowRoot!.querySelector('.scroller')!;
    const t0 = performance.now();
    scroller.scrollTop = scroller.scrollHeight;
    const last = () => grid.shadowRoot!.querySelector('canvas[data-channel="2047"]') as HTMLCanvasElement | null;
    while (!last()?.dataset.painted) await new Promise((r) => requestAnimationFrame(r));
    return performance.now() - t0;
  });
  expect(scrolled).toBeLessThan(2000);
  await expectStatsMatch(page, 'wide');

  await selectNode(page, 'logits');
  await expect(viewer(page).getByTestId('bar-chart')).toBeVisible();
  const rows = viewer(page).getByTestId('top-k-row');
  await expect(rows).toHaveCount(10);
  const values = await page.evaluate(async () => [...(await window.deepwire.activation('dense'))!.data]);
  const best = values.indexOf(Math.max(...values));
  await expect(rows.first()).toHaveAttribute('data-index', String(best));
  expect(Number(await rows.first().getAttribute('data-value'))).toBe(values[best]);
});

test('compare a node with a pinned earlier run and with another node; download PNG and .npy', async ({ page }) => {
  await openEditor(page);
  await newGraph(page);
  await loadGraph(page, {
    format: 'deepwire-graph', version: 1, seed: 2,
    nodes: [
      { id: 'x', op: 'Input', name: 'photo', attrs: { shape: [24, 24, 3] } },
      { id: 'a', op: 'Conv2D', name: 'edges', inputs: ['x'], attrs: { filters: 6, kernel_size: 3, padding: 'same', activation: 'relu' } },
      { id: 'b', op: 'Conv2D', name: 'blobs', inputs: ['x'], attrs: { filters: 6, kernel_size: 5, padding: 'same', activation: 'relu' } },
    ],
    outputs: ['a', 'b'],
  });
  await clickRun(page, 1);
  await selectNode(page, 'edges');
  await viewer(page).getByTestId('viewer-mode-compare').click();
  await viewer(page).getByTestId('pin-run').click();
  // The same run against itself: no difference.
  await expect(viewer(page).getByTestId('diff-stats-max')).toHaveAttribute('data-value', '0');

  await page.getByTestId('sample-astronaut.png').click();
  await expect(page.getByTestId('input-source')).toContainText('astronaut.png');
  await clickRun(page, 2);
  await expect(viewer(page).getByTestId('compare-with')).toHaveValue('pinned');
  await expect(viewer(page).getByTestId('diff-stats-max')).not.toHaveAttribute('data-value', '0');
  const diffMax = Number(await viewer(page).getByTestId('diff-stats-max').getAttribute('data-value'));
  expect(diffMax).toBeGreaterThan(0);

  await viewer(page).getByTestId('compare-with').selectOption('b');
  await expect(viewer(page).getByTestId('diff-stats-min')).toHaveAttribute('data-value', /./);
  const [a, b] = await page.evaluate(async () => [[...(await window.deepwire.activation('a'))!.data], [...(await window.deepwire.activation('b'))!.data]]);
  const diffs = a.map((v, i) => v - b[i]);
  expect(Number(await viewer(page).getByTestId('diff-stats-max').getAttribute('data-value'))).toBe(Math.fround(Math.max(...diffs)));
  for (const id of ['compare-a', 'compare-b', 'compare-diff']) await expect(viewer(page).getByTestId(id)).toBeVisible();

  const npy = page.waitForEvent('download');
  await viewer(page).getByTestId('download-npy').click();
  const npyFile = await (await npy).path();
  const bytes = await import('node:fs').then((fs) => fs.readFileSync(npyFile));
  expect(bytes.subarray(1, 6).toString()).toBe('NUMPY');
  expect(bytes.toString('latin1', 10, 80)).toContain("'shape': (1, 24, 24, 6)");
  expect(bytes.length - (10 + bytes.readUInt16LE(8))).toBe(24 * 24 * 6 * 4);

  await viewer(page).getByTestId('viewer-mode-channels').click();
  const png = page.waitForEvent('download');
  await viewer(page).getByTestId('download-png').click();
  const pngBytes = await import('node:fs').then(async (fs) => fs.readFileSync(await (await png).path()));
  expect([...pngBytes.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);

  // The channel-mean map, over the photo.
  await viewer(page).getByTestId('viewer-mode-summary').click();
  await expect(viewer(page).getByTestId('summary-map')).toBeVisible();
  await viewer(page).getByTestId('overlay').check();
  expect(await viewer(page).getByTestId('summary-map').evaluate((c: HTMLCanvasElement) => c.width)).toBe(24);
});
