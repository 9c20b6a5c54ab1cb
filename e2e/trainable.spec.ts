// `trainable` in the inspector, as Keras' layer.trainable and block.trainable: a node's checkbox, and a
// collapsed block's, which sets every member with weights at once (one undo step); the summary's
// trainable / non-trainable params follow, as Keras' model.summary() counts them.
import { expect, test, type Page } from '@playwright/test';
import { getGraph, newGraph, openEditor } from './editor-helpers.ts';

const groupNode = (page: Page) => page.getByTestId('group-node');
const totals = (page: Page) => page.locator('dw-summary');

test('a collapsed block freezes and unfreezes as one; a node on its own; the summary counts them', async ({ page }) => {
  await openEditor(page);
  await newGraph(page);
  await page.getByTestId('palette-block-ResNetBottleneck').click();
  await page.getByTestId('block-insert').click();
  await expect(page.getByTestId('block-dialog')).toBeHidden();
  const graph = await getGraph(page);
  const group = graph.groups![0];
  const report = await page.evaluate(() => window.deepwire.summary());
  const { params: total, nonTrainable } = report.totals;
  // Only the BatchNormalizations' moving statistics are non-trainable before (as in Keras).
  expect(nonTrainable).toBeLessThan(total / 10);

  await page.getByTestId('node').filter({ has: page.getByTestId('group-toggle') }).first().getByTestId('group-toggle').click();
  await expect(groupNode(page)).toHaveCount(1);
  await groupNode(page).locator('.op').first().click();
  await expect(page.getByTestId('inspector-block')).toBeVisible();
  const box = page.getByTestId('block-trainable');
  await expect(box).toBeChecked();
  await box.uncheck();
  const frozen = await getGraph(page);
  const withWeights = frozen.nodes.filter((n) => group.nodes.includes(n.id) && ['Conv2D', 'BatchNormalization', 'Dense'].includes(n.op));
  expect(withWeights.length).toBeGreaterThan(3);
  for (const n of withWeights) expect(n.attrs?.trainable, n.id).toBe(false);
  // Layers without weights (Add, ReLU) are left alone.
  for (const n of frozen.nodes.filter((m) => group.nodes.includes(m.id) && ['Add', 'ReLU', 'Activation'].includes(m.op))) expect(n.attrs?.trainable).toBeUndefined();
  await expect(page.locator('dw-inspector')).toContainText(`${withWeights.length} of ${withWeights.length} layers with weights frozen`);
  // Keras' summary of a frozen block: the block's weights are non-trainable.
  const blockParams = report.rows.filter((r) => group.nodes.includes(r.id)).reduce((s, r) => s + r.params, 0);
  await expect(totals(page)).toContainText(`trainable ${(total - blockParams).toLocaleString('en-US')}, non-trainable ${blockParams.toLocaleString('en-US')}`);
  expect(blockParams).toBe(total); // the graph is the block (and its Input)

  // One undo step back to trainable, and the box follows.
  await page.getByTestId('cmd-undo').click();
  await expect(box).toBeChecked();
  expect((await getGraph(page)).nodes.some((n) => n.attrs?.trainable === false)).toBe(false);

  // One node on its own: expand, select a conv, untick its box.
  await groupNode(page).locator('.op').first().click();
  await page.keyboard.press('Shift+G');
  await expect(groupNode(page)).toHaveCount(0);
  const conv = withWeights.find((n) => n.op === 'Conv2D')!;
  await page.getByTestId('find').fill(conv.name ?? conv.id);
  await page.getByTestId('find').press('Enter');
  await page.getByTestId('param-trainable').uncheck();
  expect((await getGraph(page)).nodes.find((n) => n.id === conv.id)!.attrs?.trainable).toBe(false);
  await page.getByTestId('param-trainable').check();
  expect((await getGraph(page)).nodes.find((n) => n.id === conv.id)!.attrs).not.toHaveProperty('trainable');
});
