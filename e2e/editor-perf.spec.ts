// Big graphs stay usable: a ~500-node DenseNet (DenseNet-201's node count) opens, fits, pans and zooms.
// Prints the timings; the limits are loose because the 2-core machine is shared (the numbers to quote
// come from the printed line on a quiet machine).
import { loadavg } from 'node:os';
import { expect, test } from '@playwright/test';
import { blockDefaults, findBlock } from '../src/models/blocks.ts';
import type { GraphFile, GraphNode } from '../src/graph/types.ts';
import { getGraph, openEditor } from './editor-helpers.ts';

// Playwright's own trace screenshots the page and snapshots its whole DOM around every action (~200 ms a
// wheel event at 500 nodes, on the page's main thread): off in this file, so the times are the editor's.
test.use({ trace: 'off' });

/** Stem conv + dense blocks of 6, 12, 32, 20 layers with transitions: 504 nodes. */
export function bigDenseNet(): GraphFile {
  const nodes: GraphNode[] = [
    { id: 'x', op: 'Input', attrs: { shape: [56, 56, 64] } },
  ];
  let input = 'x', channels = 64, size = 56;
  const taken = new Set<string>(['x']);
  const add = (type: string, params: Record<string, number | string>) => {
    const block = findBlock(type)!;
    const built = block.build({ ...blockDefaults(block), ...params }, { input, inputShape: [size, size, channels], taken });
    for (const n of built.nodes) taken.add(n.id), taken.add(n.name!);
    nodes.push(...built.nodes);
    input = built.output;
  };
  [6, 12, 32, 20].forEach((layers, i) => {
    add('DenseBlock', { layers });
    channels += 32 * layers;
    if (i < 3) {
      add('DenseTransition', {});
      channels = Math.floor(channels / 2);
      size /= 2;
    }
  });
  return { format: 'deepwire-graph', version: 1, name: 'densenet_500', nodes, outputs: [input] };
}

test('a 500-node graph opens, pans and zooms', async ({ page }) => {
  test.setTimeout(120_000);
  const graph = bigDenseNet();
  expect(graph.nodes.length).toBeGreaterThanOrEqual(500);
  await openEditor(page);

  const openMs = await page.evaluate(async (g) => {
    const t0 = performance.now();
    window.deepwire.loadGraph(g);
    const canvasRoot = () => document.querySelector('dw-app')!.shadowRoot!.querySelector('dw-canvas')!.shadowRoot!;
    while (canvasRoot().querySelectorAll('dw-node').length < g.nodes.length) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    return performance.now() - t0;
  }, graph);
  await expect(page.getByTestId('status-nodes')).toHaveText(String(graph.nodes.length));
  await expect(page.getByTestId('error')).toHaveCount(0);

  // Pan and zoom: the frames (requestAnimationFrame gaps) while wheeling and dragging the background,
  // and for 300 ms after, so work deferred to the end of the gesture (the minimap redraw) counts too.
  const box = (await page.locator('dw-canvas').boundingBox())!;
  await page.evaluate(() => {
    const w = window as unknown as { frames_: number[] };
    w.frames_ = [];
    let last = performance.now();
    const tick = (t: number) => { w.frames_.push(t - last); last = t; if (w.frames_.length < 400) requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
  });
  const t0 = Date.now();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  for (let i = 0; i < 10; i++) await page.mouse.wheel(0, i < 5 ? -200 : 200);
  await page.mouse.move(box.x + 30, box.y + 30);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width - 30, box.y + box.height - 30, { steps: 20 });
  await page.mouse.up();
  const interactMs = Date.now() - t0;
  await page.waitForTimeout(300);
  const frames = await page.evaluate(() => (window as unknown as { frames_: number[] }).frames_.slice(1));
  const sorted = [...frames].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  const longest = sorted[sorted.length - 1];
  console.log(`500-node graph (${graph.nodes.length} nodes): opened in ${openMs.toFixed(0)} ms; pan+zoom gesture ${interactMs} ms, `
    + `${frames.length} frames: longest ${longest.toFixed(0)} ms, median ${at(0.5).toFixed(0)} ms, p90 ${at(0.9).toFixed(0)} ms (load ${loadavg()[0].toFixed(1)})`);
  expect(openMs).toBeLessThan(10_000);
  // Frames come in vsyncs (17, 33, 50 … ms). Before text selection was turned off on the canvas, the
  // per-node clips dropped and the minimap redraw deferred, every input event cost a 100–130 ms frame
  // (p90 117 ms, longest 133–200 ms; 2 cores at load ~2); now p90 17–33 ms, longest 33–67 ms up to
  // load 5. The limits leave a loaded machine twice that and still fail on the old stalls (p90).
  expect(longest).toBeLessThan(250);
  expect(at(0.9)).toBeLessThan(75);
});

