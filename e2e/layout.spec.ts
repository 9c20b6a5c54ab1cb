// Canvas first at laptop and desktop sizes: the demo opened, run, and its last node's maps shown, at 1280×800,
// 1440×900 and 1920×1080. Checked by boxes, not only by the screenshots each step saves (test-results/layout-shots/):
// every control and panel inside the window, no two overlapping, no label cut, the canvas keeping its room,
// the node whose maps are shown inside the canvas; a folded panel stays folded after a reload.
import { expect, test, type Page, type TestInfo } from '@playwright/test';
import { canvas, clickNode, findNode, toolbarCommand } from './editor-helpers.ts';
import { clickRun } from './run-helpers.ts';

const SIZES = [[1280, 800], [1440, 900], [1920, 1080]] as const;
/** The last node of the demo (GoogLeNet's stem + Inception 3a): at the far right, off screen when it opens. */
const LAST = 'inception_3a_output';
/** What the canvas keeps beside or above the maps (panel-layout.ts MIN_CANVAS). */
const MIN_CANVAS = { width: 480, height: 300 };
/** The zoom a graph opens at, at least (graph-canvas.ts READABLE_ZOOM): its 11 px text drawn 8.8 px high. */
const READABLE_ZOOM = 0.8;

interface Box { what: string; x: number; y: number; width: number; height: number; cut?: boolean }

/** Every visible control of the toolbar, the panels' toggles and the run summary, and the page's regions, as boxes. */
function layoutBoxes(page: Page): Promise<{ controls: Box[]; regions: Box[] }> {
  return page.evaluate(() => {
    const app = document.querySelector('dw-app')!.shadowRoot!;
    const box = (what: string, el: Element): Box | null => {
      const r = el.getBoundingClientRect();
      if (!r.width || !r.height || getComputedStyle(el).visibility === 'hidden') return null;
      const cut = el instanceof HTMLElement && !(el instanceof HTMLInputElement) && !(el instanceof HTMLSelectElement) && el.scrollWidth > el.clientWidth + 0.5;
      return { what, x: r.x, y: r.y, width: r.width, height: r.height, cut };
    };
    const name = (el: Element) => el.getAttribute('data-testid') ?? el.getAttribute('aria-label') ?? el.textContent?.trim() ?? el.localName;
    const bar = app.querySelector('dw-toolbar')!.shadowRoot!;
    const controls = [
      ...[...bar.querySelectorAll('button, input:not([type=file]), progress, .brand')].filter((el) => !el.closest('[role=menu]')).map((el) => box(`toolbar ${name(el)}`, el)),
      ...[...app.querySelectorAll('dw-panel')].map((p) => box(`toggle ${p.getAttribute('panel')}`, p.shadowRoot!.querySelector('button')!)),
      ...[...(app.querySelector('dw-status-bar')?.shadowRoot?.querySelectorAll('[data-testid=run-summary]') ?? [])].map((el) => box('run summary', el)),
    ].filter((b): b is Box => !!b);
    const regions = [
      ['toolbar', 'dw-toolbar'], ['palette', '.palette'], ['canvas', 'dw-canvas'], ['side', '.side-panel'], ['summary', '.summary-panel'],
      ['maps', 'dw-activation-viewer'], ['status', 'dw-status-bar'],
    ].map(([what, selector]) => {
      const el = app.querySelector(selector);
      return el ? box(what, el) : null;
    }).filter((b): b is Box => !!b);
    return { controls, regions };
  });
}

const overlap = (a: Box, b: Box) => Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x) > 0.5 && Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y) > 0.5;

