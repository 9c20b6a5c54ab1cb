// The node editor driven as a person would: palette drags, wires drawn with the mouse, the inspector,
// blocks, undo and redo, autosave, share links, and errors shown on the node that has them.
import { expect, test, type Page } from '@playwright/test';
import {
  canvas, dropOp, findNode, getGraph, loadGraph, newGraph, openEditor, selectNode, setParam, totalParams, wire,
} from './editor-helpers.ts';
import type { GraphFile } from '../src/index.ts';

test.use({ viewport: { width: 1600, height: 1000 } });

async function configureConv(page: Page, name: string, filters: number, kernel: number): Promise<void> {
  await selectNode(page, name);
  await setParam(page, 'filters', String(filters));
  await setParam(page, 'kernel_size-0', String(kernel));
  await setParam(page, 'kernel_size-1', String(kernel));
  await setParam(page, 'padding', 'same');
  await setParam(page, 'activation', 'relu');
}

test('build the Inception v1 3a module from the palette: shapes on the way, 163,696 params', async ({ page }) => {
  await openEditor(page);
  await newGraph(page);

  await dropOp(page, 'Input', 10, 260);
  await selectNode(page, 'input_1');
  await setParam(page, 'shape', '28, 28, 192');
  await expect(findNode(page, 'input_1').getByTestId('output-shape')).toHaveText('28×28×192');

  for (const [x, y] of [[270, 10], [270, 180], [270, 350]]) await dropOp(page, 'Conv2D', x, y);
  await dropOp(page, 'MaxPool2D', 270, 520);
  for (const [x, y] of [[530, 180], [530, 350], [530, 520]]) await dropOp(page, 'Conv2D', x, y);
  await dropOp(page, 'Concatenate', 800, 10);

  // Branch 1: a 1×1 convolution.
  await configureConv(page, 'conv2d', 64, 1);
  await wire(page, 'input_1', 'conv2d');
  await expect(findNode(page, 'conv2d').getByTestId('output-shape')).toHaveText('28×28×64');
  await expect(findNode(page, 'conv2d').getByTestId('params')).toHaveText('12,352');

  // Branch 2: 1×1 reduce to 96, then 3×3 to 128.
  await configureConv(page, 'conv2d_1', 96, 1);
  await configureConv(page, 'conv2d_3', 128, 3);
  await wire(page, 'input_1', 'conv2d_1');
  await wire(page, 'conv2d_1', 'conv2d_3');
  await expect(findNode(page, 'conv2d_3').getByTestId('output-shape')).toHaveText('28×28×128');
  await expect(findNode(page, 'conv2d_3').getByTestId('params')).toHaveText('110,720');

  // Branch 3: 1×1 reduce to 16, then 5×5 to 32.
  await configureConv(page, 'conv2d_2', 16, 1);
  await configureConv(page, 'conv2d_4', 32, 5);
  await wire(page, 'input_1', 'conv2d_2');
  await wire(page, 'conv2d_2', 'conv2d_4');
  await expect(findNode(page, 'conv2d_4').getByTestId('params')).toHaveText('12,832');

  // Branch 4: 3×3 max pool, stride 1, then a 1×1 projection to 32.
  await selectNode(page, 'max_pooling2d');
  await setParam(page, 'pool_size-0', '3');
  await setParam(page, 'pool_size-1', '3');
  await page.locator('dw-inspector').getByTestId('param-strides-auto').uncheck();
  await setParam(page, 'strides-0', '1');
  await setParam(page, 'strides-1', '1');
  await setParam(page, 'padding', 'same');
  await configureConv(page, 'conv2d_5', 32, 1);
  await wire(page, 'input_1', 'max_pooling2d');
  await wire(page, 'max_pooling2d', 'conv2d_5');
  await expect(findNode(page, 'max_pooling2d').getByTestId('output-shape')).toHaveText('28×28×192');

  // Four branches into the Concatenate: each wire opens the next free slot.
  const concat = findNode(page, 'concatenate');
  await wire(page, 'conv2d', 'concatenate', 0);
  await expect(concat.getByTestId('output-shape')).toHaveText('28×28×64');
  await wire(page, 'conv2d_3', 'concatenate', 1);
  await expect(concat.getByTestId('output-shape')).toHaveText('28×28×192');
  await wire(page, 'conv2d_4', 'concatenate', 2);
  await wire(page, 'conv2d_5', 'concatenate', 3);
  await expect(concat.getByTestId('output-shape')).toHaveText('28×28×256');

  await expect(totalParams(page)).toHaveText('163,696');
  await expect(page.getByTestId('total-params')).toHaveText('163,696');
  await expect(page.getByTestId('error')).toHaveCount(0);
  const graph = await getGraph(page);
  expect(graph.nodes.find((n) => n.id === 'concatenate')?.inputs).toEqual(['conv2d', 'conv2d_3', 'conv2d_4', 'conv2d_5']);
  expect(graph.outputs).toEqual(['concatenate']);
});

