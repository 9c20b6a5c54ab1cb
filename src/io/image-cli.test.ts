// `deepwire run --image PHOTO --resize … --preprocess …`, and zoo:InceptionV3-pretrained on the command line.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { encode as encodePng } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { main, type CliIo } from '../cli.ts';
import { tensor } from '../tensor.ts';
import { imageToTensor } from './image.ts';
import { readNpy, writeNpy } from './npy.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CHELSEA = fileURLToPath(new URL('../../public/samples/chelsea.png', import.meta.url));

/** `deepwire ...argv` in-process on the CPU backend; `virtual` files shadow the disk; writes stay in memory. */
async function cli(argv: string[], virtual: Record<string, string | Uint8Array> = {}) {
  if (argv[0] === 'run' && !argv.includes('--backend')) argv = [...argv, '--backend', 'cpu'];
  const result = { code: -1, stdout: '', stderr: '', written: new Map<string, Uint8Array>() };
  const io: CliIo = {
    stdout: (text) => void (result.stdout += text),
    stderr: (text) => void (result.stderr += text),
    readFile: async (path) => {
      const v = virtual[path];
      if (v !== undefined) return typeof v === 'string' ? new TextEncoder().encode(v) : v;
      return readFile(path.startsWith('/') ? path : `${ROOT}${path}`);
    },
    writeFile: async (path, data) => void result.written.set(path, data),
  };
  result.code = await main(argv, io);
  return result;
}

/** Input H×W×C straight to its output (a linear Activation), so the written .npy is the tensor fed. */
const echo = (shape: number[]) => JSON.stringify({
  format: 'deepwire-graph', version: 1,
  nodes: [{ id: 'x', op: 'Input', attrs: { shape } }, { id: 'y', name: 'fed', op: 'Activation', attrs: { activation: 'linear' }, inputs: ['x'] }],
  outputs: ['y'],
});

// 4×2 RGB: red channel 0…7 (row-major), green = red + 100, blue = 200
const wide = encodePng({ width: 4, height: 2, channels: 3, data: Uint8Array.from({ length: 24 }, (_, i) => [Math.floor(i / 3), Math.floor(i / 3) + 100, 200][i % 3]) });
const fed = (r: Awaited<ReturnType<typeof cli>>) => readNpy(r.written.get('out/fed.npy')!);