/** Inside the window, none over another, none cut; the toolbar one row. */
async function expectTidy(page: Page, stage: string): Promise<void> {
  const { width, height } = page.viewportSize()!;
  const { controls, regions } = await layoutBoxes(page);
  expect(controls.length, `${stage}: controls found`).toBeGreaterThan(15);
  for (const b of [...controls, ...regions]) {
    expect(b.x >= -0.5 && b.y >= -0.5 && b.x + b.width <= width + 0.5 && b.y + b.height <= height + 0.5, `${stage}: ${b.what} inside ${width}×${height}: ${JSON.stringify(b)}`).toBe(true);
  }
  for (const b of controls) expect(b.cut, `${stage}: ${b.what}'s label is cut`).toBe(false);
  for (const list of [controls, regions]) {
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length; j++) expect(overlap(list[i], list[j]), `${stage}: ${list[i].what} overlaps ${list[j].what}`).toBe(false);
    }
  }
  const toolbar = regions.find((r) => r.what === 'toolbar')!;
  expect(toolbar.height, `${stage}: the toolbar is one row`).toBeLessThan(48);
}

async function canvasBox(page: Page) {
  return (await canvas(page).boundingBox())!;
}

async function shot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const { width, height } = page.viewportSize()!;
  const path = `test-results/layout-shots/${width}x${height}-${name}.png`;
  await page.screenshot({ path });
  await testInfo.attach(`${width}x${height}-${name}`, { path, contentType: 'image/png' });
}

for (const [width, height] of SIZES) {
  test(`canvas first at ${width}×${height}: readable, tidy, the maps beside the node they show`, async ({ page }, testInfo) => {
    test.setTimeout(240_000);
    await page.setViewportSize({ width, height });
    await page.goto('/');
    await expect(findNode(page, 'input_1')).toBeVisible();
    await expect(page.getByTestId('adapter')).toHaveAttribute('data-state', 'ok', { timeout: 60_000 });
    await shot(page, testInfo, '1-opened');
    await expectTidy(page, 'opened');

    // The canvas has most of the window, and the nodes are drawn at a readable zoom (a node is 220 px wide at zoom 1).
    const opened = await canvasBox(page);
    expect(opened.width * opened.height, 'the canvas has half the window at least').toBeGreaterThanOrEqual(0.5 * width * height);
    const drawn = (await findNode(page, 'input_1').boundingBox())!;
    expect(drawn.width / 220, 'opening zoom').toBeGreaterThanOrEqual(READABLE_ZOOM - 0.01);

    // The last node is off screen at that zoom: the click pans to it first. Run; the maps open on it.
    await clickNode(page, LAST);
    await expect(page.getByTestId('param-name')).toHaveValue(LAST);
    await clickRun(page, 1);
    const viewer = page.getByTestId('activation-viewer');
    await expect(viewer.locator('h2')).toHaveText(LAST);
    await expect(page.getByTestId('viewer-shape')).toBeVisible({ timeout: 60_000 });
    const withMaps = await canvasBox(page);
    expect(withMaps.width, 'canvas width beside the maps').toBeGreaterThanOrEqual(MIN_CANVAS.width);
    expect(withMaps.height, 'canvas height above the maps').toBeGreaterThanOrEqual(MIN_CANVAS.height);
    await expect.poll(async () => {
      const node = (await findNode(page, LAST).boundingBox())!;
      const area = await canvasBox(page);
      return node.x >= area.x && node.y >= area.y && node.x + node.width <= area.x + area.width && node.y + node.height <= area.y + area.height;
    }, { message: 'the node whose maps are shown is inside the canvas' }).toBe(true);
    await expect(viewer.getByTestId('stat-min')).toBeVisible({ timeout: 60_000 });
    await shot(page, testInfo, '2-maps');
    await expectTidy(page, 'maps open');

    // Fold the palette: it stays folded after a reload, and the canvas gained its width.
    const toggle = page.getByTestId('panel-toggle-palette');
    await expect(toggle).toHaveAttribute('aria-expanded', 'true');
    await toggle.click();
    await expect(toggle).toHaveAttribute('aria-expanded', 'false');
    await expect(page.getByTestId('palette-search')).toBeHidden();
    await page.reload();
    await expect(findNode(page, 'input_1')).toBeVisible();
    await expect(page.getByTestId('panel-toggle-palette')).toHaveAttribute('aria-expanded', 'false');
    await expect(page.getByTestId('palette-search')).toBeHidden();
    expect((await canvasBox(page)).width).toBeGreaterThan(opened.width + 150);
    await shot(page, testInfo, '3-palette-folded');
    await expectTidy(page, 'palette folded');
  });
}

