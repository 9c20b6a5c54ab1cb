// `deepwire … zoo:NAME`: the summary Keras prints, the zoo options, the lecture's feature extraction
// (`run zoo:VGG19 --output block4_pool`, on the CPU reference here) and `export-keras`.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main, type CliIo } from '../cli.ts';
import { analyzeGraph } from '../graph/analyze.ts';
import { readNpy, writeNpy } from '../io/npy.ts';
import { runReference } from '../runtime/reference.ts';
import { randomInput } from '../testing/compare.ts';
import { zooModel } from './zoo.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

async function cli(argv: string[], virtual: Record<string, Uint8Array> = {}) {
  const result = { code: -1, stdout: '', stderr: '', written: new Map<string, Uint8Array>() };
  const io: CliIo = {
    stdout: (text) => void (result.stdout += text),
    stderr: (text) => void (result.stderr += text),
    readFile: async (path) => virtual[path] ?? readFile(new URL(path, `file://${ROOT}`)),
    writeFile: async (path, data) => void result.written.set(path, data),
  };
  result.code = await main(argv, io);
  return result;
}

describe('deepwire summary zoo:NAME', () => {
  it('prints VGG19 as Keras does: 143,667,240 parameters', async () => {
    const { code, stdout, stderr } = await cli(['summary', 'zoo:VGG19']);
    expect([code, stderr]).toEqual([0, '']);
    const lines = stdout.split('\n');
    expect(lines[0]).toBe('Model: "vgg19"');
    expect(lines).toContain('Total params: 143,667,240');
    expect(lines).toContain('Trainable params: 143,667,240');
    expect(lines).toContain('Non-trainable params: 0');
    const row = lines.find((l) => l.startsWith(' block4_pool '))!.trim().split(/\s{3,}/);
    expect(row).toEqual(['block4_pool (MaxPool2D)', '(None, 14, 14, 512)', '0', '401.41 k', 'block4_conv4']);
  });

  it('takes the name in any case, and --json', async () => {
    const { code, stdout } = await cli(['summary', 'zoo:resnet50', '--json']);
    expect(code).toBe(0);
    const json = JSON.parse(stdout);
    expect(json.name).toBe('resnet50');
    expect(json.totals).toMatchObject({ params: 25_636_712, trainable: 25_583_592, nonTrainable: 53_120 });
    expect(json.layers.map((l: { name: string }) => l.name).slice(0, 4)).toEqual(['input_1', 'conv1_pad', 'conv1_conv', 'conv1_bn']);
  });

  it('--no-top, --input-shape and --classes are Keras include_top, input_shape and classes', async () => {
    const noTop = await cli(['summary', 'zoo:ResNet50', '--no-top', '--input-shape', '64x64x3']);
    expect(noTop.code).toBe(0);
    expect(noTop.stdout).toContain('Total params: 23,587,712');
    expect(noTop.stdout).toMatch(/^ conv5_block3_out \(Activation\) +\(None, 2, 2, 2048\) /m);
    const ten = await cli(['validate', 'zoo:MobileNetV2', '--classes', '10']);
    expect(ten.stdout).toBe(`ok: 156 nodes, ${(3_538_984 - 1281 * 990).toLocaleString('en-US')} params\n`);
  });

  it('says what is wrong with a zoo name or option', async () => {
    expect(await cli(['summary', 'zoo:resnet5'])).toMatchObject({ code: 1, stderr: "deepwire: no model 'resnet5' in the zoo — did you mean 'ResNet50'?\n" });
    expect(await cli(['summary', 'zoo:InceptionV3', '--input-shape', '32x32x3'])).toMatchObject({
      code: 1, stderr: 'deepwire: InceptionV3 needs an input of at least 75×75, got 32×32 — use 75×75 or more (native: 299×299)\n',
    });
    expect(await cli(['summary', 'zoo:VGG16', '--input-shape', '64x64'])).toMatchObject({
      code: 2, stderr: "deepwire: --input-shape must be HxWxC, got '64x64' — e.g. --input-shape 64x64x3\n",
    });
    expect(await cli(['summary', 'zoo:VGG16', '--classes', '0'])).toMatchObject({ code: 2, stderr: "deepwire: --classes must be a whole number ≥ 1, got '0' — e.g. --classes 10\n" });
    expect(await cli(['summary', 'examples/inception-3a.json', '--no-top'])).toMatchObject({
      code: 2, stderr: 'deepwire: --no-top applies to zoo models only — e.g. deepwire summary zoo:ResNet50 --no-top\n',
    });
  });

  it('--help lists the zoo and export-keras', async () => {
    const { stdout } = await cli(['--help']);
    expect(stdout).toContain('deepwire export-keras FILE [OUT.py]');
    expect(stdout).toContain('  Xception, VGG16, VGG19, ResNet50,');
    expect(stdout).toContain('EfficientNetB6, EfficientNetB7');
  });
});

