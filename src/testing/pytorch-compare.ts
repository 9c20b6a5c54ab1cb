// Shared by the PyTorch export tests (unit: against the CPU reference; gpu: against WebGPU): the issue's
// zoo models at small inputs, exported and run as a user does — `deepwire export-pytorch`, then the file
// as a script on an .npy — and the same input through `deepwire run`.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { readNpy, writeNpy } from '../io/npy.ts';
import { runCli } from './cli-run.ts';
import { randomInput } from './compare.ts';
import { runPython } from './torch.ts';

/** max |got − want| / max |want|: the error relative to the output's scale. */
export function relativeError(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let diff = 0, scale = 0;
  for (let i = 0; i < want.length; i++) {
    diff = Math.max(diff, Math.abs(got[i] - want[i]));
    scale = Math.max(scale, Math.abs(want[i]));
  }
  return diff / (scale || 1);
}

/**
 * The models at small inputs, through the CLI. Each returns its last feature map and its
 * predictions (--output, as Keras' Model(inputs, [features, predictions])): with Keras' initializers the
 * classifier of a deep net may be nearly uniform, its features are not.
 */
export const MODELS: [string, string[]][] = [
  ['ResNet50', ['--input-shape', '32x32x3', '--classes', '10', '--output', 'conv5_block3_out', '--output', 'predictions']],
  ['InceptionV3', ['--input-shape', '75x75x3', '--classes', '10', '--output', 'mixed10', '--output', 'predictions']],
  ['DenseNet121', ['--input-shape', '32x32x3', '--classes', '10', '--output', 'relu', '--output', 'predictions']],
  ['MobileNetV2', ['--input-shape', '32x32x3', '--classes', '10', '--output', 'out_relu', '--output', 'predictions']],
];

/**
 * Exports zoo:NAME, runs it in PyTorch (as a script) and with `deepwire run …runArgs` on the same input;
 * the relative error of each output, by name.
 */
export async function compareZooModel(python: string, workDir: string, name: string, args: string[], runArgs: string[]): Promise<Record<string, number>> {
  const script = join(workDir, `${name.toLowerCase()}.py`);
  const exported = await runCli(['export-pytorch', `zoo:${name}`, script, ...args]);
  expect(exported.code, exported.stderr).toBe(0);
  for (const [path, bytes] of exported.written) writeFileSync(path, bytes);
  const [H, W, C] = args[args.indexOf('--input-shape') + 1].split('x').map(Number);
  const inputPath = join(workDir, `${name}-input.npy`);
  writeFileSync(inputPath, writeNpy(randomInput([H, W, C], name)));
  const run = await runCli(['run', `zoo:${name}`, ...args, '--input', inputPath, '--out', workDir, ...runArgs]);
  expect(run.code, run.stderr).toBe(0);
  const outputs = args.flatMap((a, i) => (args[i - 1] === '--output' ? [a] : []));
  const torchPaths = outputs.map((o) => join(workDir, `${name}-torch-${o}.npy`));
  runPython(python, [script, inputPath, ...torchPaths]);
  return Object.fromEntries(outputs.map((o, i) => {
    const want = readNpy(run.written.get(join(workDir, `${o}.npy`))!);
    const got = readNpy(readFileSync(torchPaths[i]));
    expect(got.shape, o).toEqual(want.shape);
    return [o, relativeError(got.data, want.data)];
  }));
}