const BLOCK_PARAMS: [string, string][] = [
  ['InceptionV1Naive', '387,296'], ['InceptionV1', '163,696'], ['InceptionV3A', '206,288'], ['InceptionV3B', '1,295,872'],
  ['ResNetBasic', '74,240'], ['ResNetBottleneck', '76,288'], ['ResNeXt', '65,024'], ['DenseBlock', '338,304'], ['DenseTransition', '33,792'], ['ConvNeXt', '79,200'],
];

test('insert each block from the palette: one undo step, no errors, the lecture parameter counts', async ({ page }) => {
  await openEditor(page);
  for (const [type, params] of BLOCK_PARAMS) {
    await newGraph(page);
    await page.getByTestId(`palette-block-${type}`).click();
    await expect(page.getByTestId('block-dialog')).toBeVisible();
    await page.getByTestId('block-insert').click();
    await expect(totalParams(page), type).toHaveText(params);
    await expect(page.getByTestId('error'), type).toHaveCount(0);
    const count = await page.getByTestId('node').count();
    expect(count, type).toBeGreaterThan(3);
    await page.keyboard.press('Control+z');
    await expect(page.getByTestId('node'), `${type}: one undo removes the whole block`).toHaveCount(0);
    await page.keyboard.press('Control+Shift+z');
    await expect(page.getByTestId('node')).toHaveCount(count);
  }
});

test('a block attaches to the selected node and sizes itself from its shape', async ({ page }) => {
  await openEditor(page);
  await selectNode(page, 'inception_3a_output');
  await page.getByTestId('palette-block-DenseTransition').click();
  await expect(page.getByTestId('block-dialog')).toContainText('inception_3a_output (28×28×256)');
  await page.getByTestId('block-insert').click();
  await expect(findNode(page, 'transition_pool').getByTestId('output-shape')).toHaveText('14×14×128');
  await expect(findNode(page, 'transition_conv').getByTestId('params')).toHaveText('32,768');
});

test('block parameters from the dialog reach the nodes', async ({ page }) => {
  await openEditor(page);
  await newGraph(page);
  await page.getByTestId('palette-block-ResNeXt').click();
  await page.getByTestId('block-param-cardinality').fill('8');
  await page.getByTestId('block-param-form').selectOption('paths');
  await page.getByTestId('block-insert').click();
  await expect(findNode(page, 'resnext_concat').getByTestId('output-shape')).toHaveText('56×56×32');
  await expect(findNode(page, 'resnext_path7_conv2')).toHaveCount(1);
  await expect(findNode(page, 'resnext_path8_conv2')).toHaveCount(0);
});

