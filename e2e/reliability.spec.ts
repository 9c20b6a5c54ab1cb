// Reliability in the page: the GPU device destroyed in the middle of a run, a genuine GPU out-of-memory
// error, a tab closed mid-edit, failed imports and undo across a load. Each time a message says what
// happened, nothing already there is lost, and the next run works.
import { expect, test, type Page } from '@playwright/test';
import { findNode, getGraph, loadGraph, openEditor, selectNode, setParam } from './editor-helpers.ts';
import { clickRun } from './run-helpers.ts';
import { inceptionModule, noHotReload } from './reliability-helpers.ts';
import type { GraphFile } from '../src/index.ts';

test.use({ viewport: { width: 1600, height: 1000 } });
test.setTimeout(180_000);

/**
 * Before the page loads: remember every GPUDevice the page requests, and when `armed`, destroy the
 * device right after it submits a command buffer holding ≥ 3 dispatches (a forward pass, not a
 * colormap), i.e. with the run's work submitted and its results not yet read back.
 */
async function hookDevices(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const state = { devices: [] as GPUDevice[], armed: false, destroyed: 0, dispatches: 0 };
    (window as any).__gpuHook = state;
    const requestDevice = GPUAdapter.prototype.requestDevice;
    GPUAdapter.prototype.requestDevice = async function (this: GPUAdapter, ...args: any[]) {
      const device = await requestDevice.apply(this, args as any);
      state.devices.push(device);
      return device;
    };
    const dispatch = GPUComputePassEncoder.prototype.dispatchWorkgroups;
    GPUComputePassEncoder.prototype.dispatchWorkgroups = function (this: GPUComputePassEncoder, ...args: any[]) {
      state.dispatches++;
      return dispatch.apply(this, args as any);
    };
    const submit = GPUQueue.prototype.submit;
    GPUQueue.prototype.submit = function (this: GPUQueue, buffers: Iterable<GPUCommandBuffer>) {
      const result = submit.call(this, buffers);
      const dispatches = state.dispatches;
      state.dispatches = 0;
      if (state.armed && dispatches >= 3) {
        state.armed = false;
        state.destroyed++;
        state.devices.find((d) => d.queue === this)!.destroy();
      }
      return result;
    };
  });
}

test.beforeEach(async ({ page, context }) => {
  await noHotReload(page);
  context.on('page', (p) => void noHotReload(p));
});

const message = (page: Page) => page.getByTestId('message');

test('the device destroyed mid-run: the run says so, the graph and the shown results stay, the next run gets a new device', async ({ page }) => {
  await hookDevices(page);
  await openEditor(page);
  await loadGraph(page, inceptionModule());
  await clickRun(page, 1);
  await expect(findNode(page, 'b2_3x3').getByTestId('node-mosaic')).toBeVisible({ timeout: 30_000 });
  const mosaic = await findNode(page, 'b2_3x3').getByTestId('node-mosaic').getAttribute('src');
  const before = await getGraph(page);
  const devicesBefore = await page.evaluate(() => (window as any).__gpuHook.devices.length);

  // A new photo: every node runs again; the device goes away once that run's dispatches are submitted.
  await page.getByTestId('image-input').setInputFiles('public/samples/coffee.png');
  await expect(page.getByTestId('input-source')).toContainText('coffee.png');
  await page.evaluate(() => ((window as any).__gpuHook.armed = true));
  await page.getByTestId('run-button').click();
  await expect(message(page)).toContainText(/The run failed: .*GPU device was lost/, { timeout: 60_000 });
  expect(await page.evaluate(() => (window as any).__gpuHook.destroyed)).toBe(1);
  await expect(page.getByTestId('run-button')).toBeEnabled();
  // Nothing lost: the graph, and the last complete run's pictures on the nodes.
  expect(await getGraph(page)).toEqual(before);
  await expect(findNode(page, 'b2_3x3').getByTestId('node-mosaic')).toHaveAttribute('src', mosaic!);

  // The next run acquires a new device and completes, on the new photo.
  const summary = await clickRun(page, 2);
  expect(summary).toContain('ran 8 nodes');
  expect(await page.evaluate(() => (window as any).__gpuHook.devices.length)).toBeGreaterThan(devicesBefore);
  const out = await page.evaluate(async () => {
    const t = (await window.deepwire.activation('cat'))!;
    return { shape: t.shape, finite: t.data.every(Number.isFinite), max: Math.max(...t.data) };
  });
  expect(out.shape).toEqual([1, 32, 32, 56]);
  expect(out.finite).toBe(true);
  expect(out.max).toBeGreaterThan(0);
  await expect(findNode(page, 'b2_3x3').getByTestId('node-mosaic')).not.toHaveAttribute('src', mosaic!, { timeout: 30_000 });
});

