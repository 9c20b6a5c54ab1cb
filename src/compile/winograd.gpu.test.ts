// Winograd F(2×2, 3×3) and F(4×4, 3×3) (winograd-input.wgsl / winograd4-input.wgsl, winograd-gemm.wgsl
// over 16 or 36 positions, winograd-output.wgsl / winograd4-output.wgsl) against the float64
// reference: odd sizes (partial tiles), 'valid' and folded padding, channels and
// filters not multiples of 4 or 32 (channels come in whole vec4s: other convs stay direct), batch 2, the fused epilogue (BN, ReLU, a residual add) and concat slices.
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../graph/analyze.ts';
import type { GraphFile } from '../graph/types.ts';
import { Engine } from '../runtime/engine.ts';
import { materializeWeights } from '../runtime/reference.ts';
import { compareWithReference, fusedEpilogueGraph, singleOpGraph } from '../testing/compare.ts';
import { expectClose, TOLERANCE } from '../testing/expect-close.ts';
import { testGpu } from '../testing/gpu.ts';
import type { WinogradTile } from './winograd.ts';

const gpu = await testGpu();
const engine = gpu ? await Engine.create(async () => gpu) : null;
// winograd: true takes every 3×3 stride-1 conv, as the small shapes here would not pass the memory rule.
const kernels = (graph: GraphFile, winograd: boolean | 'default' = true, winogradTile?: WinogradTile) => {
  const report = analyzeGraph(graph);
  return engine!.compile(report, materializeWeights(report, 1), { convKernel: 'direct', winograd: winograd === 'default' ? undefined : winograd, winogradTile }).plan.steps.map((s) => s.kernel);
};
const TRIPLES = { 2: ['winogradInput', 'winogradGemm', 'winogradOutput'], 4: ['winograd4Input', 'winogradGemm', 'winograd4Output'] } as const;

describe.skipIf(!gpu?.features.subgroups).each([2, 4] as const)('Winograd F(m×m, 3×3), m = %i', (tile) => {
  const options = { convKernel: 'direct', batch: 2, winograd: true, winogradTile: tile } as const;
  it.each([
    ['same, 7×9 (partial tiles on both axes), 64 filters, ReLU', [7, 9, 16], { filters: 64, kernel_size: 3, padding: 'same', activation: 'relu' }],
    ['valid, 8×6, C = 20, 40 filters', [8, 6, 20], { filters: 40, kernel_size: 3, bias_initializer: { name: 'random_uniform', minval: -1, maxval: 1 } }],
    ['same, 3×3 input (one tile row), 13 filters', [3, 3, 4], { filters: 13, kernel_size: 3, padding: 'same', activation: 'relu6' }],
    ['same, 1×5, C = 12, 32 filters, sigmoid (an override activation)', [1, 5, 12], { filters: 32, kernel_size: 3, padding: 'same', activation: 'sigmoid' }],
  ] as const)('%s', async (_name, input, attrs) => {
    const graph = singleOpGraph('Conv2D', [[...input]], attrs as never);
    // Chunks of tiles (the scratch is bounded by the output's size): each one input, product, output.
    const steps = kernels(graph, true, tile);
    expect(steps.length % 3).toBe(0);
    expect(steps).toEqual(steps.map((_, i) => TRIPLES[tile][i % 3]));
    const { gpu: out, reference } = await compareWithReference(engine!, graph, options);
    expectClose(out.tensors.get('y')!.data, reference.get('y')!.data, TOLERANCE.conv);
  });

  it('fuses BN, the residual add and the ReLU, reads folded ZeroPadding and writes concat slices', async () => {
    const graph = fusedEpilogueGraph([9, 7, 12], { zeroPad: true });
    expect(kernels(graph, true, tile).filter((k) => k === TRIPLES[tile][2]).length).toBeGreaterThanOrEqual(2);
    const { gpu: out, reference } = await compareWithReference(engine!, graph, { ...options, keep: ['relu'] });
    expectClose(out.tensors.get('relu')!.data, reference.get('relu')!.data, TOLERANCE.conv);
    expectClose(out.tensors.get('cat')!.data, reference.get('cat')!.data, TOLERANCE.conv);
  });

  it('gives the same result in one chunk and in many', async () => {
    const graph = singleOpGraph('Conv2D', [[11, 10, 8]], { filters: 36, kernel_size: 3, padding: 'same', activation: 'relu' });
    const report = analyzeGraph(graph);
    const chunks = (winogradTiles: number) => engine!.compile(report, materializeWeights(report, 1), { ...options, winogradTiles }).plan.steps.length / 3;
    // 2·6·5 = 60 tiles of 2×2: 16 + 16 + 16 + 12; 2·3·3 = 18 of 4×4: 16 + 2.
    expect([chunks(1000), chunks(16)]).toEqual([1, tile === 2 ? 4 : 2]);
    for (const winogradTiles of [1000, 16]) {
      const { gpu: out, reference } = await compareWithReference(engine!, graph, { ...options, winogradTiles });
      expectClose(out.tensors.get('y')!.data, reference.get('y')!.data, TOLERANCE.conv);
    }
  });

});

describe.skipIf(!gpu?.features.subgroups)('Winograd, which convs and which tile', () => {
  it('by default, only where its weights stay small next to the output, F(4×4) where it is faster and fits', () => {
    const conv = (shape: number[], filters: number) => kernels(singleOpGraph('Conv2D', [shape], { filters, kernel_size: 3, padding: 'same' }), 'default');
    expect(conv([56, 56, 64], 64)).toContain('winograd4Input'); // ResNet-50's first stage: 27·64 ≤ 2·56·56
    expect(conv([14, 14, 32], 32)).toContain('winogradInput'); // F(4×4) is faster, but only F(2×2)'s 7·32 ≤ 2·14·14
    expect(conv([7, 7, 8], 32)).toContain('winogradInput'); // 4 tiles of 4×4 fill a quarter of an invocation's 16
    expect(conv([7, 7, 512], 512)).toEqual(['conv2dDirectQuad16']); // ResNet-50's last: 7·512 > 2·7·7
  });

  it('takes only 3×3 stride-1 undilated convs with whole vec4s of channels, and none when turned off', () => {
    const conv = (attrs: Record<string, unknown>) => kernels(singleOpGraph('Conv2D', [[8, 8, 8]], { filters: 32, kernel_size: 3, ...attrs } as never));
    expect(conv({ strides: 2 })).toEqual(['conv2dDirectQuad16']);
    expect(conv({ dilation_rate: 2 })).toEqual(['conv2dDirectQuad16']);
    expect(conv({ kernel_size: 5 })).toEqual(['conv2dDirectQuad16']);
    expect(kernels(singleOpGraph('Conv2D', [[8, 8, 18]], { filters: 32, kernel_size: 3 }))).toEqual(['conv2dDirectQuad16']);
    expect(kernels(singleOpGraph('Conv2D', [[8, 8, 8]], { filters: 32, kernel_size: 3 }), false)).toEqual(['conv2dDirectQuad16']);
  });
});
