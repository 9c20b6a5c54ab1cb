// Opening whole models: the Keras applications from the gallery (exact Keras parameter counts), .onnx
// files from the picker or a drop (parsed in a worker, ONNX node names kept, real weights that a run
// uses), a corrupt file refused with the importer's message, and "extract features here".
import { readFileSync, writeFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { decodeTensorProto, readTensor } from '../src/io/onnx-proto.ts';
import { writeNpy } from '../src/io/npy.ts';
import { exportOnnx } from '../src/io/onnx-export.ts';
import { analyzeGraph } from '../src/graph/analyze.ts';
import { zooModel } from '../src/models/zoo.ts';
import { canvas, findNode, getGraph, openEditor, totalParams } from './editor-helpers.ts';
import { clickRun } from './run-helpers.ts';

test.use({ viewport: { width: 1600, height: 1000 } });

const FIXTURE = 'src/io/fixtures/tiny-googlenet.onnx';
const onnxFile = (name: string, buffer: Buffer) => ({ name, mimeType: 'application/octet-stream', buffer });

async function openGallery(page: Page): Promise<void> {
  await page.getByTestId('open-model').click();
  await expect(page.getByTestId('open-model-dialog')).toBeVisible();
}

test('the gallery lists every Keras application with its params; ResNet50 opens with 25,636,712 params, one undo step', async ({ page }) => {
  await openEditor(page);
  const before = await getGraph(page);
  await openGallery(page);
  await expect(page.getByTestId('zoo-row')).toHaveCount(26);
  // Counted in the worker and filled in as they come: the lecture's numbers.
  await expect(page.getByTestId('zoo-params-ResNet50')).toHaveText('25,636,712', { timeout: 30_000 });
  await expect(page.getByTestId('zoo-params-NASNetLarge')).toHaveText('88,949,818', { timeout: 30_000 });
  await expect(page.getByTestId('zoo-params-EfficientNetB7')).toHaveText('66,658,687', { timeout: 30_000 });
  await expect(page.getByTestId('zoo-flops-VGG16')).toHaveText('31 G');

  await page.getByTestId('model-filter').fill('resnet5');
  await expect(page.getByTestId('zoo-row')).toHaveCount(2);
  await page.getByTestId('zoo-ResNet50').click();
  await expect(page.getByTestId('open-model-dialog')).toBeHidden({ timeout: 30_000 });
  await expect(totalParams(page)).toHaveText('25,636,712');
  await expect(page.getByTestId('status-nodes')).toHaveText('177');
  await expect(page.getByTestId('error')).toHaveCount(0);
  // The photo is fed as keras.applications.resnet50.preprocess_input does (and the CLI): caffe.
  await expect(page.getByTestId('preprocess')).toHaveValue('caffe');

  // Opened with its 16 blocks collapsed; laid out: every node placed, nothing drawn on top of anything
  // else (a collapsed block sits where its first nodes are), wrapped into rows rather than one 50 000 px strip.
  const graph = await getGraph(page);
  await expect(page.getByTestId('group-node')).toHaveCount(16);
  expect(graph.groups!.every((g) => g.collapsed)).toBe(true);
  expect(graph.nodes.every((n) => n.layout)).toBe(true);
  const hidden = new Set(graph.groups!.flatMap((g) => g.nodes));
  const at = (id: string) => graph.nodes.find((n) => n.id === id)!.layout!;
  const drawn = [
    ...graph.nodes.filter((n) => !hidden.has(n.id)).map((n) => n.layout!),
    ...graph.groups!.map((g) => ({ x: Math.min(...g.nodes.map((id) => at(id).x)), y: Math.min(...g.nodes.map((id) => at(id).y)) })),
  ];
  expect(new Set(drawn.map((p) => `${p.x},${p.y}`)).size).toBe(graph.nodes.length - hidden.size + 16);
  const xs = drawn.map((p) => p.x), ys = drawn.map((p) => p.y);
  const [width, height] = [Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys)];
  expect(width / height).toBeLessThan(6);
  await expect(findNode(page, 'conv1_conv')).toHaveCount(1);

  await page.getByTestId('cmd-undo').click();
  expect((await getGraph(page)).nodes.map((n) => n.id)).toEqual(before.nodes.map((n) => n.id));
});