/**
 * Before the page loads: while `window.__failDispatchOf` holds a node id, the dispatch of that node's
 * bind group (the engine labels each with its node) asks for more workgroups than any device allows,
 * so WebGPU rejects the run's command buffer: a real validation error in the middle of a run
 * (src/testing/gpu-fault.ts does the same in Node).
 */
async function hookDispatchFaults(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const proto = GPUComputePassEncoder.prototype;
    const { setBindGroup, dispatchWorkgroups } = proto;
    const bound = new WeakMap<GPUComputePassEncoder, string>();
    proto.setBindGroup = function (this: GPUComputePassEncoder, ...args: any[]) {
      bound.set(this, args[1]?.label ?? '');
      return (setBindGroup as any).apply(this, args);
    } as any;
    proto.dispatchWorkgroups = function (this: GPUComputePassEncoder, x: number, y?: number, z?: number) {
      const hit = bound.get(this) === (window as any).__failDispatchOf;
      return dispatchWorkgroups.call(this, hit ? 0xffffffff : x, y, z);
    };
  });
}

test('a GPU error in the middle of a run fails it: the node says so, no maps or values are shown, the next run works', async ({ page }) => {
  await hookDispatchFaults(page);
  await openEditor(page);
  await loadGraph(page, inceptionModule());
  await clickRun(page, 1);
  await expect(findNode(page, 'b2_3x3').getByTestId('node-mosaic')).toBeVisible({ timeout: 30_000 });
  await selectNode(page, 'b2_3x3');
  await expect(page.getByTestId('activation-viewer').getByTestId('stat-min')).toHaveAttribute('data-value', /./);
  const before = await getGraph(page);

  // A new photo, so every node runs again; b2_3x3's dispatch is rejected by WebGPU.
  await page.getByTestId('image-input').setInputFiles('public/samples/coffee.png');
  await expect(page.getByTestId('input-source')).toContainText('coffee.png');
  await page.evaluate(() => ((window as any).__failDispatchOf = 'b2'));
  await page.getByTestId('run-button').click();
  await expect(message(page)).toContainText(/The run failed: b2_3x3: the GPU reported a validation error during the run/, { timeout: 60_000 });
  await expect(findNode(page, 'b2_3x3').getByTestId('node-time')).toHaveText('run failed');
  // Nothing shown as a result: no mosaic on any node, no maps or statistics in the viewer, no tensor to read.
  await expect(page.getByTestId('node-mosaic')).toHaveCount(0);
  await expect(page.getByTestId('activation-viewer')).toContainText('The run failed on the GPU, so no maps are shown');
  await expect(page.getByTestId('activation-viewer').getByTestId('stat-min')).toHaveCount(0);
  for (const id of ['b1', 'b2', 'cat']) expect(await page.evaluate((id) => window.deepwire.activation(id), id), id).toBeNull();
  expect(await getGraph(page)).toEqual(before);

  // The next run computes everything again.
  await page.evaluate(() => ((window as any).__failDispatchOf = undefined));
  const summary = await clickRun(page, 2);
  expect(summary).toContain('ran 8 nodes');
  await expect(findNode(page, 'b2_3x3').getByTestId('node-mosaic')).toBeVisible({ timeout: 30_000 });
  const out = await page.evaluate(async () => (await window.deepwire.activation('cat'))!.data.some((v) => v > 0));
  expect(out).toBe(true);
});

