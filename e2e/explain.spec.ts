// "Explain this value" (issue 21, item 3) as a person uses it on the demo (GoogLeNet's stem + Inception 3a,
// a photo loaded): run, click a pixel of a conv's channel map in the viewer, and the panel takes that value
// apart — its total equals what window.deepwire.activation(id) reads back there, printed alike; the window is
// outlined on the input maps and the value's receptive field on the photo; a pooling and a merge node too.
import { expect, test, type Page } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { analyzeGraph } from '../src/graph/analyze.ts';
import { fieldRect, receptiveFields } from '../src/graph/receptive-field.ts';
import { formatValue } from '../src/format.ts';
import { loadGraph, openEditor, selectNode } from './editor-helpers.ts';
import { activationAt, clickRun, expectNear } from './run-helpers.ts';

test.use({ viewport: { width: 1600, height: 1000 } });
test.setTimeout(300_000);

const demo = JSON.parse(readFileSync(new URL('../examples/inception-v1-stem.json', import.meta.url), 'utf8'));
const fields = receptiveFields(analyzeGraph(demo));
const viewer = (page: Page) => page.getByTestId('activation-viewer');
const panel = (page: Page) => page.getByTestId('explain-panel');
const nameOf = (id: string): string => demo.nodes.find((n: { id: string }) => n.id === id).name;

/** Shows node `id` in the viewer: found on the canvas (Ctrl+F), then clicked. */
async function view(page: Page, id: string): Promise<void> {
  await page.keyboard.press('Control+f');
  await page.keyboard.type(nameOf(id));
  await page.keyboard.press('Enter');
  await page.keyboard.press('Escape');
  await selectNode(page, nameOf(id));
  await expect(viewer(page).locator('h2')).toHaveText(nameOf(id));
}

/**
 * Clicks map pixel (x, y) of channel `c` in the viewer's grid, at the map's resolution; returns the pixel the
 * viewer took (its hover readout), which a screen pixel of a scaled tile may put one off the aim.
 */
async function clickValue(page: Page, c: number, x: number, y: number): Promise<{ x: number; y: number }> {
  const tile = viewer(page).locator(`canvas[data-testid="channel-tile"][data-channel="${c}"]`);
  // The grid is virtualised: only the rows in view exist, so scroll until channel c's does.
  const grid = viewer(page).getByTestId('channel-grid');
  for (let i = 0; i < 60 && !(await tile.count()); i++)
    await grid.evaluate((g, first) => { const s = g.shadowRoot!.querySelector<HTMLElement>('.scroller')!; s.scrollTop = first ? 0 : s.scrollTop + s.clientHeight / 2; }, i === 0);
  await tile.scrollIntoViewIfNeeded();
  const [W, H] = await tile.evaluate((el: HTMLCanvasElement) => [el.width, el.height]);
  const box = (await tile.boundingBox())!;
  await page.mouse.move(box.x + ((x + 0.5) / W) * box.width, box.y + ((y + 0.5) / H) * box.height);
  const hover = viewer(page).getByTestId('hover-value');
  await expect(hover).toHaveAttribute('data-channel', String(c));
  const at = { x: Number(await hover.getAttribute('data-x')), y: Number(await hover.getAttribute('data-y')) };
  expect(Math.abs(at.x - x) + Math.abs(at.y - y), `aimed at x ${x}, y ${y}, hovering ${at.x}, ${at.y}`).toBeLessThanOrEqual(2);
  await page.mouse.down();
  await page.mouse.up();
  return at;
}

/** The panel's total and the value it says the run computed, checked against the engine's readback. */
async function expectTotalIsValue(page: Page, id: string, c: number, x: number, y: number): Promise<number> {
  const total = panel(page).getByTestId('explain-total');
  await expect(total).toBeVisible({ timeout: 30_000 });
  const readBack = await activationAt(page, id, c, x, y);
  // (+ 0: a ReLU's −0 reads back as −0 and is written "0")
  expect(Number(await panel(page).getByTestId('explain-value').getAttribute('data-value'))).toBe(readBack + 0);
  const got = Number(await total.getAttribute('data-value'));
  // float64 from the float32 tensors vs the GPU's float32 sum: a few float32 roundings apart.
  expectNear(got, readBack, `${id} at y ${y}, x ${x}, c ${c}`, { atol: 1e-6, rtol: 1e-5 });
  // The total as printed is the value as the viewer prints it.
  await expect(total).toHaveText(formatValue(readBack));
  return got;
}

