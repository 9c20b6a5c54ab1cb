// Split-K conv2d-gemm (conv2d-gemm.wgsl with SPLIT_K, then conv2d-split-k-reduce.wgsl) against the
// float64 reference: K not a multiple of the split or of 16, partial tiles, Dense, batch 2, the fused
// epilogue (BN, a residual add, ReLU) and concat slices; and the policy that decides when to split.
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../graph/analyze.ts';
import type { GraphFile } from '../graph/types.ts';
import { Engine } from '../runtime/engine.ts';
import { materializeWeights } from '../runtime/reference.ts';
import { compareWithReference, fusedEpilogueGraph, singleOpGraph } from '../testing/compare.ts';
import { expectClose, TOLERANCE } from '../testing/expect-close.ts';
import { testGpu } from '../testing/gpu.ts';

const gpu = await testGpu();
const engine = gpu ? await Engine.create(async () => gpu) : null;
const steps = (graph: GraphFile, splitK?: number | false) => {
  const report = analyzeGraph(graph);
  return engine!.compile(report, materializeWeights(report, 1), { convKernel: 'gemm', splitK }).plan.steps;
};

describe.skipIf(!gpu)('split-K conv2d-gemm', () => {
  it.each([
    ['3×3 same, 5×6×20 → 40, ReLU, K = 180 in 3 (chunks of 64, 64, 52)', [5, 6, 20], { filters: 40, kernel_size: 3, padding: 'same', activation: 'relu' }, 3],
    ['1×1, 4×4×96 → 13, sigmoid, K = 96 in 6', [4, 4, 96], { filters: 13, kernel_size: 1, activation: 'sigmoid' }, 6],
    ['5×5 valid, 9×7×8 → 33, bias, K = 200 in 2', [9, 7, 8], { filters: 33, kernel_size: 5, bias_initializer: { name: 'random_uniform', minval: -1, maxval: 1 } }, 2],
    ['1×7, 6×9×12 → 32, stride 2, K = 84 in 3 (32, 32, 20)', [6, 9, 12], { filters: 32, kernel_size: [1, 7], strides: 2, padding: 'same', activation: 'relu6' }, 3],
    ['3×3 dilated 2, 9×9×16 → 24, softmax (logits to scratch, then softmax), K = 144 in 3', [9, 9, 16], { filters: 24, kernel_size: 3, dilation_rate: 2, padding: 'same', activation: 'softmax' }, 3],
  ] as const)('%s', async (_name, input, attrs, splitK) => {
    const graph = singleOpGraph('Conv2D', [[...input]], attrs as never);
    expect(steps(graph, splitK).slice(0, 2).map((s) => [s.kernel, s.params.splits])).toEqual([['conv2dGemm', splitK], ['conv2dSplitKReduce', splitK]]);
    const { gpu: out, reference } = await compareWithReference(engine!, graph, { convKernel: 'gemm', batch: 2, splitK });
    expectClose(out.tensors.get('y')!.data, reference.get('y')!.data, TOLERANCE.conv);
  });

  it('splits a Dense layer (M = batch)', async () => {
    const graph = singleOpGraph('Dense', [[300]], { units: 70, activation: 'relu' });
    expect(steps(graph, 4).map((s) => [s.kernel, s.params.splits])).toEqual([['conv2dGemm', 4], ['conv2dSplitKReduce', 4]]);
    const { gpu: out, reference } = await compareWithReference(engine!, graph, { convKernel: 'gemm', batch: 2, splitK: 4 });
    expectClose(out.tensors.get('y')!.data, reference.get('y')!.data, TOLERANCE.conv);
  });

  it('fuses BN, the residual add and the ReLU into the reduction and writes concat slices', async () => {
    const graph = fusedEpilogueGraph([5, 4, 24]);
    const plan = steps(graph, 3);
    expect(plan.filter((s) => s.kernel === 'conv2dSplitKReduce')).toHaveLength(3);
    // The reduction carries the fused epilogue: BN, the add and the ReLU belong to its step.
    expect(plan.find((s) => s.kernel === 'conv2dSplitKReduce' && s.node === 'a')!.fused).toEqual(['bn', 'add', 'relu']);
    const { gpu: out, reference } = await compareWithReference(engine!, graph, { convKernel: 'gemm', batch: 2, keep: ['relu'], splitK: 3 });
    expectClose(out.tensors.get('relu')!.data, reference.get('relu')!.data, TOLERANCE.conv);
    expectClose(out.tensors.get('cat')!.data, reference.get('cat')!.data, TOLERANCE.conv);
  });

  it('by default splits only convs with few output tiles and a long K', () => {
    const splits = (shape: number[], filters: number, kernel_size: number) =>
      steps(singleOpGraph('Conv2D', [shape], { filters, kernel_size, padding: 'same' })).find((s) => s.kernel === 'conv2dGemm')!.params.splits;
    expect(splits([7, 7, 512], 512, 3)).toBe(8); // ResNet-50's last stage: 32 tiles, K = 4608
    expect(splits([14, 14, 256], 256, 3)).toBe(4); // 56 tiles
    expect(splits([56, 56, 64], 64, 3)).toBe(1); // 196 tiles, K = 576
    expect(splits([7, 7, 16], 16, 3)).toBe(1); // K = 144: too short to share
    expect(steps(singleOpGraph('Conv2D', [[7, 7, 512]], { filters: 512, kernel_size: 3 }), false).map((s) => s.kernel)).toEqual(['conv2dGemm']);
  });
});
