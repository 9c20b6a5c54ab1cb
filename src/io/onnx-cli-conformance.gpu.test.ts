// ONNX's own backend node tests run the way a person checks an engine: one `deepwire run
// test_x/model.onnx --input test_x/test_data_set_0/input_K.pb --out DIR` per case, on the CLI's default
// backend (WebGPU, timed with timestamp queries where the adapter has them), and the .npy files it
// writes compared with output_K.pb. The in-process suite (onnx-conformance.gpu.test.ts) runs the same
// cases without the CLI's timing path, which once hid a failed submit that wrote zeros and exited 0.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../testing/cli-run.ts';
import { testGpu } from '../testing/gpu.ts';
import { expectConformance, ONNX_NODE_TESTS, onnxCasesForOurOps, runOnnxCaseCli } from '../testing/onnx-cases.ts';

const gpu = await testGpu();
const hasTestData = existsSync(ONNX_NODE_TESTS);
if (!hasTestData && process.env.CI === 'true') throw new Error(`ONNX's test data is missing (${ONNX_NODE_TESTS}): apt-get install libonnx-testdata`);

describe.skipIf(!gpu || !hasTestData)('ONNX backend node tests through `deepwire run`', () => {
  it('213 pass, the rest are refused with a reason, none writes a file it should not', async () => {
    const results = [];
    for (const c of onnxCasesForOurOps()) results.push(await runOnnxCaseCli(c, runCli));
    expectConformance(results);
    expect(results.filter((r) => r.status === 'pass').length).toBe(213);
    // Every run that computed anything was timed on the GPU, as the CLI prints it.
    const timing = gpu!.features.timestamps ? /^GPU time \(timestamp queries\)/m : /^time \(approximated/m;
    const untimed = results.filter((r) => r.status === 'pass' && !timing.test(r.stdout) && !/^GPU time: none \(no dispatch/m.test(r.stdout));
    expect(untimed.map((r) => r.name)).toEqual([]);
    // The graphs with no dispatch at all (the output is the input or a view of it) are among the passes.
    const viewsOnly = results.filter((r) => /^GPU time: none/m.test(r.stdout)).map((r) => r.name);
    expect(viewsOnly).toEqual(expect.arrayContaining(['test_identity', 'test_flatten_axis0', 'test_dropout_default']));
    expect(results.filter((r) => viewsOnly.includes(r.name) && r.status !== 'pass')).toEqual([]);
  }, 600_000);
});