test('an .onnx file opens from the picker with its ONNX node names, and a run uses its weights', async ({ page }) => {
  await openEditor(page);
  await openGallery(page);
  await page.getByTestId('onnx-input').setInputFiles(FIXTURE);
  await expect(page.getByTestId('open-model-dialog')).toBeHidden({ timeout: 30_000 });
  await expect(page.getByTestId('status-nodes')).toHaveText('27');
  await expect(findNode(page, '/conv1/conv/Conv')).toHaveCount(1);
  await expect(findNode(page, '/fc/Gemm')).toHaveCount(1);
  await expect(page.getByTestId('message')).toContainText('tiny-googlenet.onnx');
  const graph = await getGraph(page);
  expect(graph.name).toBe('tiny-googlenet');
  expect(graph.nodes.find((n) => n.id === '/conv1/conv/Conv')!.weights).toEqual({ kernel: '/conv1/conv/Conv/kernel', bias: '/conv1/conv/Conv/bias' });

  // The same names again: the second copy's weights get keys of their own, and undo finds the first's.
  await openGallery(page);
  await page.getByTestId('onnx-input').setInputFiles(FIXTURE);
  await expect(page.getByTestId('open-model-dialog')).toBeHidden({ timeout: 30_000 });
  const again = await getGraph(page);
  expect(again.nodes.find((n) => n.id === '/conv1/conv/Conv')!.weights!.kernel).toMatch(/^\d+:\/conv1\/conv\/Conv\/kernel$/);
  await page.getByTestId('cmd-undo').click();
  expect(await getGraph(page)).toEqual(graph);

  // The test input (N×C×H×W in the .pb) fed as N×H×W×C; the output must be ONNX Runtime's, which the
  // fixture holds: only the file's weights give it.
  const x = readTensor(decodeTensorProto(readFileSync('src/io/fixtures/tiny-googlenet.input.pb')));
  const want = readTensor(decodeTensorProto(readFileSync('src/io/fixtures/tiny-googlenet.output.pb')));
  const [N, C, H, W] = x.dims;
  const nhwc = new Float32Array(x.data.length);
  for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) for (let i = 0; i < H * W; i++) nhwc[(n * H * W + i) * C + c] = x.data[(n * C + c) * H * W + i];
  await page.getByTestId('image-input').setInputFiles({ name: 'x.npy', mimeType: 'application/octet-stream', buffer: Buffer.from(writeNpy({ shape: [N, H, W, C], data: nhwc })) });
  await clickRun(page, 1);
  const got = await page.evaluate(async () => [...(await window.deepwire.activation('/fc/Gemm'))!.data]);
  expect(got.length).toBe(want.data.length);
  got.forEach((v, i) => expect(Math.abs(v - want.data[i])).toBeLessThanOrEqual(1e-4 + 1e-3 * Math.abs(want.data[i])));
});

test('a 100 MB .onnx loads with a progress bar, parsed off the main thread', async ({ page }, info) => {
  test.setTimeout(120_000);
  const path = info.outputPath('resnet50.onnx');
  writeFileSync(path, exportOnnx(analyzeGraph(zooModel('ResNet50')), { seed: 1, name: 'resnet50' }));
  await openEditor(page);
  await openGallery(page);
  // The page's heartbeat until the model is handed to the editor (the hand-over itself, which draws the
  // graph, is the canvas's work). Parsed in the worker, no beat is late by more than ~150 ms here; parsed on
  // the main thread, this file stops it for ~750 ms.
  await page.evaluate(() => {
    const w = window as unknown as { gaps_: number[]; handed_: boolean };
    w.gaps_ = [];
    let last = performance.now();
    const beat = setInterval(() => {
      const now = performance.now();
      w.gaps_.push(now - last);
      last = now;
      if (w.handed_) clearInterval(beat);
    }, 10);
    window.addEventListener('model-open', () => (w.handed_ = true), { capture: true });
  });
  await page.getByTestId('onnx-input').setInputFiles(path);
  await expect(page.getByTestId('open-progress')).toContainText(/Parsing resnet50\.onnx \(10\d\.\d MB\)|Arranging 179 nodes/, { timeout: 30_000 });
  await expect(page.getByTestId('open-model-dialog')).toBeHidden({ timeout: 60_000 });
  await expect(totalParams(page)).toHaveText('25,636,712');
  // The last beat spans the hand-over: left out.
  const gaps = await page.evaluate(() => (window as unknown as { gaps_: number[] }).gaps_.slice(0, -1));
  expect(gaps.length).toBeGreaterThan(50);
  expect(Math.max(...gaps)).toBeLessThan(400);
});

test('a .onnx dropped on the page opens; a corrupt one says why and keeps the graph', async ({ page }) => {
  await openEditor(page);
  const before = await getGraph(page);
  const bytes = readFileSync(FIXTURE);

  // A truncated file: the importer's own message, shown in the gallery; nothing changes.
  await openGallery(page);
  await page.getByTestId('onnx-input').setInputFiles(onnxFile('broken.onnx', bytes.subarray(0, 5000)));
  await expect(page.getByTestId('open-error')).toContainText('Could not open broken.onnx: not a valid ONNX file');
  await expect(page.getByTestId('open-error')).toContainText('Your graph is unchanged');
  expect(await getGraph(page)).toEqual(before);
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('open-model-dialog')).toBeHidden();

  // Dropped on the page: the gallery shows the progress, then the model opens.
  const dataTransfer = await page.evaluateHandle((data) => {
    const dt = new DataTransfer();
    dt.items.add(new File([new Uint8Array(data)], 'tiny-mixed.onnx'));
    return dt;
  }, [...readFileSync('src/io/fixtures/tiny-mixed.onnx')]);
  await page.dispatchEvent('dw-app', 'drop', { dataTransfer });
  await expect(page.getByTestId('status-nodes')).toHaveText('26', { timeout: 30_000 });
  await expect(findNode(page, '/grouped/Conv')).toHaveCount(1);
  await expect(page.getByTestId('open-model-dialog')).toBeHidden();
});