test('undo and redo cover attr edits, deletes and wiring', async ({ page }) => {
  await openEditor(page);
  const concat = findNode(page, 'inception_3a_output');
  await selectNode(page, 'inception_3a_1x1');
  await setParam(page, 'filters', '32');
  await expect(concat.getByTestId('output-shape')).toHaveText('28×28×224');
  await expect(totalParams(page)).toHaveText('157,520');

  await page.getByTestId('cmd-undo').click();
  await expect(concat.getByTestId('output-shape')).toHaveText('28×28×256');
  await expect(totalParams(page)).toHaveText('163,696');
  await page.getByTestId('cmd-redo').click();
  await expect(totalParams(page)).toHaveText('157,520');
  await page.keyboard.press('Control+z');
  await expect(totalParams(page)).toHaveText('163,696');

  await selectNode(page, 'inception_3a_5x5');
  await page.keyboard.press('Delete');
  await expect(page.getByTestId('node')).toHaveCount(8);
  await expect(concat.getByTestId('output-shape')).toHaveText('28×28×224');
  await page.keyboard.press('Control+z');
  await expect(page.getByTestId('node')).toHaveCount(9);
  await expect(concat.getByTestId('output-shape')).toHaveText('28×28×256');
  const graph = await getGraph(page);
  expect(graph.nodes.find((n) => n.id === 'concat')?.inputs).toEqual(['b1_1x1', 'b2_3x3', 'b3_5x5', 'b4_proj']);
});

test('copy and paste keep the links inside the selection; duplicate keeps the outside inputs', async ({ page }) => {
  await openEditor(page);
  await selectNode(page, 'inception_3a_3x3_reduce');
  await selectNode(page, 'inception_3a_3x3', { add: true });
  await page.keyboard.press('Control+c');
  await page.keyboard.press('Control+v');
  await expect(page.getByTestId('node')).toHaveCount(11);
  let graph = await getGraph(page);
  const pasted = graph.nodes.slice(-2);
  expect(pasted.map((n) => n.name)).toEqual(['inception_3a_3x3_reduce_1', 'inception_3a_3x3_1']);
  expect(pasted[0].inputs).toEqual([]);
  expect(pasted[1].inputs).toEqual([pasted[0].id]);

  await page.keyboard.press('Control+d');
  await expect(page.getByTestId('node')).toHaveCount(13);
  graph = await getGraph(page);
  expect(graph.nodes.at(-1)!.inputs).toEqual([graph.nodes.at(-2)!.id]);

  await selectNode(page, 'inception_3a_pool_proj');
  await page.keyboard.press('Control+d');
  graph = await getGraph(page);
  expect(graph.nodes.at(-1)!.inputs).toEqual(['b4_pool']);
});

test('an Add of mismatched shapes connects and shows its error on the node', async ({ page }) => {
  await openEditor(page);
  await dropOp(page, 'Add', 20, 20);
  await wire(page, 'inception_3a_1x1', 'add', 0);
  await wire(page, 'inception_3a_3x3', 'add', 1);
  const add = findNode(page, 'add');
  await expect(add.getByTestId('error')).toContainText('Add needs equal shapes: 28×28×64 vs 28×28×128');
  await expect(add).toHaveAttribute('aria-label', /error: Add needs equal shapes/);
  expect((await getGraph(page)).nodes.find((n) => n.id === 'add')?.inputs).toEqual(['b1_1x1', 'b2_3x3']);
  await expect(page.getByTestId('status-problems')).toContainText('1 problem');

  await loadGraph(page, await page.evaluate(() => fetch('/examples/broken-add.json').then((r) => r.text())));
  await expect(findNode(page, 'add').getByTestId('error')).toContainText('28×28×64 vs 28×28×128');
});