test('a genuine GPU out-of-memory error stops the run with the node named; the graph stays and a smaller run succeeds', async ({ page }) => {
  await openEditor(page);
  // SwiftShader's Vulkan refuses a single allocation of maxBufferSize (vkAllocateMemory →
  // VK_ERROR_OUT_OF_DEVICE_MEMORY) without touching memory: a tensor of exactly that size passes the
  // limit check and fails at allocation, a real GPUOutOfMemoryError.
  const limit = await page.evaluate(async () => (await navigator.gpu.requestAdapter())!.limits.maxBufferSize);
  test.skip(limit > 2 ** 30, `maxBufferSize is ${limit}: allocating it could really take that much memory here`);
  const H = 64, W = 64;
  const filters = limit / 4 / (H * W);
  expect(Number.isInteger(filters)).toBe(true);
  const graph: GraphFile = {
    format: 'deepwire-graph', version: 1, name: 'too_big', seed: 0,
    nodes: [
      { id: 'input', op: 'Input', name: 'input_1', attrs: { shape: [H, W, 3] } },
      { id: 'wide', op: 'Conv2D', name: 'wide', inputs: ['input'], attrs: { filters, kernel_size: 1, use_bias: false } },
    ],
    outputs: ['wide'],
  };
  await loadGraph(page, graph);
  const before = await getGraph(page);
  await page.getByTestId('run-button').click();
  await expect(message(page)).toContainText(/The run failed: wide: .*out of memory/, { timeout: 60_000 });
  await expect(message(page)).toContainText('GiB');
  // and on the node itself, with the whole message as its tooltip
  const time = findNode(page, 'wide').getByTestId('node-time');
  await expect(time).toHaveText('run failed');
  await expect(time).toHaveAttribute('title', /out of memory allocating 1\.00 GiB for its output 1×64×64×\d+/);
  expect(await getGraph(page)).toEqual(before);
  await expect(page.getByTestId('run-button')).toBeEnabled();

  // The page keeps working: a smaller layer runs on the same page.
  await selectNode(page, 'wide');
  await setParam(page, 'filters', '8');
  const summary = await clickRun(page, 1);
  expect(summary).toContain('ran 1 node');
  await expect(time).toHaveText(/\d ms$/);
  const t = await page.evaluate(async () => (await window.deepwire.activation('wide'))!.shape);
  expect(t).toEqual([1, H, W, 8]);
});

test('closing the tab right after an edit and opening the editor again restores that edit', async ({ context }) => {
  const page = await context.newPage();
  await openEditor(page);
  await selectNode(page, 'inception_3a_pool_proj');
  await setParam(page, 'filters', '48');
  // No wait for anything: the tab closes at once, as a person closes it.
  await page.close({ runBeforeUnload: false });
  const again = await context.newPage();
  await openEditor(again, '/');
  await expect(findNode(again, 'inception_3a_output').getByTestId('output-shape')).toHaveText('28×28×272');
  expect((await getGraph(again)).nodes.find((n) => n.name === 'inception_3a_pool_proj')!.attrs!.filters).toBe(48);
});

test('failed imports (bad JSON, a damaged ONNX) leave the graph untouched; undo works across a load', async ({ page }) => {
  await openEditor(page);
  await selectNode(page, 'inception_3a_1x1');
  await setParam(page, 'filters', '40');
  const edited = await getGraph(page);

  await page.getByTestId('open-file').setInputFiles({ name: 'cut.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(edited).slice(0, 200)) });
  await expect(message(page)).toContainText('Your graph is unchanged');
  await page.getByTestId('open-file').setInputFiles({ name: 'wrong.json', mimeType: 'application/json', buffer: Buffer.from('{"format":"deepwire-graph","version":1,"nodes":"x"}') });
  await expect(message(page)).toContainText('Your graph is unchanged');
  expect(await getGraph(page)).toEqual(edited);

  await page.getByTestId('open-model').click();
  await page.getByTestId('onnx-input').setInputFiles({ name: 'junk.onnx', mimeType: 'application/octet-stream', buffer: Buffer.from('not a protobuf at all, just text'.repeat(40)) });
  // (the model worker starts on first use: slow on a busy machine)
  await expect(page.getByTestId('open-error')).toContainText('Your graph is unchanged', { timeout: 30_000 });
  await page.keyboard.press('Escape');
  expect(await getGraph(page)).toEqual(edited);

  // A load is one undo step: undo brings the edited graph back, redo the loaded one.
  const loaded = inceptionModule(16);
  await page.getByTestId('open-file').setInputFiles({ name: 'small.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(loaded)) });
  await expect(message(page)).toContainText('Opened small.json');
  await expect(page.getByTestId('node')).toHaveCount(9);
  await expect(findNode(page, 'inception_output').getByTestId('output-shape')).toHaveText('16×16×56');
  await page.getByTestId('cmd-undo').click();
  await expect(findNode(page, 'inception_3a_output')).toHaveCount(1);
  expect(await getGraph(page)).toEqual(edited);
  await page.getByTestId('cmd-redo').click();
  await expect(findNode(page, 'inception_output').getByTestId('output-shape')).toHaveText('16×16×56');
  // and the state after the undo/redo is what a reload finds
  await page.reload();
  await expect(findNode(page, 'inception_output').getByTestId('output-shape')).toHaveText('16×16×56');
});
