// ONNX's own backend node tests (Debian's libonnx-testdata 1.12, /usr/include/onnx/backend/test/data/node)
// for every op deepwire imports, through import → WebGPU and import → the CPU reference, compared with
// the expected output_*.pb. Each case passes, or is refused with a message naming what deepwire does not
// do (3-D data, training mode, …); none may fail. Under CI a missing package fails. Other element types
// than float32 (uint8, int64, float64, …) compute in float32 and are cast back (src/io/onnx-layout.ts).
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Engine } from '../runtime/engine.ts';
import { materializeWeights } from '../runtime/reference.ts';
import { expectClose, TOLERANCE } from '../testing/expect-close.ts';
import { testGpu } from '../testing/gpu.ts';
import { cpuBackend, expectConformance, ONNX_NODE_TESTS, onnxCasesForOurOps, runImported, runOnnxCase, type CaseBackend, type CaseResult } from '../testing/onnx-cases.ts';
import { importOnnx } from './onnx-import.ts';
import { decodeTensorProto, readTensor } from './onnx-proto.ts';

const gpu = await testGpu();
const hasTestData = existsSync(ONNX_NODE_TESTS);
if (!hasTestData) {
  const message = `ONNX's test data is missing (${ONNX_NODE_TESTS}): apt-get install libonnx-testdata`;
  if (process.env.CI === 'true') throw new Error(message);
  console.warn(`ONNX conformance skipped: ${message}`);
}

describe.skipIf(!hasTestData)('ONNX backend node tests of the imported ops', () => {
  const cases = hasTestData ? onnxCasesForOurOps() : [];

  it('finds the 253 cases whose models use only the imported ops', () => {
    expect(cases.length).toBe(253);
    expect(cases.map((c) => c.name)).toContain('test_maxpool_2d_ceil');
  });

  it('CPU reference: 213 pass, the rest are refused with a reason, none fails', async () => {
    const results: CaseResult[] = [];
    for (const c of cases) results.push(await runOnnxCase(c, cpuBackend));
    expectConformance(results);
    expect(results.filter((r) => r.status === 'pass').length).toBe(213);
  });

  it.skipIf(!gpu)('WebGPU: 213 pass, the rest are refused with a reason, none fails', async () => {
    const engine = await Engine.create(async () => gpu);
    const backend: CaseBackend = async (report, store, feeds, outputs) => {
      const batch = Object.values(feeds)[0].shape[0];
      const compiled = engine.compile(report, materializeWeights(report, 0, store), { batch, keep: outputs });
      try {
        return (await compiled.run(feeds, { read: outputs })).tensors;
      } finally {
        compiled.destroy();
      }
    };
    const results: CaseResult[] = [];
    for (const c of cases) results.push(await runOnnxCase(c, backend));
    expectConformance(results);
    expect(results.filter((r) => r.status === 'pass').length).toBe(213);
  });
});

describe.skipIf(!gpu)('PyTorch exports on WebGPU (src/io/fixtures)', () => {
  it.each(['tiny-googlenet', 'tiny-mixed', 'tiny-shuffle', 'tiny-conv1d', 'tiny-shufflenet-v2', 'tiny-convnext'])('%s matches PyTorch\'s output', async (name) => {
    const engine = await Engine.create(async () => gpu);
    const stem = `src/io/fixtures/${name}`;
    const x = readTensor(decodeTensorProto(readFileSync(`${stem}.input.pb`)));
    const torch = readTensor(decodeTensorProto(readFileSync(`${stem}.output.pb`)));
    const backend: CaseBackend = async (report, store, feeds, outputs) => {
      const compiled = engine.compile(report, materializeWeights(report, 0, store), { keep: outputs });
      try {
        return (await compiled.run(feeds, { read: outputs })).tensors;
      } finally {
        compiled.destroy();
      }
    };
    const got = (await runImported(importOnnx(readFileSync(`${stem}.onnx`)), { input: x }, backend)).output;
    expectClose(got.data, torch.data, TOLERANCE.conv);
  });
});
