// Blocks as collapsible groups, rubber-band selection and keyboard wiring, driven as a user would:
// palette, buttons, context menu, keys and real pointer drags.
import { expect, test, type Page } from '@playwright/test';
import { canvas, dropOp, findNode, getGraph, newGraph, openEditor, selectNode } from './editor-helpers.ts';

const groupNode = (page: Page, name?: string) =>
  name ? page.getByTestId('group-node').filter({ has: page.getByTestId('node-name').getByText(name, { exact: true }) }) : page.getByTestId('group-node');
const num = (s: string) => Number(s.replace(/,/g, ''));

async function insertBottleneck(page: Page): Promise<void> {
  await page.getByTestId('palette-block-ResNetBottleneck').click();
  await page.getByTestId('block-insert').click();
  await expect(page.getByTestId('block-dialog')).toBeHidden();
}

test('an inserted block collapses to one node with its summed cost, expands again, one undo step each, and stays collapsed on reload and in a share link', async ({ page, browser }) => {
  await openEditor(page);
  await newGraph(page);
  await insertBottleneck(page);
  const graph = await getGraph(page);
  expect(graph.groups).toHaveLength(1);
  const group = graph.groups![0];
  const members = graph.nodes.filter((n) => group.nodes.includes(n.id));
  expect(members.length).toBeGreaterThan(5);
  expect(group.collapsed).toBeUndefined();
  const total = await page.getByTestId('node').count();

  // What the members add up to, from the summary (Keras' table).
  const rows = await page.evaluate(() => window.deepwire.summary().rows);
  const memberRows = rows.filter((r) => group.nodes.includes(r.id));
  const params = memberRows.reduce((s, r) => s + r.params, 0);
  const lastShape = memberRows.find((r) => r.id === group.nodes[group.nodes.length - 1])!.shape;

  // Collapse from the button on one of its nodes.
  await page.getByTestId('node').filter({ has: page.getByTestId('group-toggle') }).first().getByTestId('group-toggle').click();
  await expect(groupNode(page)).toHaveCount(1);
  await expect(page.getByTestId('node')).toHaveCount(total - members.length);
  const block = groupNode(page, group.name);
  expect(num(await block.getByTestId('params').innerText())).toBe(params);
  await expect(block.getByTestId('output-shape')).toHaveText(lastShape);
  await expect(block).toHaveAttribute('aria-label', new RegExp(`^Block ${group.name} \\(${members.length} layers, collapsed\\), output ${lastShape}`));
  expect((await getGraph(page)).groups![0].collapsed).toBe(true);
  // Totals do not change: collapsing is a view.
  await expect(page.getByTestId('status-params')).toHaveText(params.toLocaleString('en-US'));

  // One undo step each way.
  await page.keyboard.press('Control+z');
  await expect(groupNode(page)).toHaveCount(0);
  await expect(page.getByTestId('node')).toHaveCount(total);
  await page.keyboard.press('Control+Shift+z');
  await expect(groupNode(page)).toHaveCount(1);

  // The collapse is autosaved: a reload finds it.
  await page.reload();
  await expect(groupNode(page)).toHaveCount(1);
  await expect(groupNode(page, group.name).getByTestId('params')).toHaveText(params.toLocaleString('en-US'));

  // A share link carries it too.
  await page.getByTestId('cmd-share').click();
  await expect.poll(() => page.locator('dw-app').evaluate((app: HTMLElement & { lastShareUrl?: string }) => app.lastShareUrl ?? '')).toMatch(/#g=/);
  const url = await page.locator('dw-app').evaluate((app: HTMLElement & { lastShareUrl?: string }) => app.lastShareUrl!);
  const fresh = await browser.newContext();
  const other = await fresh.newPage();
  await other.goto(url.replace(/^https?:\/\/[^/]+/, new URL(page.url()).origin));
  await expect(groupNode(other, group.name)).toHaveCount(1);
  await expect(groupNode(other, group.name).getByTestId('params')).toHaveText(params.toLocaleString('en-US'));
  await fresh.close();

  // Expand from the context menu; collapse again with G (the selected node's block), expand with G.
  await groupNode(page).locator('.op').click({ button: 'right' });
  await page.locator('rete-context-menu').getByText(`Expand block ${group.name}`).click();
  await expect(groupNode(page)).toHaveCount(0);
  await expect(page.getByTestId('node')).toHaveCount(total);
  await selectNode(page, members[2].name!);
  await page.keyboard.press('g');
  await expect(groupNode(page)).toHaveCount(1);
  // The inspector says what a selected block is, not "N nodes selected".
  await expect(page.getByTestId('inspector-block')).toContainText(`Block ${group.name}: ${members.length} layers, ${params.toLocaleString('en-US')} params`);
  await page.keyboard.press('g');
  await expect(groupNode(page)).toHaveCount(0);

  // The cheat sheet lists the key.
  await page.keyboard.press('?');
  await expect(page.locator('dw-shortcuts')).toContainText('collapse or expand the block of the selected nodes');
});

test('a collapsed block shows an error any of its nodes has, and carries wires to and from its members', async ({ page }) => {
  await openEditor(page);
  await newGraph(page);
  await insertBottleneck(page);
  const { groups, nodes } = await getGraph(page);
  const member = nodes.find((n) => groups![0].nodes.includes(n.id) && n.id.endsWith('/conv3'))!;
  await selectNode(page, member.name!);
  const filters = page.locator('dw-inspector').getByTestId('param-filters');
  await filters.fill('7'); // the add at the end now meets mismatched channels
  await filters.press('Tab');
  await expect(page.getByTestId('error').first()).toBeVisible();
  await page.locator('dw-canvas').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Shift+G');
  const block = groupNode(page);
  await expect(block).toHaveCount(1);
  await expect(block.getByTestId('error')).toContainText('Add needs equal shapes');
  // The Input outside feeds the block's one input socket; its output is the block's output socket.
  await expect(block.locator('[data-testid^="input-in"]')).toHaveCount(1);
  await expect(block.getByTestId('output-out0')).toHaveCount(1);
  await expect(page.locator('dw-canvas rete-connection')).toHaveCount(1); // Input → block
});

test('Shift-drag on the empty canvas selects the nodes in the rectangle; they move and delete together', async ({ page }) => {
  await openEditor(page);
  await newGraph(page);
  await dropOp(page, 'Input', 60, 40);
  await dropOp(page, 'Conv2D', 360, 40);
  await dropOp(page, 'ReLU', 60, 290);
  const box = (await canvas(page).boundingBox())!;
  // From above-left of the first two to below them, not reaching the third.
  await page.keyboard.down('Shift');
  await page.mouse.move(box.x + 20, box.y + 20);
  await page.mouse.down();
  await page.mouse.move(box.x + 400, box.y + 200, { steps: 10 });
  await expect(page.getByTestId('selection-band')).toBeVisible();
  await page.mouse.move(box.x + 640, box.y + 230, { steps: 5 });
  await page.mouse.up();
  await page.keyboard.up('Shift');
  await expect(page.getByTestId('selection-band')).toHaveCount(0);
  await expect(page.locator('dw-node[selected]')).toHaveCount(2);
  await expect(page.locator('dw-inspector')).toContainText('2 nodes selected');

  // Moving one moves both.
  const before = await getGraph(page);
  const at = (g: typeof before, id: string) => g.nodes.find((n) => n.id === id)!.layout!;
  const first = (await findNode(page, 'input_1').locator('.op').boundingBox())!;
  await page.mouse.move(first.x + 5, first.y + 5);
  await page.mouse.down();
  await page.mouse.move(first.x + 105, first.y + 45, { steps: 8 });
  await page.mouse.up();
  const after = await getGraph(page);
  const idOf = (op: string) => before.nodes.find((n) => n.op === op)!.id;
  const [inp, conv, relu] = [idOf('Input'), idOf('Conv2D'), idOf('ReLU')];
  expect(at(after, conv).x - at(before, conv).x).toBeCloseTo(at(after, inp).x - at(before, inp).x, 0);
  expect(at(after, conv).x).toBeGreaterThan(at(before, conv).x + 50);
  expect(at(after, relu)).toEqual(at(before, relu));

  // Ctrl-drag adds to the selection; Delete removes all three.
  await page.keyboard.down('Control');
  await page.mouse.move(box.x + 30, box.y + 270);
  await page.mouse.down();
  await page.mouse.move(box.x + 300, box.y + 430, { steps: 8 });
  await page.mouse.up();
  await page.keyboard.up('Control');
  await expect(page.locator('dw-node[selected]')).toHaveCount(3);
  await page.keyboard.press('Delete');
  await expect(page.getByTestId('node')).toHaveCount(0);
  await page.keyboard.press('Control+z');
  await expect(page.getByTestId('node')).toHaveCount(3);
});

test('keyboard: Tab walks nodes and ports (with ARIA labels), Enter on two ports wires them, Enter on a node edits it', async ({ page }) => {
  await openEditor(page);
  await newGraph(page);
  await dropOp(page, 'Input', 60, 60);
  await dropOp(page, 'Conv2D', 360, 60);
  const input = findNode(page, 'input_1');
  const conv = findNode(page, 'conv2d');
  await input.focus();
  await expect(input).toHaveAttribute('aria-label', /^Input input_1, output 224×224×3, 0 params$/);
  await page.keyboard.press('Tab');
  const out = input.getByTestId('output-out');
  await expect(out).toBeFocused();
  await expect(out).toHaveAttribute('aria-label', 'output of Input input_1, out, 224×224×3');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('connecting')).toContainText('Connecting from input_1 out');
  // Tab on to the next node, then its input port.
  await page.keyboard.press('Tab');
  await expect(conv).toBeFocused();
  await expect(conv).toHaveAttribute('aria-label', /^Conv2D conv2d, output unknown, 0 params, error: Conv2D takes 1 input, got 0/);
  await page.keyboard.press('Tab');
  await expect(conv.getByTestId('input-in0')).toBeFocused();
  await expect(conv.getByTestId('input-in0')).toHaveAttribute('aria-label', 'input 0 of Conv2D conv2d, in 0');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('connecting')).toHaveCount(0);
  await expect.poll(async () => (await getGraph(page)).nodes.find((n) => n.id === 'conv2d')!.inputs).toEqual(['input']);
  await expect(conv.getByTestId('output-shape')).toHaveText('222×222×32');
  await expect(conv.getByTestId('input-in0')).toHaveAttribute('aria-label', 'input 0 of Conv2D conv2d, 224×224×3');
  // One undo step takes the wire away.
  await page.keyboard.press('Control+z');
  await expect.poll(async () => (await getGraph(page)).nodes.find((n) => n.id === 'conv2d')!.inputs).toEqual([]);
  await page.keyboard.press('Control+Shift+z');
  await expect(conv.getByTestId('output-shape')).toHaveText('222×222×32');
  // Delete on a focused input port cuts its wire.
  await conv.getByTestId('input-in0').focus();
  await page.keyboard.press('Delete');
  await expect.poll(async () => (await getGraph(page)).nodes.find((n) => n.id === 'conv2d')!.inputs).toEqual([]);
  await expect(page.getByTestId('node')).toHaveCount(2);
  // Enter on a focused node opens it in the inspector.
  await conv.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('param-name')).toHaveValue('conv2d');
  await expect(page.locator('dw-inspector').locator(':focus')).toHaveCount(1);
});

