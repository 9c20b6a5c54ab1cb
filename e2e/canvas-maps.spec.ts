// Maps on the canvas and receptive fields (issue 21, items 2 and 5), as a person uses them on the demo
// (GoogLeNet's stem + Inception 3a, a photo loaded): run, M shows every node's first channel maps under it
// and the photo at the Input, a click on a map opens that node and channel in the viewer; the inspector's
// receptive field is the engine's (src/graph/receptive-field.ts), and hovering a map outlines its field on
// the photo in the viewer.
import { expect, test, type Locator, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { analyzeGraph } from '../src/graph/analyze.ts';
import { describeField, fieldRect, receptiveFields } from '../src/graph/receptive-field.ts';
import { openEditor, selectNode } from './editor-helpers.ts';
import { clickRun } from './run-helpers.ts';

test.use({ viewport: { width: 1600, height: 1000 } });
test.setTimeout(300_000);

const demo = JSON.parse(readFileSync(new URL('../examples/inception-v1-stem.json', import.meta.url), 'utf8'));
const fields = receptiveFields(analyzeGraph(demo));
const viewer = (page: Page) => page.getByTestId('activation-viewer');
const nodeById = (page: Page, id: string) => page.locator(`[data-testid="node"][data-node-id="${id}"]`);

/** The node's name as the editor shows it (the demo's nodes are named as in GoogLeNet). */
const nameOf = (page: Page, id: string) => page.evaluate((i) => window.deepwire.summary().rows.find((r) => r.id === i)!.name, id);

/** The strip's picture read back through a canvas: how many pixels are opaque, and how many colours. */
function stripPixels(strip: Locator) {
  return strip.evaluate(async (img: HTMLImageElement) => {
    await img.decode();
    const canvas = Object.assign(document.createElement('canvas'), { width: img.naturalWidth, height: img.naturalHeight });
    const ctx = canvas.getContext('2d')!;
    ctx.drawImage(img, 0, 0);
    const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
    const colours = new Set<number>();
    let opaque = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3] === 0) continue;
      opaque++;
      colours.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
    }
    return { pixels: data.length / 4, opaque, colours: colours.size };
  });
}

/** Centres node `id` on the canvas as Find does (Ctrl+F, its name, Enter). */
async function findOnCanvas(page: Page, name: string): Promise<void> {
  await page.keyboard.press('Control+f');
  await page.keyboard.type(name);
  await page.keyboard.press('Enter');
  await page.keyboard.press('Escape');
}

test('the inspector shows each node its receptive field, as the engine computes it', async ({ page }) => {
  await openEditor(page, '/');
  // Hand-derived (README): conv1 7×7/2 → 7 at 2; pool1 3×3/2 → 11 at 4; conv2 3×3 → 19; pool2 → 27 at 8;
  // the module's union is its 5×5 branch, 27 + 4·8 = 59.
  for (const [id, text] of [['conv1', '7×7 px, stride 2'], ['pool1', '11×11 px, stride 4'], ['pool2', '27×27 px, stride 8'], ['b3_5x5', '59×59 px, stride 8'], ['concat', '59×59 px, stride 8']]) {
    expect(describeField(fields.get(id)!)).toBe(text);
    await selectNode(page, await nameOf(page, id));
    await expect(page.getByTestId('inspector-field')).toHaveText(text);
  }
});

test('M shows every node\'s maps on the canvas; a click opens that map in the viewer; the field is outlined on the photo', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await openEditor(page, '/');
  await expect(page.getByTestId('input-source')).toContainText('chelsea.png');
  await clickRun(page, 1);
  await expect(viewer(page).getByTestId('channel-tile').first()).toBeVisible();

  await page.locator('dw-canvas').click({ position: { x: 5, y: 5 } }); // the keys go to the editor, not a field
  await page.keyboard.press('m');
  const strips = page.getByTestId('node-strip');
  // Every node of the demo has a tensor of its own (conv + ReLU fuse into one node), the Input its photo.
  await expect(strips).toHaveCount(demo.nodes.length, { timeout: 60_000 });
  await expect(nodeById(page, 'input').getByTestId('node-strip')).toHaveAttribute('data-kind', 'photo');
  // Drawn from what the run left on the GPU: nothing ran again.
  await expect(page.getByTestId('run-summary')).toContainText('run 1:');
  for (const id of ['input', 'conv1', 'b3_5x5', 'concat']) {
    const strip = nodeById(page, id).getByTestId('node-strip');
    if (id !== 'input') await expect(strip).toHaveAttribute('data-tiles', '6');
    const px = await stripPixels(strip);
    expect(px.opaque, `${id}: opaque pixels`).toBeGreaterThan(px.pixels * 0.8);
    expect(px.colours, `${id}: colours`).toBeGreaterThan(8);
  }

  // The 5×5 branch's map 3 clicked on the canvas: the viewer shows that node, channel 3 zoomed.
  const name = await nameOf(page, 'b3_5x5');
  await findOnCanvas(page, name);
  const strip = nodeById(page, 'b3_5x5').getByTestId('node-strip');
  const box = (await strip.boundingBox())!;
  await page.mouse.click(box.x + box.width * (3.5 / 6), box.y + box.height / 2);
  await expect(viewer(page).locator('h2')).toHaveText(name);
  await expect(viewer(page).getByTestId('zoom-channel')).toHaveText('3');
  await expect(page.getByTestId('param-name')).toHaveValue(name);

  // Hovering a map of the viewer outlines that position's field on the photo: 59 px at stride 8 from −22.
  const tile = viewer(page).locator('canvas[data-testid="channel-tile"][data-channel="3"]');
  const t = (await tile.boundingBox())!;
  await page.mouse.move(t.x + t.width * (10.5 / 28), t.y + t.height * (4.5 / 28));
  const hover = viewer(page).getByTestId('hover-value');
  await expect(hover).toHaveAttribute('data-x', '10');
  await expect(hover).toHaveAttribute('data-y', '4');
  const want = fieldRect(fields.get('b3_5x5')!, [4, 10], [224, 224])!;
  expect(want).toEqual({ top: 10, left: 58, bottom: 69, right: 117 });
  await expect(viewer(page).getByTestId('field-photo')).toHaveAttribute('data-rect', `${want.top},${want.left},${want.bottom},${want.right}`);
  await expect(viewer(page).getByTestId('field-caption')).toContainText('x 10, y 4 sees rows 10–68, columns 58–116');

  // One node off from the inspector, then M again: none.
  await expect(page.getByTestId('node-maps-toggle')).toBeChecked();
  await page.getByTestId('node-maps-toggle').uncheck();
  await expect(nodeById(page, 'b3_5x5').getByTestId('node-strip')).toHaveCount(0);
  await expect(strips).toHaveCount(demo.nodes.length - 1);
  await page.locator('dw-canvas').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('m');
  await expect(strips).toHaveCount(0);
  expect(errors).toEqual([]);
});
