// deepwire as a library in Node: run a graph made in the editor on the GPU (Dawn, from the `webgpu`
// package), check it against deepwire's CPU reference, read a node inside it, then train a small
// network for a few steps on made-up data.
//
//   npm install deepwire webgpu
//   node node.mjs [graph.json] [input.npy]
//
// (In this repository: `npm run build:lib`, then `node examples/library/node.mjs`.) No GPU? Dawn runs
// on SwiftShader, which Debian's chromium ships:
//   VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json node node.mjs
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Device, loadModel, readNpy, tensor } from 'deepwire';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const [graphPath = here('../inception-3a.json'), inputPath] = process.argv.slice(2);

const device = await Device.request();
console.log(`device: ${device.description}`);
try {
  // ── inference ──
  const model = await loadModel(graphPath);
  const input = model.inputs[0];
  console.log(`${model.name}: ${model.nodes.length} nodes, ${model.params.total} parameters; input ${input.name} ${input.shape.join('×')}`);
  const x = inputPath ? readNpy(await readFile(inputPath)) : randomTensor([1, ...input.shape], 1);
  // keep: a node inside the graph stays readable after the run (the others are fused and their memory reused)
  const inside = model.nodes.find((n) => n.op === 'Conv2D')?.name;
  const compiled = await model.compile({ device, keep: inside ? [inside] : 'outputs' });
  const outputs = await compiled.run(x);
  for (const [name, t] of Object.entries(outputs))
    console.log(`output ${name}: ${t.shape.join('×')}, first values ${[...t.data.slice(0, 4)].map((v) => v.toFixed(4)).join(' ')}`);
  if (inside) {
    const t = await compiled.read(inside);
    console.log(`node ${inside}: ${t.shape.join('×')}, mean ${(t.data.reduce((a, b) => a + b, 0) / t.data.length).toFixed(4)}`);
  }
  // The same graph on the CPU, with deepwire's plain-loop reference ops (what the GPU kernels are tested against).
  const reference = model.runReference(x);
  for (const [name, t] of Object.entries(outputs)) {
    const want = reference[name].data;
    const diff = t.data.reduce((m, v, i) => Math.max(m, Math.abs(v - want[i])), 0);
    const scale = want.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    console.log(`output ${name}: max |GPU − CPU reference| = ${diff.toExponential(2)} (values up to ${scale.toFixed(3)})`);
  }
  compiled.dispose();

  // ── training: Keras' fit on 128 made-up 28×28 images whose class is their brightest quarter ──
  const small = await loadModel(here('../fashion-small.json'));
  const images = randomTensor([128, 28, 28, 1], 2);
  const labels = tensor([128]);
  for (let n = 0; n < 128; n++) {
    const quarter = n % 4;
    for (let i = 0; i < 28; i++) for (let j = 0; j < 28; j++)
      if ((i < 14 ? 0 : 2) + (j < 14 ? 0 : 1) === quarter) images.data[((n * 28 + i) * 28 + j)] += 1;
    labels.data[n] = quarter;
  }
  const history = await small.fit(images, labels, {
    optimizer: 'adam', batchSize: 32, epochs: 2, validationSplit: 0.25, device,
    onEpochEnd: (log) => console.log(`epoch ${log.epoch}: loss ${log.loss.toFixed(4)}, accuracy ${log.accuracy.toFixed(3)}, val_accuracy ${log.valAccuracy?.toFixed(3)}`),
  });
  const { loss, accuracy } = await small.evaluate(images, labels, { device });
  console.log(`trained: loss ${history.history.loss.map((v) => v.toFixed(4)).join(' → ')}; evaluate: loss ${loss.toFixed(4)}, accuracy ${accuracy.toFixed(3)}`);
  const predicted = await small.predict(tensor([1, 28, 28, 1], images.data.subarray(0, 784)), { device });
  console.log(`predict: ${predicted.shape.join('×')}, class ${[...predicted.data].indexOf(Math.max(...predicted.data))} (label ${labels.data[0]})`);
} finally {
  device.destroy();
}

/** Uniform in [0, 1), from a seed: the same numbers every run. */
function randomTensor(shape, seed) {
  const t = tensor(shape);
  let s = seed;
  for (let i = 0; i < t.data.length; i++) {
    s = (s * 1664525 + 1013904223) >>> 0;
    t.data[i] = s / 2 ** 32;
  }
  return t;
}