test('copy and paste, and duplicate, carry a block wholly in the selection as a new block (one undo step); a partly copied block is not one', async ({ page }) => {
  await openEditor(page);
  await newGraph(page);
  await insertBottleneck(page);
  const before = await getGraph(page);
  const group = before.groups![0];
  const members = before.nodes.filter((n) => group.nodes.includes(n.id));

  // Everything (the whole block) copied and pasted: a second block over the pasted nodes.
  await canvas(page).click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Control+a');
  await page.keyboard.press('Control+c');
  await page.keyboard.press('Control+v');
  await expect.poll(async () => (await getGraph(page)).groups?.length).toBe(2);
  const pasted = await getGraph(page);
  const copy = pasted.groups![1];
  expect(copy.id).not.toBe(group.id);
  expect(copy.name).toBe(`${group.name}_1`);
  expect(copy.collapsed).toBeUndefined();
  expect(copy.nodes).toHaveLength(members.length);
  const fresh = pasted.nodes.filter((n) => !before.nodes.some((o) => o.id === n.id)).map((n) => n.id);
  expect(copy.nodes.every((id) => fresh.includes(id))).toBe(true);
  expect(pasted.groups![0]).toEqual(group);
  // One undo step takes nodes and block away together.
  await page.keyboard.press('Control+z');
  await expect.poll(async () => (await getGraph(page)).nodes.length).toBe(before.nodes.length);
  expect((await getGraph(page)).groups).toEqual([group]);

  // One member copied: a plain node, no new block.
  await selectNode(page, members[2].name!);
  await page.keyboard.press('Control+c');
  await page.keyboard.press('Control+v');
  await expect.poll(async () => (await getGraph(page)).nodes.length).toBe(before.nodes.length + 1);
  expect((await getGraph(page)).groups).toEqual([group]);
  await page.keyboard.press('Control+z');

  // A collapsed block duplicated (Ctrl+D on its node): a second collapsed block, one undo step.
  await canvas(page).click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Shift+G');
  await expect(groupNode(page)).toHaveCount(1);
  await groupNode(page).locator('.op').click();
  await page.keyboard.press('Control+d');
  await expect(groupNode(page)).toHaveCount(2);
  await expect(groupNode(page, `${group.name}_1`)).toHaveCount(1);
  const duplicated = (await getGraph(page)).groups!;
  expect(duplicated[1]).toMatchObject({ name: `${group.name}_1`, collapsed: true });
  expect(duplicated[1].nodes).toHaveLength(members.length);
  await page.keyboard.press('Control+z');
  await expect(groupNode(page)).toHaveCount(1);
  expect((await getGraph(page)).groups).toHaveLength(1);
});

test('Find opens the collapsed block that hides the node it finds, and selects and centres the node (one undo step)', async ({ page }) => {
  await openEditor(page);
  await newGraph(page);
  await insertBottleneck(page);
  const { groups, nodes } = await getGraph(page);
  const member = nodes.find((n) => n.id === groups![0].nodes[2])!;
  await canvas(page).click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Shift+G');
  await expect(groupNode(page)).toHaveCount(1);
  await expect(findNode(page, member.name!)).toHaveCount(0);

  const find = page.getByTestId('find');
  await find.fill(member.name!);
  await find.press('Enter');
  await expect(groupNode(page)).toHaveCount(0);
  await expect(page.getByTestId('param-name')).toHaveValue(member.name!);
  await expect(findNode(page, member.name!)).toBeInViewport();
  expect((await getGraph(page)).groups![0].collapsed).toBeUndefined();

  // The expansion is one undo step.
  await canvas(page).click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Control+z');
  await expect(groupNode(page)).toHaveCount(1);
});
