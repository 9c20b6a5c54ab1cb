// deepwire as a library in a page: load a graph made in the editor, run it on a photo with WebGPU,
// print its output's strongest channels, read a node inside it, and check the GPU against deepwire's
// CPU reference. Served by Vite (`npx vite examples/library`), which resolves `deepwire` and the URLs below.
import { Device, isDeepwireError, loadModel, tensorFromImage, topIndices } from 'deepwire';

const graphUrl = new URL('../inception-v1-stem.json', import.meta.url).href;
const photoUrl = new URL('../../public/samples/chelsea.png', import.meta.url).href;
const log = document.getElementById('log');
const print = (line) => (log.textContent += `${line}\n`);

async function main() {
  log.textContent = '';
  const device = await Device.request();
  print(`WebGPU adapter: ${device.description}`);
  const model = await loadModel(graphUrl);
  const input = model.inputs[0];
  print(`${model.name}: ${model.nodes.length} nodes, ${model.params.total.toLocaleString('en')} parameters, input ${input.shape.join('×')}`);

  const img = document.getElementById('photo');
  img.src = photoUrl;
  await img.decode();
  // The photo, centre-cropped to the Input's 224×224 and scaled to [0, 1]: [1, 224, 224, 3].
  const x = tensorFromImage(img, input.shape, { resize: 'crop', preprocess: 'unit' });

  const inside = model.nodes.find((n) => n.op === 'Conv2D').name;
  const compiled = await model.compile({ device, keep: [inside] });
  const started = performance.now();
  const outputs = await compiled.run(x);
  print(`ran on the GPU in ${(performance.now() - started).toFixed(0)} ms`);
  const [name, y] = Object.entries(outputs)[0];
  const [, H, W, C] = y.shape;
  // A feature map's "top outputs": the channels with the largest mean activation over the image.
  const means = new Float32Array(C);
  for (let i = 0; i < H * W; i++) for (let c = 0; c < C; c++) means[c] += y.data[i * C + c] / (H * W);
  print(`output ${name}: ${y.shape.join('×')}; strongest channels: ${topIndices(means, 5).map((c) => `#${c} ${means[c].toFixed(3)}`).join(', ')}`);
  const first = await compiled.read(inside);
  print(`node ${inside}: ${first.shape.join('×')}, max ${first.data.reduce((a, b) => Math.max(a, b), -Infinity).toFixed(3)}`);

  // The same graph on the CPU (seconds: plain loops with float64 sums), to compare.
  const want = model.runReference(x)[name].data;
  const diff = y.data.reduce((m, v, i) => Math.max(m, Math.abs(v - want[i])), 0);
  const scale = want.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  print(`max |GPU − CPU reference| = ${diff.toExponential(2)} (values up to ${scale.toFixed(3)})`);
  compiled.dispose();
  device.destroy();
  print('done');
}

main().catch((e) => {
  print(`${isDeepwireError(e) ? 'deepwire: ' : ''}${e.message}${e.hint ? ` — ${e.hint}` : ''}`);
  print('failed');
});
