// `deepwire explain` on the CPU reference backend (the WebGPU one: explain.gpu.test.ts): an example graph
// fed a Fashion-MNIST boot, its last line checked against what `deepwire run --output NODE` writes.
import { describe, expect, it } from 'vitest';
import { runCli } from '../testing/cli-run.ts';
import { readNpy } from '../io/npy.ts';
import { formatValue } from '../format.ts';
import { stridesOf } from '../tensor.ts';

const GRAPH = 'examples/fashion-resnet.json';
const INPUT = 'examples/fashion-boot.npy';

/** The value `deepwire run` computes for node `node` at `at` (image 1), as the editor prints values. */
async function runValue(node: string, at: number[], backend: string): Promise<string> {
  const run = await runCli(['run', GRAPH, '--input', INPUT, '--output', node, '--backend', backend]);
  expect(run.stderr).toBe('');
  expect(run.written.size).toBe(1);
  const t = readNpy([...run.written.values()][0]);
  const strides = stridesOf(t.shape.slice(1));
  return formatValue(t.data[at.reduce((o, v, i) => o + v * strides[i], 0)]);
}

const EXPLAINED = [
  ['stem_conv', [14, 9, 3]], ['block2_conv1', [0, 13, 5]], ['stem_bn', [14, 9, 7]], ['block1_add', [13, 15, 2]],
  ['pool', [17]], ['classes', [9]],
] as const;

describe('deepwire explain (--backend cpu)', () => {
  it.each(EXPLAINED)('%s at %j: the last line is the value deepwire run computes there', async (node, at) => {
    const { code, stdout, stderr } = await runCli(['explain', GRAPH, '--input', INPUT, '--node', node, '--at', at.join(','), '--backend', 'cpu']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines.at(-1)).toBe(`value: ${await runValue(node, [...at], 'cpu')}`);
    // The total prints as the value.
    expect(lines.at(-2)).toMatch(new RegExp(`^total: ${lines.at(-1)!.slice('value: '.length).replace(/[.+-]/g, '\\$&')} \\(`));
  });

  it('prints a strided conv readably: the window at the border, channels with patch and kernel, bias, ReLU-free sum', async () => {
    const { stdout } = await runCli(['explain', GRAPH, '--input', INPUT, '--node', 'block2_conv1', '--at', '0,13,5', '--backend', 'cpu']);
    const lines = stdout.split('\n');
    expect(lines[0]).toBe('conv2d_3 [block2_conv1] (Conv2D 3×3, strides 2, padding same) at y 0, x 13, c 5 of 14×14×16');
    // 28 rows, stride 2 'same': one pad row after the end only, so row 0's window starts at row 0; col 13's reaches 28.
    expect(lines[1]).toBe('window on re_lu_2 [block1_out] (28×28×8): rows 0…2, cols 26…28 (outside 0…27 × 0…27: padding, shown ·)');
    expect(lines[2]).toBe('per input channel: Σ patch × kernel (8 terms):');
    expect(lines).toContain('bias: none (use_bias false)');
  });

  it('--top limits the channels printed with their patch and kernel', async () => {
    const { stdout } = await runCli(['explain', GRAPH, '--input', INPUT, '--node', 'block2_conv1', '--at', '3,3,0', '--top', '2', '--backend', 'cpu']);
    expect(stdout.split('\n').filter((l) => /^ {2}channel \d+: partial/.test(l))).toHaveLength(2);
    expect(stdout).toMatch(/\n {2}the other 6: Σ \S+\n/);
  });

  it.each([
    [['--node', 'nope', '--at', '0,0,0'], 1, "deepwire: --node 'nope' is neither a node id nor a node name — "],
    [['--node', 'stem_conv', '--at', '28,0,0'], 1, "deepwire: y = 28 is outside conv2d [stem_conv]'s 28×28×8 output — pick y in 0…27, x in 0…27, c in 0…7\n"],
    [['--node', 'stem_conv', '--at', '1,2'], 1, "deepwire: a position in conv2d [stem_conv]'s 28×28×8 output has 3 coordinates (y, x, c), got 2 — give y,x,c with y in 0…27, x in 0…27, c in 0…7\n"],
    [['--node', 'stem_relu', '--at', '0,0,0'], 1, 'deepwire: explain does not cover ReLU yet (re_lu [stem_relu]) — pick a node of one of these ops: Conv2D, DepthwiseConv2D, SeparableConv2D, '],
    [['--node', 'stem_conv'], 2, "deepwire: 'explain' needs --at: the position in the node's output — e.g. --at 4,7,2 (y, x, channel)\n"],
    [['--at', '1,1,1'], 2, "deepwire: 'explain' needs --node ID: the node whose value to explain — "],
    [['--node', 'stem_conv', '--at', '1;1;1'], 2, "deepwire: --at must be whole numbers ≥ 0 separated by commas, got '1;1;1' — "],
  ])('refuses %j with exit status %i and a clear line', async (args, status, message) => {
    const { code, stdout, stderr } = await runCli(['explain', GRAPH, '--input', INPUT, ...args, '--backend', 'cpu']);
    expect(code).toBe(status);
    expect(stdout).toBe('');
    expect(stderr.startsWith(message), stderr).toBe(true);
  });
});
