// Real architectures through ONNX import: torchvision's classifiers (MODELS below; random weights)
// imported, run on WebGPU, and compared with ONNX Runtime (onnxruntime-web, wasm) and with PyTorch's own
// output. Not part of `npm test`: the models are 5–531 MB and take minutes on SwiftShader.
//   /usr/bin/python3 scripts/export-torchvision.py          # writes out/torchvision/*.onnx (+ .input.pb, .output.pb)
//   node --import ./bin/register.mjs bench/onnx-models.ts [--dir out/torchvision] [MODEL ...]
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeGraph } from '../src/graph/analyze.ts';
import { importOnnx } from '../src/io/onnx-import.ts';
import { toOnnx, toOurs } from '../src/io/onnx-layout.ts';
import { decodeTensorProto, readTensor } from '../src/io/onnx-proto.ts';
import { Engine } from '../src/runtime/engine.ts';
import { materializeWeights } from '../src/runtime/reference.ts';
import { runOrt } from '../src/testing/ort.ts';

const MODELS = ['googlenet', 'resnet50', 'resnext50_32x4d', 'densenet121', 'mobilenet_v2', 'inception_v3', 'resnet18', 'vgg11_bn', 'alexnet', 'squeezenet1_1', 'mobilenet_v3_small', 'mobilenet_v3_large', 'mnasnet1_0', 'efficientnet_b0', 'regnet_y_400mf', 'shufflenet_v2_x1_0', 'convnext_tiny'];
/** The bar: every output within 1e-3 of the reference, relative to the output's largest magnitude. */
const RELATIVE_TOLERANCE = 1e-3;

const args = process.argv.slice(2);
const dirFlag = args.indexOf('--dir');
const dir = dirFlag >= 0 ? args.splice(dirFlag, 2)[1] : 'out/torchvision';
const names = args.length ? args : MODELS;

/** max |a − b| / max |b|. */
function relativeError(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let err = 0, scale = 0;
  for (let i = 0; i < want.length; i++) {
    err = Math.max(err, Math.abs(got[i] - want[i]));
    scale = Math.max(scale, Math.abs(want[i]));
  }
  return err / scale;
}

const engine = await Engine.create();
console.log(`adapter: ${engine.info.description}`);
let failures = 0;
for (const name of names) {
  const file = join(dir, `${name}.onnx`);
  if (!existsSync(file)) {
    console.log(`${name}: ${file} is missing — run /usr/bin/python3 scripts/export-torchvision.py ${name}`);
    failures++;
    continue;
  }
  const bytes = readFileSync(file);
  const x = readTensor(decodeTensorProto(readFileSync(join(dir, `${name}.input.pb`))));
  const torchOut = readTensor(decodeTensorProto(readFileSync(join(dir, `${name}.output.pb`))));

  let t = performance.now();
  const imported = importOnnx(bytes);
  const report = analyzeGraph(imported.graph);
  if (!report.ok) throw new Error(`${name}: ${report.problems[0].message}`);
  const importMs = performance.now() - t;

  const [input] = imported.inputs, [output] = imported.outputs;
  const weights = materializeWeights(report, 0, imported.weights);
  const compiled = engine.compile(report, weights, { batch: 1, keep: [output.node] });
  const feeds = { [input.node]: toOurs(x.dims, x.data, input.layout, 'input') };
  t = performance.now();
  const first = await compiled.run(feeds, { read: [output.node] });
  const firstMs = performance.now() - t;
  t = performance.now();
  await compiled.run(feeds, { read: [output.node] });
  const secondMs = performance.now() - t;
  compiled.destroy();
  const ours = toOnnx(first.tensors.get(output.node)!, output.layout);

  t = performance.now();
  const ort = (await runOrt(bytes, { [input.name]: { dims: x.dims, data: x.data as Float32Array } }))[output.name];
  const ortMs = performance.now() - t;

  const vsOrt = relativeError(ours.data, ort.data), vsTorch = relativeError(ours.data, torchOut.data);
  const ok = vsOrt <= RELATIVE_TOLERANCE && vsTorch <= RELATIVE_TOLERANCE && ours.dims.join() === ort.dims.join();
  if (!ok) failures++;
  console.log(
    `${name.padEnd(16)} ${ok ? 'ok  ' : 'FAIL'} ${String(report.nodes.length).padStart(4)} nodes, ${(report.totals.params / 1e6).toFixed(1)} M params | ` +
    `import ${importMs.toFixed(0)} ms | WebGPU first run ${(firstMs / 1000).toFixed(1)} s, second ${(secondMs / 1000).toFixed(2)} s | ` +
    `ORT wasm ${(ortMs / 1000).toFixed(1)} s | rel. error vs ORT ${vsOrt.toExponential(1)}, vs PyTorch ${vsTorch.toExponential(1)}`,
  );
}
engine.device.destroy();
process.exitCode = failures ? 1 : 0;
