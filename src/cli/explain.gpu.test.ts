// `deepwire explain` on its default backend, WebGPU: the last line is the value the GPU run computed,
// the same (to conv tolerance: the run of --output alone may fuse differently) as `deepwire run` writes.
import { describe, expect, it } from 'vitest';
import { runCli } from '../testing/cli-run.ts';
import { readNpy } from '../io/npy.ts';
import { stridesOf } from '../tensor.ts';
import { testGpu } from '../testing/gpu.ts';

const gpu = await testGpu();

const GRAPH = 'examples/fashion-resnet.json';
const INPUT = 'examples/fashion-boot.npy';

describe.skipIf(!gpu)('deepwire explain (WebGPU)', () => {
  it.each([
    ['stem_conv', [14, 9, 3]], ['block2_conv1', [0, 13, 5]], ['block1_add', [13, 15, 2]], ['pool', [17]], ['classes', [9]],
  ] as const)('%s at %j: value is what deepwire run computes there, and the total prints as it', async (node, at) => {
    const explained = await runCli(['explain', GRAPH, '--input', INPUT, '--node', node, '--at', at.join(',')]);
    expect(explained.stderr).toBe('');
    expect(explained.code).toBe(0);
    const lines = explained.stdout.trimEnd().split('\n');
    const value = /^value: (\S+)$/.exec(lines.at(-1)!)![1];
    expect(lines.at(-2)!.startsWith(`total: ${value} (`), lines.at(-2)).toBe(true);

    const run = await runCli(['run', GRAPH, '--input', INPUT, '--output', node]);
    expect(run.code).toBe(0);
    const t = readNpy([...run.written.values()][0]);
    const strides = stridesOf(t.shape.slice(1));
    const want = t.data[at.reduce<number>((o, v, i) => o + v * strides[i], 0)];
    expect(Math.abs(Number(value) - want)).toBeLessThanOrEqual(1e-4 + 1e-3 * Math.abs(want));
  });
});