// Clipping costs paint chunks, so only lines too long for the node get it (node-view.ts); they must still end in an ellipsis.
test('long node names and attrs are cut at the node edge, short ones are not clipped', async ({ page }) => {
  await openEditor(page);
  const lines = await page.evaluate(async () => {
    window.deepwire.loadGraph({
      format: 'deepwire-graph', version: 1, name: 'clip', outputs: ['c', 'd'], nodes: [
        { id: 'x', op: 'Input', name: 'input_with_a_rather_long_name_here', attrs: { shape: [8, 8, 3] } },
        { id: 'c', op: 'Conv2D', name: 'c', inputs: ['x'], attrs: { filters: 12345, kernel_size: [3, 3], strides: [2, 2], padding: 'same', activation: 'relu' } },
        { id: 'd', op: 'Conv2D', name: 'short', inputs: ['x'], attrs: { filters: 4, kernel_size: [1, 1] } },
      ],
    });
    const root = document.querySelector('dw-app')!.shadowRoot!.querySelector('dw-canvas')!.shadowRoot!;
    while (root.querySelectorAll('dw-node').length !== 3 || !root.querySelector('dw-node[data-node-id="d"]')) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    const line = (el: HTMLElement) => ({
      text: el.textContent!, overflows: el.scrollWidth > el.clientWidth + 0.5, overflow: getComputedStyle(el).overflowX, ellipsis: getComputedStyle(el).textOverflow,
    });
    return Object.fromEntries([...root.querySelectorAll<HTMLElement>('dw-node')].map((node) => [node.dataset.nodeId!, {
      name: line(node.shadowRoot!.querySelector<HTMLElement>('.name')!), attrs: line(node.shadowRoot!.querySelector<HTMLElement>('.attrs')!),
    }]));
  });
  const cut = { overflows: true, overflow: 'hidden', ellipsis: 'ellipsis' };
  const whole = { overflows: false, overflow: 'visible' };
  expect(lines.x.name).toMatchObject({ text: 'input_with_a_rather_long_name_here', ...cut });
  expect(lines.c.attrs).toMatchObject({ text: '12345 filters · 3×3 · /2 · same · relu', ...cut });
  for (const l of [lines.x.attrs, lines.c.name, lines.d.name, lines.d.attrs]) expect(l).toMatchObject(whole);
});

// The gallery opens models with their blocks collapsed: NASNetLarge (1 041 layers) is drawn as its cells.
// Before blocks collapsed, the Lit plugin's socket layout alone froze the page for ~8 s on it. Timed and
// watched inside the page (a long-task observer and a 20 ms heartbeat), so no test-runner polling runs
// on the page's main thread meanwhile.
for (const [model, layers] of [['NASNetLarge', 1041], ['DenseNet201', 709]] as const) {
  test(`${model} opens from the gallery with its blocks collapsed, without freezing the page`, async ({ page }) => {
    test.setTimeout(180_000);
    await page.setViewportSize({ width: 1600, height: 1000 });
    await openEditor(page);
    await page.getByTestId('open-model').click();
    await expect(page.getByTestId(`zoo-${model}`)).toBeEnabled();
    const m = await page.evaluate(async (name) => {
      const app = document.querySelector('dw-app')!.shadowRoot!;
      const canvasRoot = app.querySelector('dw-canvas')!.shadowRoot!;
      const dialog = app.querySelector('dw-open-model')!.shadowRoot!;
      let longest = 0, gap = 0, last = performance.now();
      const observer = new PerformanceObserver((list) => {
        for (const e of list.getEntries()) longest = Math.max(longest, e.duration);
      });
      observer.observe({ entryTypes: ['longtask'] });
      const heartbeat = setInterval(() => {
        const now = performance.now();
        gap = Math.max(gap, now - last);
        last = now;
      }, 20);
      const t0 = performance.now();
      dialog.querySelector<HTMLButtonElement>(`[data-testid="zoo-${name}"]`)!.click();
      while (dialog.querySelector('dialog')!.open || !canvasRoot.querySelector('[data-testid="group-node"]'))
        await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      const openMs = performance.now() - t0;
      // A second of use after the open: summary, minimap and autosave must not stall it either.
      await new Promise((r) => setTimeout(r, 1000));
      observer.disconnect();
      clearInterval(heartbeat);
      return { openMs, longest, gap, drawn: canvasRoot.querySelectorAll('dw-node').length, blocks: canvasRoot.querySelectorAll('[data-testid="group-node"]').length };
    }, model);
    console.log(`${model} (${layers} layers): opened in ${m.openMs.toFixed(0)} ms from the click, ${m.drawn} nodes drawn (${m.blocks} collapsed blocks); longest task ${m.longest.toFixed(0)} ms, longest heartbeat gap ${m.gap.toFixed(0)} ms`);
    await expect(page.getByTestId('status-nodes')).toHaveText(layers.toLocaleString('en-US'));
    await expect(page.getByTestId('error')).toHaveCount(0);
    expect(m.drawn).toBeLessThan(layers / 5);
    // Loose for the shared 2-core machine; the printed line is the measurement.
    expect(m.openMs).toBeLessThan(60_000);
    expect(m.gap).toBeLessThan(10_000);

    // A block expands in place and collapses back (one undo step). The graph opened at a readable zoom
    // at its inputs: Fit brings every block into view first.
    await page.getByTestId('cmd-fit').click();
    const first = page.getByTestId('group-node').first();
    const name = await first.getByTestId('node-name').innerText();
    await first.getByTestId('group-toggle').click();
    await expect(page.getByTestId('group-node')).toHaveCount(m.blocks - 1);
    expect((await getGraph(page)).groups!.find((g) => g.name === name)!.collapsed).toBeUndefined();
    await page.keyboard.press('Control+z');
    await expect(page.getByTestId('group-node')).toHaveCount(m.blocks);
  });
}