test('a "Cannot run" message stays while the graph has that problem and goes once a rewire mends it', async ({ page }) => {
  await openEditor(page);
  await dropOp(page, 'Add', 20, 20);
  await wire(page, 'inception_3a_1x1', 'add', 0);
  await wire(page, 'inception_3a_3x3', 'add', 1);
  await page.getByTestId('run-button').click();
  const message = page.getByTestId('message');
  await expect(message).toContainText('Cannot run: add: Add needs equal shapes: 28×28×64 vs 28×28×128');
  // Another edit leaves the problem: the message is still true and stays.
  await selectNode(page, 'inception_3a_pool_proj');
  await setParam(page, 'filters', '64');
  await expect(totalParams(page)).toHaveText('169,872');
  await expect(message).toContainText('Cannot run: add: Add needs equal shapes');
  // The rewire that mends it (the pool branch, 64 channels now, in place of the 3×3's 128): the message goes with the problem.
  await wire(page, 'inception_3a_pool_proj', 'add', 1);
  await expect(findNode(page, 'add').getByTestId('error')).toHaveCount(0);
  await expect(message).toBeHidden();
});

test('the graph survives a reload', async ({ page }) => {
  await openEditor(page);
  await selectNode(page, 'inception_3a_pool_proj');
  await setParam(page, 'filters', '64');
  await expect(totalParams(page)).toHaveText('169,872');
  await page.reload();
  await expect(findNode(page, 'inception_3a_output').getByTestId('output-shape')).toHaveText('28×28×288');
  await expect(totalParams(page)).toHaveText('169,872');
});

test('a share link opens the same graph in a fresh browser; a damaged one says so', async ({ page, browser }) => {
  await openEditor(page);
  await newGraph(page);
  await page.getByTestId('palette-block-ResNetBottleneck').click();
  await page.getByTestId('block-insert').click();
  await expect(totalParams(page)).toHaveText('76,288');
  const before = await getGraph(page);
  await page.getByTestId('cmd-share').click();
  await expect(page.getByTestId('message')).toBeVisible();
  const url = await page.locator('dw-app').evaluate((app: HTMLElement & { lastShareUrl?: string }) => app.lastShareUrl ?? '');
  expect(url).toMatch(/#g=[\w-]+$/);

  const origin = new URL(page.url()).origin;
  const fresh = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  const other = await fresh.newPage();
  await openEditor(other, url.replace(/^https?:\/\/[^/]+/, origin));
  await expect(totalParams(other)).toHaveText('76,288');
  expect(await getGraph(other)).toEqual(before);
  await expect(other.getByTestId('message')).toContainText('Opened the graph from the link');

  const broken = await fresh.newPage();
  await broken.goto(`${origin}/${url.slice(url.indexOf('#'), -10)}`);
  await expect(broken.getByTestId('message')).toContainText('Could not open the link');
  // The autosave of this browser (the graph opened from the link) is what shows.
  await expect(totalParams(broken)).toHaveText('76,288');
  await fresh.close();
});

test('a bad file leaves the graph untouched and says why', async ({ page }) => {
  await openEditor(page);
  const before = await getGraph(page);
  await page.getByTestId('open-file').setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from('{"nodes": [') });
  await expect(page.getByTestId('message')).toContainText('not valid JSON');
  await page.getByTestId('open-file').setInputFiles({ name: 'other.json', mimeType: 'application/json', buffer: Buffer.from('{"format": "onnx"}') });
  await expect(page.getByTestId('message')).toContainText('not a deepwire graph');
  expect(await getGraph(page)).toEqual(before);
  await expect(page.getByTestId('node')).toHaveCount(9);
  // A graph file with an unknown op opens (to be fixed on the node), says so at once, and undo brings yours back.
  const unknown = { format: 'deepwire-graph', version: 1, nodes: [{ id: 'a', op: 'Conv9D' }], outputs: ['a'] };
  await page.getByTestId('open-file').setInputFiles({ name: 'odd.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(unknown)) });
  await expect(page.getByTestId('message')).toContainText(/Opened odd\.json with 2 problems, shown on the nodes .*Undo \(Ctrl\+Z\) returns to your previous graph/);
  await expect(page.getByTestId('node').getByTestId('error')).toHaveCount(1);
  await page.keyboard.press('Control+z');
  await expect(page.getByTestId('node')).toHaveCount(9);
});

test('find, fit, arrange and the cheat sheet', async ({ page }) => {
  await openEditor(page);
  await page.keyboard.press('Control+f');
  await page.keyboard.type('5x5_reduce');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('param-name')).toHaveValue('inception_3a_5x5_reduce');
  // Escape leaves the find box: the editor's keys work again.
  await page.keyboard.press('Escape');
  await page.keyboard.press('?');
  await expect(page.getByTestId('shortcuts')).toBeVisible();
  await page.keyboard.press('Escape');
  await canvas(page).click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('l');
  await expect(page.getByTestId('cmd-undo')).toBeEnabled();
  const arranged = await getGraph(page);
  expect(new Set(arranged.nodes.map((n) => `${n.layout!.x},${n.layout!.y}`)).size).toBe(9);
  // …and the view follows the new layout: every node on screen (the Concatenate was cut off at its edge).
  const area = (await canvas(page).boundingBox())!;
  await expect.poll(async () => {
    let outside = 0;
    for (const node of await page.getByTestId('node').all()) {
      const b = (await node.boundingBox())!;
      if (!(b.x >= area.x && b.y >= area.y && b.x + b.width <= area.x + area.width && b.y + b.height <= area.y + area.height)) outside++;
    }
    return outside;
  }).toBe(0);
  await page.keyboard.press('Control+z');
  await page.keyboard.press('?');
  await expect(page.getByTestId('shortcuts')).toBeVisible();
  await expect(page.getByTestId('shortcuts')).toContainText('auto-arrange');
});

