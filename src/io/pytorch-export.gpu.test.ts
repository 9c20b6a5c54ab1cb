// PyTorch export against `deepwire run` on its default backend, WebGPU (Dawn): the issue's check, that the
// exported module's outputs equal run's within 1e-4 relative, for ResNet50, InceptionV3, DenseNet121 and
// MobileNetV2 at small inputs (their last feature map and their predictions). The unit suite compares
// the same models, and every op, with the CPU reference. Without torch or a GPU these skip, except under
// CI=true, where they fail.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compareZooModel, MODELS } from '../testing/pytorch-compare.ts';
import { testGpu } from '../testing/gpu.ts';
import { torchPython } from '../testing/torch.ts';

const gpu = await testGpu();
const python = torchPython();
// Under npm run test:wgpu (Deno's wgpu) one model: the exported file is the same, and the engine's
// agreement with the CPU reference on every model is the rest of that suite's job.
const models = process.env.DEEPWIRE_WEBGPU === 'wgpu' ? MODELS.slice(0, 1) : MODELS;
const dir = mkdtempSync(join(tmpdir(), 'deepwire-pytorch-gpu-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!gpu || !python)('export-pytorch of the zoo at small inputs equals deepwire run (WebGPU)', () => {
  it.each(models)('%s', async (name, args) => {
    const errors = await compareZooModel(python!, dir, name, args, []);
    console.log(`export-pytorch zoo:${name} vs run (webgpu), max relative error: ${Object.entries(errors).map(([o, e]) => `${o} ${e.toExponential(2)}`).join(', ')}`);
    for (const [output, error] of Object.entries(errors)) expect(error, output).toBeLessThanOrEqual(1e-4);
  });
});