test('the side panels and the summary fold by their keys; the dock of the maps is kept', async ({ page }) => {
  test.setTimeout(180_000);
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto('/?example=inception-3a');
  await expect(findNode(page, 'input_1')).toBeVisible();
  const side = page.getByTestId('panel-toggle-side');
  await expect(side).toHaveAttribute('aria-expanded', 'true');
  await page.locator('body').press(']');
  await expect(side).toHaveAttribute('aria-expanded', 'false');
  await expect(page.locator('dw-inspector')).toBeHidden();
  const summary = page.getByTestId('panel-toggle-summary');
  await expect(summary).toHaveAttribute('aria-expanded', 'false');
  await expect(page.getByTestId('panel-note-summary')).toContainText('9 layers');
  await page.locator('body').press('s');
  await expect(summary).toHaveAttribute('aria-expanded', 'true');
  await expect(page.getByTestId('summary-table')).toBeVisible();
  // Enter on a selected node opens the folded inspector to edit it; ] folds it again, and opens it.
  await clickNode(page, 'input_1');
  await page.keyboard.press('Enter');
  await expect(side).toHaveAttribute('aria-expanded', 'true');
  await expect(page.locator('dw-inspector')).toBeVisible();
  // The inspector's field has the keys now: a click on the status bar hands them back to the editor.
  await page.getByTestId('status-nodes').click();
  await page.locator('body').press(']');
  await expect(page.locator('dw-inspector')).toBeHidden();
  await page.locator('body').press(']');
  await expect(page.locator('dw-inspector')).toBeVisible();

  await page.getByTestId('cmd-maps').click();
  const viewer = page.getByTestId('activation-viewer');
  await expect(viewer).toBeVisible();
  await page.getByTestId('maps-dock').selectOption('right');
  const beside = async () => {
    const [v, c] = [(await viewer.boundingBox())!, await canvasBox(page)];
    return v.x >= c.x + c.width - 1;
  };
  await expect.poll(beside).toBe(true);
  await page.reload();
  await expect(findNode(page, 'input_1')).toBeVisible();
  await expect(page.getByTestId('panel-toggle-summary')).toHaveAttribute('aria-expanded', 'true');
  await page.getByTestId('cmd-maps').click();
  await expect(page.getByTestId('maps-dock')).toHaveValue('right');
  await expect.poll(beside).toBe(true);
  await page.getByTestId('maps-dock').selectOption('below');
  await expect.poll(async () => (await viewer.boundingBox())!.y >= (await canvasBox(page)).y + (await canvasBox(page)).height - 1).toBe(true);
});

test('a narrow window: the toolbar stays one row and the ⋯ menu has what it hid', async ({ page }) => {
  await page.setViewportSize({ width: 1024, height: 700 });
  await page.goto('/?example=inception-3a');
  await expect(findNode(page, 'input_1')).toBeVisible();
  const more = page.getByTestId('toolbar-more');
  await expect(more).toBeVisible();
  await expect(page.getByTestId('cmd-theme')).toBeHidden();
  await expectTidy(page, '1024×700');
  await more.click();
  await expect(page.getByTestId('more-theme')).toBeVisible();
  const theme = await page.evaluate(() => document.documentElement.dataset.theme);
  await page.getByTestId('more-theme').click();
  await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).not.toBe(theme);
  // A command the row hid works through the helper as through the row.
  await toolbarCommand(page, 'help');
  await expect(page.locator('dw-shortcuts dialog')).toBeVisible();
  // Wide again: everything is back in the row, and the ⋯ button goes.
  await page.keyboard.press('Escape');
  await page.setViewportSize({ width: 1920, height: 1000 });
  await expect(more).toBeHidden();
  await expect(page.getByTestId('cmd-theme')).toBeVisible();
});