// Found by walking the editor as a new user: a minimap out of sight, a quick-add menu cut to 80 px and
// spilling off the canvas, double-click zooming, clicked-in nodes and blocks on top of others or out of view.
test('quick add on right-click and double-click: readable, inside the canvas, Enter adds, Escape closes', async ({ page }) => {
  await openEditor(page);
  await expect(page.getByTestId('minimap')).toBeHidden(); // 10 nodes fit on screen: no minimap over them
  const chain: GraphFile = {
    format: 'deepwire-graph', version: 1, outputs: ['d44'],
    nodes: [{ id: 'd0', op: 'Input', attrs: { shape: [8] } }, ...Array.from({ length: 44 }, (_, i) => ({ id: `d${i + 1}`, op: 'Dense', inputs: [`d${i}`], attrs: { units: 8 } }))],
  };
  await loadGraph(page, chain);
  const box = (await canvas(page).boundingBox())!;
  const minimap = (await page.getByTestId('minimap').boundingBox())!;
  expect(minimap.y).toBeGreaterThan(box.y);
  expect(minimap.y + minimap.height).toBeLessThanOrEqual(box.y + box.height);

  // Near the bottom-left corner: the menu opens inside the canvas, wide enough for the names.
  await page.mouse.click(box.x + 40, box.y + box.height - 30, { button: 'right' });
  const menu = page.locator('rete-context-menu');
  await expect(menu).toBeVisible();
  const m = (await menu.boundingBox())!;
  expect(m.width).toBeGreaterThan(190);
  expect(m.x).toBeGreaterThanOrEqual(box.x);
  expect(m.y + m.height).toBeLessThanOrEqual(box.y + box.height);
  const nodes = await page.getByTestId('node').count();
  await page.keyboard.type('leakyre');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('node')).toHaveCount(nodes + 1);
  await expect(page.getByTestId('node').filter({ has: page.getByText('LeakyReLU', { exact: true }) })).toHaveCount(1);

  await page.mouse.click(box.x + 300, box.y + 60, { button: 'right' });
  await expect(menu).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(menu).toBeHidden();

  // A double-click on the background opens the same menu and leaves the zoom alone.
  const zoom = () => page.evaluate(() => document.querySelector('dw-app')!.shadowRoot!.querySelector('dw-canvas')!.shadowRoot!.querySelector<HTMLElement>('.area > div')!.style.transform);
  const before = await zoom();
  await page.mouse.dblclick(box.x + 300, box.y + 40);
  await expect(menu).toBeVisible();
  expect(await zoom()).toBe(before);
});

