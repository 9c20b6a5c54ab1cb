// Whole blocks of the lecture on WebGPU against the chained CPU reference: Inception v1, the
// Inception-v3 factorised module, a ResNet bottleneck with a projection shortcut, a ResNeXt block, a
// ConvNeXt block and a DenseNet block with its transition. Small shapes (SwiftShader is a CPU); fusion and concat-in-place
// are exercised because BN follows convs, Add follows BN and branches feed a Concatenate.
import { describe, expect, it } from 'vitest';
import { Engine } from '../runtime/engine.ts';
import { compareWithReference } from '../testing/compare.ts';
import { expectClose, TOLERANCE } from '../testing/expect-close.ts';
import { testGpu } from '../testing/gpu.ts';
import { BLOCKS, LAYER_NORM_CONCAT } from '../testing/blocks.ts';

const gpu = await testGpu();
const engine = gpu ? await Engine.create(async () => gpu) : null;

describe.skipIf(!gpu)('blocks on WebGPU = chained CPU reference', () => {
  for (const [name, g] of Object.entries(BLOCKS))
    for (const convKernel of ['direct', 'gemm', 'gemm64'] as const)
      it(`${name} (${convKernel} convs)`, async () => {
        const { gpu: out, reference, nodes } = await compareWithReference(engine!, g, { batch: 2, convKernel });
        for (const id of nodes) expectClose(out.tensors.get(id)!.data, reference.get(id)!.data, TOLERANCE.conv);
      });

  it('a LayerNormalization writing its slice of a Concatenate', async () => {
    const { gpu: out, reference } = await compareWithReference(engine!, LAYER_NORM_CONCAT, { batch: 2 });
    expectClose(out.tensors.get('cat')!.data, reference.get('cat')!.data, TOLERANCE.conv);
  });

  it('keeps an inspected intermediate node and still matches (no fusion across it)', async () => {
    const g = BLOCKS['ResNet bottleneck with a projection shortcut (stride 2)'];
    const keep = ['c1_bn', 'c2', 'add', 'sc_bn'];
    const { gpu: out, reference } = await compareWithReference(engine!, g, { keep });
    for (const id of [...keep, 'out']) expectClose(out.tensors.get(id)!.data, reference.get(id)!.data, TOLERANCE.conv);
  });
});

// What the blocks lower to (fusion, concat in place, folded padding) is tested without a GPU: lower.test.ts.
describe.skipIf(!gpu)('compiled graph', () => {
  it('a second run of the same graph creates no pipeline', async () => {
    const g = BLOCKS['Inception v1 module (1×1 reductions, pool projection)'];
    await compareWithReference(engine!, g);
    const before = engine!.pipelinesCreated;
    const { gpu: out, reference } = await compareWithReference(engine!, g);
    expect(engine!.pipelinesCreated).toBe(before);
    expectClose(out.tensors.get('cat')!.data, reference.get('cat')!.data, TOLERANCE.conv);
  });
});