test('click a conv value: the panel takes it apart, its total is the value read back; a pool and a merge explain too', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await openEditor(page, '/');
  await expect(page.getByTestId('input-source')).toContainText('chelsea.png', { timeout: 60_000 });
  await clickRun(page, 1);
  await expect(viewer(page).getByTestId('channel-tile').first()).toBeVisible();
  await page.locator('dw-canvas').click({ position: { x: 5, y: 5 } });

  // The maps docked right of the canvas (a tall column: the maps and the panel both in view), and the
  // largest tiles: a map pixel is then more than a screen pixel, so a click can aim at one.
  await page.getByTestId('maps-dock').selectOption('right');
  await viewer(page).getByTestId('tile-size').fill('160');

  // conv1 (7×7, stride 2, same, ReLU) on the photo: channel 5 at x 30, y 20.
  await view(page, 'conv1');
  const p = await clickValue(page, 5, 30, 20);
  await expect(panel(page).getByTestId('explain-title')).toHaveText(`Explain ${nameOf('conv1')} · y ${p.y}, x ${p.x}, c 5`);
  const conv1Value = await expectTotalIsValue(page, 'conv1', 5, p.x, p.y);
  // The CLI on the same pixel of the same photo (its own decode, resize and Dawn run): it ends with the value,
  // printed as the page prints it (4 significant digits).
  const cli = spawnSync(process.execPath, ['bin/deepwire.mjs', 'explain', 'examples/inception-v1-stem.json', '--image', 'public/samples/chelsea.png',
    '--node', 'conv1', '--at', `${p.y},${p.x},5`], { encoding: 'utf8', timeout: 120_000 });
  expect(cli.status, cli.stderr).toBe(0);
  const cliValue = Number(/^value: (\S+)$/.exec(cli.stdout.trim().split('\n').at(-1)!)![1]);
  expectNear(cliValue, conv1Value, 'deepwire explain conv1', { atol: 1e-6, rtol: 1e-3 });
  await expect(viewer(page).getByTestId('zoom-channel')).toHaveText('5');
  // One term per input channel (the photo's 3), each a 7×7 patch and kernel slice with their numbers on hover.
  const terms = panel(page).getByTestId('explain-term');
  await expect(terms).toHaveCount(3);
  await expect(terms.first().getByTestId('explain-patch').locator('.cell')).toHaveCount(49);
  await expect(terms.first().getByTestId('explain-kernel').locator('.cell')).toHaveCount(49);
  const cell = terms.first().getByTestId('explain-patch').locator('.cell').nth(24);
  await expect(cell).toHaveAttribute('title', formatValue(Number(await cell.getAttribute('data-value'))));
  // The partials, the bias and the ReLU add up to the total.
  const partials = await terms.evaluateAll((els) => els.map((el) => Number(el.getAttribute('data-partial'))));
  const sum = Number(await panel(page).getByTestId('explain-sum').getAttribute('data-value'));
  const bias = await page.evaluate(async ({ x, y }) => (await window.deepwire.explain('conv1', y, x, 5)) as unknown as { bias: number }, p);
  expectNear(partials.reduce((s, p) => s + p, 0) + bias.bias, sum, 'Σ partials + bias');
  await expect(panel(page).getByTestId('explain-after')).toHaveAttribute('data-value', String(Math.max(sum, 0)));
  // The value's receptive field outlined on the photo: 7×7 at stride 2 from −2 (Keras' 'same').
  expect(fieldRect(fields.get('conv1')!, [20, 30], [224, 224])).toEqual({ top: 38, left: 58, bottom: 45, right: 65 });
  const rect = fieldRect(fields.get('conv1')!, [p.y, p.x], [224, 224])!;
  await expect(panel(page).getByTestId('field-photo')).toHaveAttribute('data-rect', `${rect.top},${rect.left},${rect.bottom},${rect.right}`);
  // The kernel window on the input maps: one map per input channel, drawn.
  await expect(terms.first().locator('canvas[data-map-channel]')).toHaveJSProperty('width', 224);

  // conv2 (3×3 same, 64 channels in) at the map's top-right corner: padding hatched; 8 channels shown, then all.
  await panel(page).getByTestId('explain-close').click();
  await expect(panel(page)).toHaveCount(0);
  await view(page, 'conv2');
  expect(await clickValue(page, 7, 55, 0)).toEqual({ x: 55, y: 0 });
  await expectTotalIsValue(page, 'conv2', 7, 55, 0);
  await expect(terms).toHaveCount(8);
  await expect(terms.first().getByTestId('explain-patch').locator('.cell.pad')).toHaveCount(5);
  await panel(page).getByTestId('explain-all').click();
  await expect(terms).toHaveCount(64);

  // A pooling node: the window and its winner.
  await view(page, 'pool1');
  await expect(panel(page)).toHaveCount(0); // another node closes the panel
  const q = await clickValue(page, 2, 17, 9);
  const pooled = await expectTotalIsValue(page, 'pool1', 2, q.x, q.y);
  await expect(panel(page).getByTestId('explain-window').locator('.cell')).toHaveCount(9);
  await expect(panel(page).getByTestId('explain-window').locator('.cell.mark')).toHaveAttribute('data-value', String(pooled));
  await expect(panel(page).getByTestId('explain-pool')).toContainText(`max of the window: ${formatValue(pooled)}`);

  // A merge: the Inception module's Concatenate, channel 70 of 256 comes from the 3×3 branch (64 + 6).
  await view(page, 'concat');
  const m = await clickValue(page, 70, 3, 11);
  const merged = await expectTotalIsValue(page, 'concat', 70, m.x, m.y);
  await expect(panel(page).getByTestId('explain-operand')).toHaveCount(1);
  await expect(panel(page).getByTestId('explain-operand')).toContainText(nameOf('b2_3x3'));
  expect(await activationAt(page, 'b2_3x3', 6, m.x, m.y)).toBe(merged);

  // window.deepwire.explain for scripts: the same breakdown, and a clear refusal for an op it does not cover.
  const scripted = await page.evaluate(({ x, y }) => window.deepwire.explain('concat', y, x, 70), m);
  expect(scripted).toMatchObject({ kind: 'merge', operation: 'concatenate', value: merged, total: merged });
  expect(await page.evaluate(() => window.deepwire.explain('input', 0, 0, 0).then(() => '', (e: Error) => e.message))).toBe('explain does not cover Input yet');
  expect(errors).toEqual([]);
});