test('a long graph\'s minimap is a strip in the canvas\'s bottom-right corner, also over the short canvas the maps leave', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await openEditor(page);
  // 80 layers in a row, as InceptionV3's 312 are drawn: the minimap used to be a 180 px square with the row
  // as a line across its middle, half as tall as the canvas once the maps open below it.
  const chain: GraphFile = {
    format: 'deepwire-graph', version: 1, outputs: ['d80'],
    nodes: [{ id: 'd0', op: 'Input', attrs: { shape: [8] } }, ...Array.from({ length: 80 }, (_, i) => ({ id: `d${i + 1}`, op: 'Dense', inputs: [`d${i}`], attrs: { units: 8 } }))],
  };
  await loadGraph(page, chain);
  await page.getByTestId('cmd-maps').click();
  await expect(page.getByTestId('activation-viewer')).toBeVisible();
  await expect.poll(async () => (await page.getByTestId('minimap').boundingBox())?.height).toBeLessThan(100);
  const box = (await canvas(page).boundingBox())!;
  const minimap = (await page.getByTestId('minimap').boundingBox())!;
  expect(minimap.height).toBeLessThanOrEqual(box.height / 4);
  expect(minimap.width).toBeGreaterThan(2 * minimap.height);
  expect(box.x + box.width - (minimap.x + minimap.width)).toBeLessThanOrEqual(40);
  expect(box.y + box.height - (minimap.y + minimap.height)).toBeLessThanOrEqual(40);
  expect(minimap.y).toBeGreaterThan(box.y + box.height / 2);
});

test('clicked-in nodes and inserted blocks land clear of the others, in view; a basic block fits its input', async ({ page }) => {
  await openEditor(page);
  const overlaps = async () => {
    const boxes = await page.getByTestId('node').evaluateAll((els) => els.map((e) => e.getBoundingClientRect()));
    return boxes.some((a, i) => boxes.some((b, j) => j > i && a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom));
  };
  expect(await overlaps()).toBe(false);
  for (let i = 0; i < 3; i++) await page.getByTestId('palette-item-Add').click();
  await expect(page.getByTestId('node')).toHaveCount(12);
  expect(await overlaps()).toBe(false);

  // A ResNet basic block on the 256-channel concat: 256 filters by default (identity shortcut), no error, in view.
  await selectNode(page, 'inception_3a_output');
  await page.getByTestId('palette-block-ResNetBasic').click();
  await expect(page.getByTestId('block-param-filters')).toHaveValue('256');
  await page.getByTestId('block-insert').click();
  const out = findNode(page, 'res_basic_out');
  await expect(out.getByTestId('output-shape')).toHaveText('28×28×256');
  await expect(out).toBeInViewport();
  for (const name of ['res_basic_add', 'res_basic_out']) await expect(findNode(page, name).getByTestId('error')).toHaveCount(0);
  expect(await overlaps()).toBe(false);
});

test('keyboard walk between nodes, Enter to edit, and the outline view', async ({ page }) => {
  await openEditor(page);
  await selectNode(page, 'input_1');
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('param-name')).toHaveValue('inception_3a_1x1');
  await page.keyboard.press('ArrowDown');
  await expect(page.getByTestId('param-name')).toHaveValue('inception_3a_3x3_reduce');
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByTestId('param-name')).toHaveValue('input_1');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Control+a');
  await page.keyboard.type('7, 7, 3');
  await page.keyboard.press('Tab');
  await expect(findNode(page, 'input_1').getByTestId('output-shape')).toHaveText('7×7×3');

  await page.getByTestId('cmd-outline').click();
  await expect(page.locator('dw-canvas')).toBeHidden();
  await expect(page.getByTestId('summary-row').first()).toHaveAttribute('aria-label', 'input_1, Input, output 7×7×3, 0 parameters');
  await page.getByTestId('cmd-outline').click();
  await expect(page.locator('dw-canvas')).toBeVisible();
});
