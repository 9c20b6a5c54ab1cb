// `deepwire run --saliency/--grad-cam` on WebGPU (Dawn) against the CPU reference backend: the same
// score and peak printed, the same PNG size.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { decode as decodePng } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { main, type CliIo } from '../cli.ts';
import { testGpu } from '../testing/gpu.ts';
import { camClassifier } from '../testing/saliency-graphs.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const gpu = await testGpu();
const GRAPH = JSON.stringify({ ...camClassifier(), seed: 5 });

async function cli(argv: string[]) {
  const result = { code: -1, stdout: '', stderr: '', written: new Map<string, Uint8Array>() };
  const io: CliIo = {
    stdout: (text) => void (result.stdout += text),
    stderr: (text) => void (result.stderr += text),
    readFile: async (path) => (path === 'net.json' ? new TextEncoder().encode(GRAPH) : readFile(new URL(path, `file://${ROOT}`))),
    writeFile: async (path, data) => void result.written.set(path, data),
  };
  result.code = await main(argv, io);
  return result;
}

describe.skipIf(!gpu)('deepwire run --saliency / --grad-cam on WebGPU', () => {
  for (const flag of ['--saliency', '--grad-cam'])
    it(`${flag}: the score and peak the CPU reference gives`, async () => {
      const args = ['run', 'net.json', '--image', 'public/samples/coffee.png', flag, 'probs', '--class', '1', '--out-png', 'map.png'];
      const [g, c] = [await cli([...args, '--backend', 'webgpu']), await cli([...args, '--backend', 'cpu'])];
      expect(g.stderr).not.toMatch(/deepwire:|zero everywhere/);
      expect([g.code, c.code]).toEqual([0, 0]);
      const score = (out: string) => Number(/= (\S+)\n/.exec(out)![1]);
      expect(score(g.stdout)).toBeCloseTo(score(c.stdout), 4);
      const peakAt = (out: string) => /at input pixel \(x \d+, y \d+\)/.exec(out)![0];
      expect(peakAt(g.stdout)).toBe(peakAt(c.stdout));
      const png = decodePng(g.written.get('map.png')!);
      expect([png.width, png.height]).toEqual([600, 400]);
    });
});
