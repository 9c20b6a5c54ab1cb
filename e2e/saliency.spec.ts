// "Where it looks", as a person does it: run the demo graph on a photo, open a conv node's maps, zoom one
// of its channels and ask for its saliency map, and a Grad-CAM of a classifier's top class; each shows over the
// photo, is not blank, and holds the numbers window.deepwire.saliency() computes for the same request.
import { expect, test, type Page } from '@playwright/test';
import { loadGraph, openEditor, selectNode } from './editor-helpers.ts';
import { clickRun } from './run-helpers.ts';
import type { GraphFile } from '../src/index.ts';

test.use({ viewport: { width: 1600, height: 1000 } });
test.setTimeout(300_000);

const panel = (page: Page) => page.getByTestId('activation-viewer').locator('dw-where-it-looks');

/** The map the panel shows (its `map`, as computed) and how much the canvas's pixels vary. */
function shown(page: Page) {
  return panel(page).evaluate((el) => {
    const p = el as HTMLElement & { map: { width: number; height: number; data: Float32Array } | null };
    const canvas = p.shadowRoot!.querySelector('canvas')!;
    const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    const lum = Array.from({ length: pixels.length / 4 }, (_, i) => pixels[4 * i] + pixels[4 * i + 1] + pixels[4 * i + 2]);
    const mean = lum.reduce((a, b) => a + b, 0) / lum.length;
    const spread = Math.sqrt(lum.reduce((a, b) => a + (b - mean) ** 2, 0) / lum.length);
    return { width: p.map!.width, height: p.map!.height, map: Array.from(p.map!.data), canvas: [canvas.width, canvas.height], spread };
  });
}

test('a saliency map of a demo conv channel, over the photo, equals window.deepwire.saliency()', async ({ page }) => {
  await openEditor(page, '/');
  await page.getByTestId('image-input').setInputFiles('public/samples/chelsea.png');
  await expect(page.getByTestId('input-source')).toContainText('chelsea.png');
  await clickRun(page, 1);
  await selectNode(page, 'conv2_3x3');
  await expect(page.getByTestId('activation-viewer').locator('h2')).toHaveText('conv2_3x3');
  // Zoom channel 5 in the viewer: the panel explains that channel.
  await page.getByTestId('activation-viewer').locator('canvas[data-testid="channel-tile"][data-channel="5"]').click();
  await expect(page.getByTestId('activation-viewer').getByTestId('zoom-channel')).toHaveText('5');
  await expect(panel(page).getByTestId('where-channel')).toHaveValue('5');
  await panel(page).getByTestId('saliency-button').click();
  await expect(panel(page).getByTestId('where-caption')).toContainText("Saliency of channel 5 of 'conv2_3x3'", { timeout: 240_000 });

  const got = await shown(page);
  expect([got.width, got.height]).toEqual([224, 224]);
  expect(got.canvas).toEqual([224, 224]);
  expect(got.spread, 'the overlay is not one flat colour').toBeGreaterThan(10);
  expect(Math.max(...got.map)).toBeGreaterThan(0);
  const want = await page.evaluate(() => window.deepwire.saliency({ node: 'conv2', channel: 5 }));
  expect(want.label).toContain("channel 5 of 'conv2_3x3'");
  expect(got.map).toEqual(want.saliency);

  // The opacity slider and colormap redraw the same map.
  await panel(page).getByTestId('where-colormap').selectOption('viridis');
  await panel(page).getByTestId('where-opacity').fill('1');
  expect((await shown(page)).map).toEqual(want.saliency);
});

/** A small classifier: two convs, GAP, a Dense softmax over 4 classes. */
const classifier: GraphFile = {
  format: 'deepwire-graph', version: 1, seed: 3, outputs: ['probs'],
  nodes: [
    { id: 'x', name: 'x', op: 'Input', attrs: { shape: [48, 48, 3] }, layout: { x: 0, y: 0 } },
    { id: 'c1', name: 'c1', op: 'Conv2D', inputs: ['x'], attrs: { filters: 8, kernel_size: 3, strides: 2, padding: 'same', activation: 'relu' }, layout: { x: 200, y: 0 } },
    { id: 'c2', name: 'c2', op: 'Conv2D', inputs: ['c1'], attrs: { filters: 16, kernel_size: 3, strides: 2, padding: 'same', activation: 'relu' }, layout: { x: 400, y: 0 } },
    { id: 'gap', name: 'gap', op: 'GlobalAveragePool2D', inputs: ['c2'], layout: { x: 600, y: 0 } },
    { id: 'probs', name: 'probs', op: 'Dense', inputs: ['gap'], attrs: { units: 4, activation: 'softmax' }, layout: { x: 800, y: 0 } },
  ],
};

test('Grad-CAM of a classifier\'s top class, picked among its predictions, equals window.deepwire.saliency()', async ({ page }) => {
  await openEditor(page);
  await loadGraph(page, classifier);
  await page.getByTestId('image-input').setInputFiles('public/samples/coffee.png');
  await expect(page.getByTestId('input-source')).toContainText('x · 48×48×3');
  await clickRun(page, 1);
  await selectNode(page, 'probs');
  const top = await page.evaluate(async () => {
    const t = (await window.deepwire.activation('probs'))!;
    return Array.from(t.data).indexOf(Math.max(...t.data));
  });
  // The picker lists the top classes, the first picked.
  await expect(panel(page).getByTestId('where-class').locator('option')).toHaveCount(4);
  await expect(panel(page).getByTestId('where-class')).toHaveValue(String(top));
  await expect(panel(page).getByTestId('where-layer')).toHaveValue('c2');
  await panel(page).getByTestId('grad-cam-button').click();
  await expect(panel(page).getByTestId('where-caption')).toContainText(`Grad-CAM on c2 of class ${top} of 'probs' (logit, before the softmax)`, { timeout: 120_000 });
  const got = await shown(page);
  expect([got.width, got.height]).toEqual([48, 48]);
  expect(got.spread).toBeGreaterThan(5);
  const want = await page.evaluate((c) => window.deepwire.saliency({ node: 'probs', class: c, gradCam: 'c2' }), top);
  expect(want.gradCam!.layer).toBe('c2');
  expect(got.map).toEqual(want.gradCam!.map);
  expect(Math.max(...got.map)).toBeGreaterThan(0);
});
