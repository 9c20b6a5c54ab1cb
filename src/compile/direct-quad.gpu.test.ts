// The quad-shared direct conv against the reference on shapes where quads straddle edges: a partial
// last pixel tile, padding, stride 2, channels not a multiple of 4, a concat slice as output.
import { describe, expect, it } from 'vitest';
import { Engine } from '../runtime/engine.ts';
import { compareWithReference, singleOpGraph } from '../testing/compare.ts';
import { expectClose, TOLERANCE } from '../testing/expect-close.ts';
import { testGpu } from '../testing/gpu.ts';

const gpu = await testGpu();
const engine = gpu ? await Engine.create(async () => gpu) : null;

describe.skipIf(!gpu?.features.subgroups)('conv2d-direct-quad', () => {
  it.each([
    ['3×3 same, 64 filters, 7×9 (partial last tile)', [7, 9, 16], { filters: 64, kernel_size: 3, padding: 'same', activation: 'relu' }],
    ['5×5 stride 2 valid, 32 filters, C = 3', [13, 11, 3], { filters: 32, kernel_size: 5, strides: 2 }],
    ['1×7 same, 96 filters, batch 2', [5, 9, 12], { filters: 96, kernel_size: [1, 7], padding: 'same' }],
  ] as const)('%s', async (_name, input, attrs) => {
    const { gpu: out, reference } = await compareWithReference(engine!, singleOpGraph('Conv2D', [[...input]], attrs), { convKernel: 'direct', batch: 2 });
    expectClose(out.tensors.get('y')!.data, reference.get('y')!.data, TOLERANCE.conv);
  });

  it('is the kernel picked for 32-multiple filters on an adapter with subgroups', async () => {
    const { analyzeGraph } = await import('../graph/analyze.ts');
    const { materializeWeights } = await import('../runtime/reference.ts');
    const report = analyzeGraph(singleOpGraph('Conv2D', [[8, 8, 8]], { filters: 64, kernel_size: 3 }));
    expect(engine!.compile(report, materializeWeights(report, 1), { convKernel: 'direct' }).plan.steps[0].kernel).toBe('conv2dDirectQuad');
  });
});
