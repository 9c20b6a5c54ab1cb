// ONNX's own backend node tests (Debian's libonnx-testdata 1.12, /usr/include/onnx/backend/test/data/node)
// for every op deepwire imports, through import → WebGPU and import → the CPU reference, compared with
// the expected output_*.pb. Each case passes, or is refused with a message naming what deepwire does not
// do (non-float types, 1-D/3-D data, training mode, …); none may fail. Under CI a missing package fails.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Engine } from '../runtime/engine.ts';
import { materializeWeights } from '../runtime/reference.ts';
import { expectClose, TOLERANCE } from '../testing/expect-close.ts';
import { testGpu } from '../testing/gpu.ts';
import { cpuBackend, ONNX_NODE_TESTS, onnxCasesForOurOps, runImported, runOnnxCase, summarize, type CaseBackend, type CaseResult } from '../testing/onnx-cases.ts';
import { importOnnx } from './onnx-import.ts';
import { decodeTensorProto, readTensor } from './onnx-proto.ts';

const gpu = await testGpu();
const hasTestData = existsSync(ONNX_NODE_TESTS);
if (!hasTestData) {
  const message = `ONNX's test data is missing (${ONNX_NODE_TESTS}): apt-get install libonnx-testdata`;
  if (process.env.CI === 'true') throw new Error(message);
  console.warn(`ONNX conformance skipped: ${message}`);
}

/** Cases deepwire refuses, by the reason it gives. Anything else must pass. */
const REFUSED: Record<string, RegExp> = {
  // deepwire computes in float32
  ...Object.fromEntries([
    'test_add_uint8', 'test_sub_uint8', 'test_mul_uint8', 'test_div_uint8', 'test_maxpool_2d_uint8',
    'test_clip_default_int8_inbounds', 'test_clip_default_int8_max', 'test_clip_default_int8_min',
    ...['float16', 'float64', 'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64'].flatMap((t) => [`test_max_${t}`, `test_min_${t}`]),
  ].map((name) => [name, /is (u?int\d+|float16|float64); deepwire computes in float32/])),
  test_averagepool_1d_default: /1-D data/, test_maxpool_1d_default: /1-D data/,
  test_averagepool_3d_default: /3-D data/, test_maxpool_3d_default: /3-D data/,
  test_batchnorm_epsilon_training_mode: /training mode/, test_batchnorm_example_training_mode: /training mode/,
  test_training_dropout: /training mode/, test_training_dropout_default: /training mode/,
  test_dropout_default_mask: /mask output is used/, test_dropout_default_mask_ratio: /mask output is used/,
  test_training_dropout_mask: /mask output is used/, test_training_dropout_default_mask: /mask output is used/,
  test_training_dropout_zero_ratio_mask: /mask output is used/,
  test_maxpool_with_argmax_2d_precomputed_pads: /Indices output is used/, test_maxpool_with_argmax_2d_precomputed_strides: /Indices output is used/,
  test_maxpool_2d_dilations: /pools without dilation/,
  test_div: /Div of two computed tensors/, test_div_bcast: /Div of two computed tensors/, test_div_example: /Div of two computed tensors/,
  test_softmax_axis_0: /last \(channel\) axis only/, test_softmax_axis_1: /last \(channel\) axis only/,
  test_edge_pad: /mode 'edge' is not supported/, test_reflect_pad: /mode 'reflect' is not supported/,
  test_matmul_4d: /multiplies two matrices, or two equal batches/,
  test_constant: /output 'values' is a constant/,
  test_identity_opt: /is an optional, not a tensor/, test_identity_sequence: /is a sequence, not a tensor/,
  test_reshape_allowzero_reordered: /is empty/,
};

function check(results: CaseResult[]): void {
  console.log(summarize(results));
  expect(results.filter((r) => r.status === 'fail').map((r) => `${r.name}: ${r.message}`)).toEqual([]);
  const refused = results.filter((r) => r.status === 'refused');
  expect(refused.map((r) => r.name).sort()).toEqual(Object.keys(REFUSED).sort());
  for (const r of refused) expect(r.message, r.name).toMatch(REFUSED[r.name]);
}

describe.skipIf(!hasTestData)('ONNX backend node tests of the imported ops', () => {
  const cases = hasTestData ? onnxCasesForOurOps() : [];

  it('finds the 185 cases whose models use only the imported ops', () => {
    expect(cases.length).toBe(185);
    expect(cases.map((c) => c.name)).toContain('test_maxpool_2d_ceil');
  });

  it('CPU reference: 129 pass, the rest are refused with a reason, none fails', async () => {
    const results: CaseResult[] = [];
    for (const c of cases) results.push(await runOnnxCase(c, cpuBackend));
    check(results);
    expect(results.filter((r) => r.status === 'pass').length).toBe(129);
  });

  it.skipIf(!gpu)('WebGPU: 129 pass, the rest are refused with a reason, none fails', async () => {
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
    check(results);
    expect(results.filter((r) => r.status === 'pass').length).toBe(129);
  });
});

describe.skipIf(!gpu)('PyTorch exports on WebGPU (src/io/fixtures)', () => {
  it.each(['tiny-googlenet', 'tiny-mixed'])('%s matches PyTorch\'s output', async (name) => {
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
