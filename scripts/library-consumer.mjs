// Run by scripts/test-library.mjs in a folder where the packed deepwire is installed, as a user's script:
// the same network from four files — the graph, the Keras model.json and the ONNX model the installed
// CLI writes of it, and the graph the CLI converts back from that ONNX — gives the same outputs on Dawn;
// every node of a graph compiled with keep: 'all' equals the CPU reference; mistakes get clear errors.
import { spawnSync } from 'node:child_process';
import assert from 'node:assert/strict';
import { Device, EngineError, OpError, isDeepwireError, loadModel, tensor } from 'deepwire';

const cli = (...args) => {
  const r = spawnSync(process.execPath, ['node_modules/deepwire/bin/deepwire.mjs', ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, `deepwire ${args.join(' ')}: ${r.stdout}${r.stderr}`);
};
const maxDiff = (a, b) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
const close = (got, want, what) => {
  assert.deepEqual(got.shape, want.shape, `${what}: shape`);
  const scale = want.data.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const diff = maxDiff(got.data, want.data);
  assert.ok(diff <= 1e-4 + 1e-3 * scale, `${what}: max difference ${diff} (values up to ${scale})`);
  return diff;
};

const device = await Device.request();
try {
  const graph = await loadModel('examples/fashion-cnn.json');
  const x = tensor([2, 28, 28, 1], Array.from({ length: 2 * 784 }, (_, i) => ((i * 7919) % 1000) / 1000));
  const compiled = await graph.compile({ device, keep: 'all', batch: 2 });
  const [outName] = Object.keys(await compiled.run(x));
  const want = (await compiled.run(x))[outName];
  assert.deepEqual(want.shape, [2, 10]);

  // Every node, read back after the run, against the CPU reference of the same node.
  const names = graph.nodes.filter((n) => n.op !== 'Input').map((n) => n.name);
  const reference = graph.runReference(x, { outputs: names });
  for (const name of names) close(await compiled.read(name), reference[name], `node ${name}`);
  console.log(`fashion-cnn: ${names.length} nodes read back, each within tolerance of the CPU reference`);

  // The Keras model (TF.js Layers: model.json + weights) that `deepwire export-keras` writes.
  cli('export-keras', 'examples/fashion-cnn.json', 'out/keras/fashion-cnn.json');
  const keras = await loadModel('out/keras/fashion-cnn.json');
  const kerasOut = Object.values(await (await keras.compile({ device })).run(x))[0];
  console.log(`Keras model.json: ${keras.nodes.length} layers, max difference ${close(kerasOut, want, 'Keras model').toExponential(2)}`);

  // The ONNX model `deepwire convert` writes: its own names and layout (N×C×H×W; C = 1 here, the same values).
  cli('convert', 'examples/fashion-cnn.json', 'out/fashion-cnn.onnx');
  const onnx = await loadModel('out/fashion-cnn.onnx');
  assert.equal(onnx.inputs[0].layout, 'onnx');
  assert.deepEqual(onnx.inputs[0].shape, [1, 28, 28]);
  const onnxRun = await (await onnx.compile({ device })).run({ [onnx.inputs[0].name]: { shape: [2, 1, 28, 28], data: x.data } });
  const onnxOut = onnxRun[onnx.outputs[0].name];
  console.log(`ONNX: inputs ${onnx.inputs.map((p) => `${p.name} ${p.shape.join('×')}`).join(', ')}, max difference ${close(onnxOut, want, 'ONNX model').toExponential(2)}`);

  // ONNX → graph.json with its weights beside it (graph.weights.json + .bin), loaded back.
  cli('convert', 'out/fashion-cnn.onnx', 'out/converted.json');
  const converted = await loadModel('out/converted.json');
  const convertedOut = Object.values(await (await converted.compile({ device })).run(x))[0];
  console.log(`converted graph with saved weights: max difference ${close(convertedOut, want, 'converted graph').toExponential(2)}`);

  // Mistakes: a graph with a problem, a wrong input, reading a node that was fused away, a disposed model.
  await assert.rejects(loadModel('examples/broken-add.json'), (e) => {
    assert.ok(e instanceof OpError && isDeepwireError(e));
    assert.match(e.message, /Add needs equal shapes/);
    assert.ok(e.hint, 'the error says what to do');
    return true;
  });
  await assert.rejects(loadModel('examples/missing.json'), (e) => e instanceof OpError && /no such file/.test(e.message));
  await assert.rejects(compiled.run(tensor([1, 28, 28, 3])), (e) => e instanceof OpError && /takes N×28×28×1/.test(e.message));
  await assert.rejects(compiled.run({ picture: x }), (e) => e instanceof OpError && /'picture' is not an input/.test(e.message));
  const fused = await graph.compile({ device });
  await fused.run(x);
  await assert.rejects(fused.read(names[0]), (e) => e instanceof EngineError && /was not kept/.test(e.message) && /keep/.test(e.hint));
  fused.dispose();
  await assert.rejects(fused.run(x), (e) => e instanceof EngineError && /disposed/.test(e.message));
  compiled.dispose();
  console.log('errors: each one a deepwire error with a hint');
  console.log('all checks passed');
} finally {
  device.destroy();
}