test('extract features here: the node becomes the output, what follows it goes, one undo step', async ({ page }) => {
  await openEditor(page);
  await openGallery(page);
  await page.getByTestId('zoo-VGG19').click();
  await expect(totalParams(page)).toHaveText('143,667,240', { timeout: 30_000 });
  // Its five blocks open collapsed: Shift+G expands them all.
  await expect(page.getByTestId('group-node')).toHaveCount(5);
  await page.keyboard.press('Shift+G');
  await expect(page.getByTestId('group-node')).toHaveCount(0);
  await page.keyboard.press('f'); // fit what grew into view

  // From the node's context menu, as in the lecture: VGG19 up to block4_pool.
  await findNode(page, 'block4_pool').locator('.op').click({ button: 'right' });
  await canvas(page).getByText('Extract features here', { exact: true }).click();
  let graph = await getGraph(page);
  expect(graph.outputs).toEqual(['block4_pool']);
  expect(graph.nodes.map((n) => n.id)).not.toContain('block5_conv1');
  expect(graph.nodes.map((n) => n.id)).not.toContain('predictions');
  // Keras: Model(base.input, base.get_layer('block4_pool').output).count_params()
  await expect(totalParams(page)).toHaveText('10,585,152');
  await expect(page.getByTestId('status-nodes')).toHaveText('17');

  await page.getByTestId('cmd-undo').click();
  await expect(totalParams(page)).toHaveText('143,667,240');

  // From the inspector.
  await findNode(page, 'block2_pool').locator('.op').click();
  await page.getByTestId('extract-features').click();
  graph = await getGraph(page);
  expect(graph.outputs).toEqual(['block2_pool']);
  await expect(totalParams(page)).toHaveText('260,160');
  await expect(page.getByTestId('message')).toContainText("Features at block2_pool (56×56×128): it is the graph's output now");
  // Undone, the message no longer holds and goes; an Input has nothing to extract.
  await page.getByTestId('cmd-undo').click();
  await expect(page.getByTestId('message')).toBeHidden();
  await findNode(page, 'input_1').locator('.op').click();
  await expect(page.getByTestId('param-name')).toHaveValue('input_1');
  await expect(page.getByTestId('extract-features')).toHaveCount(0);
});

test("include_top=False, as keras.applications.VGG16(include_top=False, pooling='avg'): the classifier left out", async ({ page }) => {
  await openEditor(page);
  await openGallery(page);
  await expect(page.getByTestId('zoo-pooling')).toBeDisabled();
  await page.getByTestId('zoo-include-top').uncheck();
  await page.getByTestId('zoo-pooling').selectOption('avg');
  await page.getByTestId('zoo-VGG16').click();
  await expect(page.getByTestId('open-model-dialog')).toBeHidden({ timeout: 30_000 });
  // Keras: VGG16(include_top=False) has 14,714,688 params; pooling='avg' adds a GlobalAveragePooling2D.
  await expect(totalParams(page)).toHaveText('14,714,688');
  const graph = await getGraph(page);
  expect(graph.nodes.at(-1)!.op).toBe('GlobalAveragePool2D');
  expect(graph.nodes.some((n) => n.op === 'Dense')).toBe(false);
});

test('a pretrained backbone opens from the gallery with its weights; a cancelled load changes nothing', async ({ page }) => {
  test.setTimeout(120_000);
  await openEditor(page);
  const before = await getGraph(page);
  await openGallery(page);
  await page.getByTestId('pretrained-InceptionV3-pretrained').click();
  await expect(page.getByTestId('open-progress')).toBeVisible();
  await page.getByTestId('open-cancel').click();
  await expect(page.getByTestId('open-progress')).toHaveCount(0);
  await expect(page.getByTestId('open-error')).toHaveCount(0);
  await page.waitForTimeout(3000); // time the cancelled load would have needed to land, had it gone on
  expect(await getGraph(page)).toEqual(before);

  await page.getByTestId('pretrained-MobileNetV2-pretrained').click();
  await expect(page.getByTestId('open-model-dialog')).toBeHidden({ timeout: 90_000 });
  // The message goes 4 s after it is drawn: checked first, before anything else waits on a busy page.
  await expect(page.getByTestId('message')).toContainText('nsfwjs@4.3.0');
  // Keras' MobileNetV2(include_top=False, pooling='avg') count.
  await expect(totalParams(page)).toHaveText('2,257,984');
  const graph = await getGraph(page);
  const conv = graph.nodes.find((n) => n.id === 'Conv1')!;
  expect(Object.keys(conv.weights ?? {})).toEqual(['kernel']);
});
