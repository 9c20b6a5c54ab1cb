// Intent-level helpers for the editor's end-to-end tests: find a node, drop an op, wire two nodes,
// set an attr. Locators pierce the components' open shadow roots.
import { expect, type Locator, type Page } from '@playwright/test';
import type { GraphFile } from '../src/index.ts';

/** Opens the editor; by default on the Inception 3a module alone (the default graph puts a stem before it). */
export async function openEditor(page: Page, path = '/?example=inception-3a'): Promise<void> {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(path);
  await expect(page.getByTestId('node').first()).toBeVisible();
  expect(errors).toEqual([]);
}

/** An empty canvas at zoom 1, so drop positions are node positions. */
export async function newGraph(page: Page): Promise<void> {
  await page.getByTestId('cmd-new').click();
  await expect(page.getByTestId('node')).toHaveCount(0);
}

export const canvas = (page: Page) => page.locator('dw-canvas');

/** The node whose name (Keras-style, as shown on it) is `name`. */
export function findNode(page: Page, name: string): Locator {
  return page.getByTestId('node').filter({ has: page.getByTestId('node-name').getByText(name, { exact: true }) });
}

export async function dropOp(page: Page, op: string, x: number, y: number): Promise<void> {
  const before = await page.getByTestId('node').count();
  await page.getByTestId(`palette-item-${op}`).dragTo(canvas(page), { targetPosition: { x, y } });
  await expect(page.getByTestId('node')).toHaveCount(before + 1);
}

/** Whether a node is drawn wholly inside the canvas (the canvas pans by a transform: Playwright cannot scroll to it). */
async function nodeInView(page: Page, name: string): Promise<boolean> {
  const [node, area] = [await findNode(page, name).boundingBox(), await canvas(page).boundingBox()];
  return !!node && !!area && node.x >= area.x && node.y >= area.y && node.x + node.width <= area.x + area.width && node.y + node.height <= area.y + area.height;
}

/** Pans the canvas to a node that is not wholly in view, as the editor itself does (its reveal), and gives the node. */
export async function revealNode(page: Page, name: string): Promise<Locator> {
  const node = findNode(page, name);
  await expect(node).toHaveCount(1);
  if (!(await nodeInView(page, name))) {
    const id = await page.evaluate((n) => window.deepwire.summary().rows.find((r) => r.name === n)?.id, name);
    expect(id, `no node named ${name}`).toBeTruthy();
    await canvas(page).evaluate((el, ids) => (el as unknown as { reveal(ids: string[]): Promise<void> }).reveal(ids), [id!]);
    await expect.poll(() => nodeInView(page, name), { message: `${name} panned into view` }).toBe(true);
  }
  return node;
}

/** Clicks a node's title, panning to it first where it is off screen. */
export async function clickNode(page: Page, name: string, options: Parameters<Locator['click']>[0] = {}): Promise<void> {
  await (await revealNode(page, name)).locator('.op').click(options);
}

/** Selects a node by clicking its title (panned into view first). */
export async function selectNode(page: Page, name: string, { add = false } = {}): Promise<void> {
  await clickNode(page, name, { modifiers: add ? ['Control'] : [] });
  if (!add) await expect(page.getByTestId('param-name')).toHaveValue(name);
}

export async function setParam(page: Page, key: string, value: string): Promise<void> {
  const input = page.locator('dw-inspector').getByTestId(`param-${key}`);
  if (await input.evaluate((el) => el.tagName === 'SELECT')) await input.selectOption(value);
  else {
    await input.fill(value);
    await input.press('Tab');
  }
}

/** Drags a wire from `from`'s output socket to input slot `slot` of `to`, with real pointer events. */
export async function wire(page: Page, from: string, to: string, slot = 0): Promise<void> {
  const out = await findNode(page, from).getByTestId('output-out').locator('rete-ref').boundingBox();
  const inp = await findNode(page, to).getByTestId(`input-in${slot}`).locator('rete-ref').boundingBox();
  if (!out || !inp) throw new Error(`sockets of ${from} → ${to} not found`);
  await page.mouse.move(out.x + out.width / 2, out.y + out.height / 2);
  await page.mouse.down();
  await page.mouse.move(inp.x + inp.width / 2, inp.y + inp.height / 2, { steps: 8 });
  await page.mouse.up();
}

/** Clicks a toolbar command, through the ⋯ menu when the toolbar had no room for it (`name` as in `cmd-NAME`). */
export async function toolbarCommand(page: Page, name: string): Promise<void> {
  const button = page.getByTestId(name === 'open-model' ? name : `cmd-${name}`);
  if (await button.isVisible()) return button.click();
  await page.getByTestId('toolbar-more').click();
  await page.getByTestId(`more-${name}`).click();
}

export const getGraph = (page: Page) => page.evaluate(() => window.deepwire.getGraph());

export async function loadGraph(page: Page, graph: GraphFile | string): Promise<void> {
  const result = await page.evaluate((g) => window.deepwire.loadGraph(g), graph as GraphFile);
  expect(result.ok, JSON.stringify(result)).toBe(true);
}

export const totalParams = (page: Page) => page.getByTestId('status-params');