describe('deepwire run zoo:VGG19 --output block4_pool (feature extraction)', () => {
  it('writes block4_pool.npy, equal to block4_pool of the whole model', { timeout: 60_000 }, async () => {
    const x = randomInput([1, 32, 32, 3], 'photo');
    const { code, stdout, written } = await cli(
      ['run', 'zoo:VGG19', '--no-top', '--input-shape', '32x32x3', '--output', 'block4_pool', '--input', 'x.npy', '--backend', 'cpu', '--out', 'features'],
      { 'x.npy': writeNpy(x) },
    );
    expect(code).toBe(0);
    expect(stdout).toMatch(/^features\/block4_pool\.npy: 1×2×2×512, min 0, max /);
    const features = readNpy(written.get('features/block4_pool.npy')!);
    expect(features.shape).toEqual([1, 2, 2, 512]);
    // the same seed gives the same weights in the pruned graph as in the whole one
    const report = analyzeGraph(zooModel('VGG19', { include_top: false, input_shape: [32, 32, 3] }));
    const want = runReference(report, { input_1: x }, { seed: 0, outputs: ['block4_pool'] }).tensors.get('block4_pool')!;
    expect(Array.from(features.data)).toEqual(Array.from(want.data));
    expect(want.data.some((v) => v > 0)).toBe(true);
  });
});

describe('deepwire export-keras', () => {
  it('writes a zoo model to OUT.py and says what it wrote', async () => {
    const { code, stdout, written } = await cli(['export-keras', 'zoo:VGG16', 'models/vgg16.py']);
    expect(code).toBe(0);
    expect(stdout).toBe('models/vgg16.py: 23 layers, 138,357,544 params (trainable 138,357,544, non-trainable 0)\n');
    const script = new TextDecoder().decode(written.get('models/vgg16.py'));
    expect(script).toContain("block1_conv1 = tf.keras.layers.Conv2D(filters=64, kernel_size=(3, 3), padding='same', activation='relu', name='block1_conv1')(input_1)");
    expect(script).toContain("model = tf.keras.Model(inputs=input_1, outputs=predictions, name='vgg16')");
  });

  it('prints the script of a graph file without OUT.py', async () => {
    const { code, stdout } = await cli(['export-keras', 'examples/inception-3a.json']);
    expect(code).toBe(0);
    expect(stdout.split('\n')[0]).toBe('# inception_3a: a deepwire graph as a Keras functional model (written by `deepwire export-keras`).');
    expect(stdout).toContain("name='inception_3a_output')([inception_3a_1x1, inception_3a_3x3, inception_3a_5x5, inception_3a_pool_proj])");
    expect(stdout).toContain('# Total params: 163,696');
  });

  it('takes one graph and one output file', async () => {
    expect(await cli(['export-keras', 'zoo:VGG16', 'a.py', 'b.py'])).toMatchObject({
      code: 2, stderr: "deepwire: 'export-keras' takes a graph file and an output file, got 3: zoo:VGG16 a.py b.py — give two; options start with --\n",
    });
  });
});