describe('deepwire run --image', () => {
  it('center-crops and feeds raw pixels exactly: 4×2 → 2×2 keeps columns 1 and 2', async () => {
    const r = await cli(['run', 'g.json', '--image', 'wide.png', '--preprocess', 'raw'], { 'g.json': echo([2, 2, 3]), 'wide.png': wide });
    expect(r.stderr).toBe("note: feeding 'input_1' wide.png as 1×2×2×3 (resize crop, preprocess raw)\n");
    expect(r.code).toBe(0);
    const t = fed(r);
    expect(t.shape).toEqual([1, 2, 2, 3]);
    expect([...t.data]).toEqual([1, 101, 200, 2, 102, 200, 5, 105, 200, 6, 106, 200]);
  });

  it('letterbox pads with black; stretch squeezes; a plain graph defaults to unit [0, 1]', async () => {
    const box = fed(await cli(['run', 'g.json', '--image', 'wide.png', '--resize', 'letterbox'], { 'g.json': echo([4, 4, 3]), 'wide.png': wide }));
    expect([...box.data.subarray(0, 12)]).toEqual(new Array(12).fill(0));
    expect(box.data[12]).toBe(0); // row 1, column 0: red 0 (of 255)
    expect(box.data[13]).toBeCloseTo(100 / 255, 6);
    expect([...box.data.subarray(36)]).toEqual(new Array(12).fill(0));
    const stretched = await cli(['run', 'g.json', '--image', 'wide.png', '--resize', 'stretch', '--preprocess', 'raw'], { 'g.json': echo([2, 2, 3]), 'wide.png': wide });
    expect(fed(stretched).data[0]).toBeCloseTo(1.25 / 1.75, 5); // Pillow's bilinear shrink, see image.test.ts
  });

  it('feeds a real photo as imageToTensor makes it, and a zoo model gets its Keras preprocessing (ResNet50: caffe)', async () => {
    const r = await cli(['run', 'zoo:ResNet50', '--image', CHELSEA, '--output', 'conv1_pad']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`note: feeding 'input_1' ${CHELSEA} as 1×224×224×3 (resize crop, preprocess caffe)\n`);
    const padded = readNpy(r.written.get('out/conv1_pad.npy')!);
    expect(padded.shape).toEqual([1, 230, 230, 3]);
    const want = imageToTensor(new Uint8Array(await readFile(CHELSEA)), [224, 224, 3], { preprocess: 'caffe' }).tensor;
    // conv1_pad pads 3 on each side: pixel (0, 0) of the photo is at (3, 3)
    const at = (3 * 230 + 3) * 3;
    expect([...padded.data.subarray(at, at + 3)]).toEqual([...want.data.subarray(0, 3)]);
  });

  it.each([
    [['--resize', 'crop'], 2, 'deepwire: --resize applies to a photo — add --image PHOTO, or leave --resize out'],
    [['--image', 'wide.png', '--resize', 'fit'], 2, "deepwire: unknown --resize 'fit' — use one of crop, letterbox, stretch"],
    [['--image', 'wide.png', '--preprocess', 'torh'], 2, "deepwire: unknown --preprocess 'torh' — did you mean 'torch'? use one of caffe, tf, torch, unit, raw"],
    [['--image', 'notes.txt'], 1, 'deepwire: notes.txt: not a PNG or JPEG image: it is a text file (SVG, HTML or XML?) — open a .png or .jpg photo'],
    [['--image', 'empty.png'], 1, 'deepwire: empty.png: not a PNG or JPEG image: the file is empty — open a .png or .jpg photo'],
    [['--image', 'none.jpg'], 1, 'deepwire: cannot read photo none.jpg: no such file — check the path'],
  ])('%j fails in one line (exit %i)', async (flags, exit, line) => {
    const virtual = { 'g.json': echo([2, 2, 3]), 'wide.png': wide, 'notes.txt': '<html>', 'empty.png': new Uint8Array(0) };
    const { code, stdout, stderr } = await cli(['run', 'g.json', ...flags], virtual);
    expect(stderr).toBe(line + '\n');
    expect(code).toBe(exit);
    expect(stdout).toBe('');
  });

  it('a photo cannot feed a 28×28×192 Input', async () => {
    const { code, stderr } = await cli(['run', 'examples/inception-3a.json', '--image', 'wide.png'], { 'wide.png': wide });
    expect(code).toBe(1);
    expect(stderr).toBe('deepwire: wide.png: a photo feeds an Input with 1 (gray) or 3 (RGB) channels, not 192 — set the Input shape to H×W×3 (or H×W×1)\n');
  });
});

describe('deepwire run zoo:InceptionV3-pretrained', () => {
  it('runs the pretrained backbone on a photo (unit preprocessing by default), notes where the weights come from', async () => {
    const r = await cli(['run', 'zoo:InceptionV3-pretrained', '--image', CHELSEA, '--output', 'activation_1']);
    expect(r.stderr.split('\n')).toEqual([
      'note: weights: nsfwjs@4.3.0 (MIT), ImageNet-pretrained Keras backbone',
      "note: backbone only: mixed10, then a global average pool (avg_pool); the package's classifier is not loaded",
      `note: feeding 'input_1' ${CHELSEA} as 1×299×299×3 (resize crop, preprocess unit)`,
      '',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^out\/activation_1\.npy: 1×149×149×32, min 0, max [\d.]+, mean [\d.]+\n$/);
  }, 60_000);

  it('takes an already preprocessed 1×299×299×3 --input, and any case of the name', async () => {
    const x = tensor([1, 299, 299, 3]);
    const r = await cli(['run', 'zoo:inceptionv3-PRETRAINED', '--input', 'x.npy', '--output', 'conv2d_1'], { 'x.npy': writeNpy(x) });
    expect(r.code).toBe(0);
    // zero in, no bias: zero out
    expect(r.stdout).toBe('out/conv2d_1.npy: 1×149×149×32, min 0, max 0, mean 0\n');
  }, 60_000);

  it('refuses --classes: a backbone has no classifier', async () => {
    const { code, stderr } = await cli(['summary', 'zoo:InceptionV3-pretrained', '--classes', '5']);
    expect(code).toBe(2);
    expect(stderr).toBe('deepwire: --classes does not apply to zoo:InceptionV3-pretrained: it is a backbone without a classifier — leave --classes out\n');
  });
});
