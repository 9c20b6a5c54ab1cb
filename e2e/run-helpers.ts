// Intent-level helpers for running graphs and reading the activation viewer in end-to-end tests.
// Numbers are compared with the engine's own readback, window.deepwire.activation(nodeId).
import { expect, type Page } from '@playwright/test';

/** Clicks Run and waits for this run's summary ("run N: …"). */
export async function clickRun(page: Page, run: number): Promise<string> {
  await page.getByTestId('run-button').click();
  const summary = page.getByTestId('run-summary');
  await expect(summary).toContainText(`run ${run}:`, { timeout: 90_000 });
  return (await summary.textContent()) ?? '';
}

/** Statistics of a node's output computed in plain JS from the engine's readback (image `image` of the batch). */
export function activationStats(page: Page, id: string, image = 0) {
  return page.evaluate(async ({ nodeId, image }) => {
    const t = await window.deepwire.activation(nodeId);
    if (!t) return null;
    const C = t.shape[t.shape.length - 1];
    const per = t.data.length / t.shape[0];
    const at = image * per;
    let min = Infinity, max = -Infinity, sum = 0, zeros = 0;
    for (let i = 0; i < per; i++) {
      const v = t.data[at + i];
      min = Math.min(min, v);
      max = Math.max(max, v);
      sum += v;
      if (v === 0) zeros++;
    }
    const mean = sum / per;
    let ss = 0;
    for (let i = 0; i < per; i++) ss += (t.data[at + i] - mean) ** 2;
    return { shape: t.shape, C, min, max, mean, std: Math.sqrt(ss / per), zeros: zeros / per };
  }, { nodeId: id, image });
}

/** One value of a node's output: image `image` of the batch, pixel (x, y), channel c (NHWC). */
export function activationAt(page: Page, id: string, c: number, x: number, y: number, image = 0) {
  return page.evaluate(async ({ nodeId, c, x, y, image }) => {
    const t = (await window.deepwire.activation(nodeId))!;
    const [W, C] = [t.shape[t.shape.length - 2], t.shape[t.shape.length - 1]];
    return t.data[image * (t.data.length / t.shape[0]) + (y * W + x) * C + c];
  }, { nodeId: id, c, x, y, image });
}

/** The stats the viewer shows (its data-value attributes hold the full numbers). */
export async function shownStats(page: Page, testid = 'stat') {
  const viewer = page.getByTestId('activation-viewer');
  const read = async (key: string) => Number(await viewer.getByTestId(`${testid}-${key}`).getAttribute('data-value'));
  return { min: await read('min'), max: await read('max'), mean: await read('mean'), std: await read('std'), zeros: await read('zeros'), nan: await read('nan'), inf: await read('inf') };
}

/** |got − want| ≤ atol + rtol·|want|. */
export function expectNear(got: number, want: number, what: string, { atol = 1e-6, rtol = 1e-4 } = {}): void {
  expect(Math.abs(got - want), `${what}: ${got} vs ${want}`).toBeLessThanOrEqual(atol + rtol * Math.abs(want));
}

/** The node id of the node named `name`. */
export function nodeId(page: Page, name: string): Promise<string> {
  return page.evaluate((n) => {
    const node = window.deepwire.summary().rows.find((r) => r.name === n);
    if (!node) throw new Error(`no node named ${n}`);
    return node.id;
  }, name);
}