test('a Dense unit: clicking its row of the top-k lists its largest inputs × weights, and the total is the value read back', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await openEditor(page, '/');
  await expect(page.getByTestId('input-source')).toContainText('chelsea.png', { timeout: 60_000 });
  // Fashion-small: conv, pool, flatten, Dense 128 relu, Dense 10 softmax; the photo fed as 28×28×1.
  await loadGraph(page, readFileSync(new URL('../examples/fashion-small.json', import.meta.url), 'utf8'));
  await clickRun(page, 1);
  const name = await page.evaluate(() => window.deepwire.summary().rows.find((r) => r.id === 'classes')!.name);
  await selectNode(page, name);
  await expect(viewer(page).locator('h2')).toHaveText(name);
  const row = viewer(page).getByTestId('top-k-row').first();
  const unit = Number(await row.getAttribute('data-index'));
  await row.click();
  await expect(panel(page).getByTestId('explain-title')).toHaveText(`Explain ${name} · c ${unit}`);
  await expectTotalIsValue(page, 'classes', unit, 0, 0);
  // The 10 largest of its 128 inputs × weights, the rest summed, then the softmax over the 10 units.
  await expect(panel(page).getByTestId('explain-dense').locator('tr')).toHaveCount(11);
  await expect(panel(page)).toContainText('the other 118: Σ');
  await expect(panel(page)).toContainText('activation softmax (over the 10 values here');
  expect(errors).toEqual([]);
});

test('at 1600×1000, maps docked below the canvas: explaining a value leaves the channel grid a row of tiles', async ({ page }) => {
  await openEditor(page, '/');
  await expect(page.getByTestId('input-source')).toContainText('chelsea.png', { timeout: 60_000 });
  await clickRun(page, 1);
  await view(page, 'conv1');
  const grid = viewer(page).getByTestId('channel-grid');
  await expect(grid.getByTestId('channel-tile').first()).toBeVisible();
  await clickValue(page, 0, 50, 50);
  await expect(panel(page).getByTestId('explain-total')).toBeVisible({ timeout: 30_000 });
  // The tiles' row whole inside the grid, and the grid inside the viewer, above the panel.
  const [gridBox, tileBox, viewerBox, panelBox] = await Promise.all([grid.boundingBox(), grid.getByTestId('channel-tile').first().boundingBox(), viewer(page).boundingBox(), panel(page).boundingBox()]);
  expect(gridBox!.height).toBeGreaterThanOrEqual(tileBox!.height);
  expect(tileBox!.y).toBeGreaterThanOrEqual(gridBox!.y);
  expect(tileBox!.y + tileBox!.height).toBeLessThanOrEqual(Math.min(gridBox!.y + gridBox!.height, panelBox!.y) + 1);
  expect(panelBox!.y + panelBox!.height).toBeLessThanOrEqual(viewerBox!.y + viewerBox!.height + 1);
});
