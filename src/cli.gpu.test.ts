// `deepwire run` on its default backend, WebGPU, against `--backend cpu` on the same graphs.
import { describe, expect, it } from 'vitest';
import { runCli } from './testing/cli-run.ts';
import { readNpy } from './io/npy.ts';
import { testGpu } from './testing/gpu.ts';
import { expectClose, TOLERANCE } from './testing/expect-close.ts';

const gpu = await testGpu();


describe.skipIf(!gpu)('deepwire run --backend webgpu (the default)', () => {
  it('reproduces the lecture\'s regularizer example: losses 0.25 + 5 = 5.25', async () => {
    const { code, stdout } = await runCli(['run', 'examples/regularizer.json', '--input', 'examples/regularizer-input.npy']);
    expect(code).toBe(0);
    expect(stdout).toContain('losses: kernel 0.25, activity 5, total 5.25\n');
    expect(stdout).toMatch(/GPU time \(timestamp queries\), per node:\n {2}dense +\d+\.\d{3} ms\n {2}total +\d+\.\d{3} ms\n/);
  });

  it.each(['examples/inception-3a.json', 'examples/resnet-bottleneck.json'])('agrees with --backend cpu within 1e-3 relative on %s', async (file) => {
    const gpuRun = await runCli(['run', file]);
    const cpuRun = await runCli(['run', file, '--backend', 'cpu']);
    expect(gpuRun.code).toBe(0);
    expect(cpuRun.code).toBe(0);
    expect([...gpuRun.written.keys()]).toEqual([...cpuRun.written.keys()]);
    for (const [path, bytes] of gpuRun.written) expectClose(readNpy(bytes).data, readNpy(cpuRun.written.get(path)!).data, TOLERANCE.conv);
    expect(gpuRun.stdout).toMatch(/total +\d+\.\d{3} ms/);
  });
});
