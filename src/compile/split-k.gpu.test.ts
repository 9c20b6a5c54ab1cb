// The GEMM convs, conv2d-gemm (32×32 tiles) and conv2d-gemm64 (64×64), split along K (SPLIT_K, then
// conv2d-split-k-reduce.wgsl) and whole, against the float64 reference: K not a multiple of the split
// or of 16, partial tiles, Dense, batch 2, the fused epilogue (BN, a residual add, ReLU), concat slices
// read (at channel offsets that do and do not divide by 4) and written; and the policy that decides
// when to split, counting tiles of each kernel's size.
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
const GEMMS = [['gemm', 'conv2dGemm'], ['gemm64', 'conv2dGemm64']] as const;

/** Convs reading concat slices: `d` at channel offset 8 of 28 (vec4 loads), `f` at offset 3 of 19 (scalar loads). */
const sliceReadGraph: GraphFile = {
  format: 'deepwire-graph', version: 1, outputs: ['cat', 'd', 'cat2', 'f'],
  nodes: [
    { id: 'x', op: 'Input', attrs: { shape: [7, 6, 12] } },
    { id: 'c', op: 'Conv2D', inputs: ['x'], attrs: { filters: 8, kernel_size: 1 } },
    { id: 'b', op: 'Conv2D', inputs: ['x'], attrs: { filters: 20, kernel_size: 3, padding: 'same', activation: 'relu' } },
    { id: 'cat', op: 'Concatenate', inputs: ['c', 'b'], attrs: { axis: -1 } },
    { id: 'd', op: 'Conv2D', inputs: ['b'], attrs: { filters: 9, kernel_size: 3, strides: 2, padding: 'same' } },
    { id: 'o', op: 'Conv2D', inputs: ['x'], attrs: { filters: 3, kernel_size: 1 } },
    { id: 'b2', op: 'Conv2D', inputs: ['x'], attrs: { filters: 16, kernel_size: 3, padding: 'same' } },
    { id: 'cat2', op: 'Concatenate', inputs: ['o', 'b2'], attrs: { axis: -1 } },
    { id: 'f', op: 'Conv2D', inputs: ['b2'], attrs: { filters: 5, kernel_size: 3, dilation_rate: 2, padding: 'same' } },
  ],
};

for (const [convKernel, gemmKernel] of GEMMS) {
  const steps = (graph: GraphFile, splitK?: number | false) => {
    const report = analyzeGraph(graph);
    return engine!.compile(report, materializeWeights(report, 1), { convKernel, splitK }).plan.steps;
  };

  describe.skipIf(!gpu)(`split-K ${gemmKernel}`, () => {
    it.each([
      ['3×3 same, 5×6×20 → 40, ReLU, K = 180 in 3 (chunks of 64, 64, 52)', [5, 6, 20], { filters: 40, kernel_size: 3, padding: 'same', activation: 'relu' }, 3],
      ['1×1, 4×4×96 → 13, sigmoid, K = 96 in 6', [4, 4, 96], { filters: 13, kernel_size: 1, activation: 'sigmoid' }, 6],
      ['5×5 valid, 9×7×8 → 33, bias, K = 200 in 2', [9, 7, 8], { filters: 33, kernel_size: 5, bias_initializer: { name: 'random_uniform', minval: -1, maxval: 1 } }, 2],
      ['1×7, 6×9×12 → 32, stride 2, K = 84 in 3 (32, 32, 20)', [6, 9, 12], { filters: 32, kernel_size: [1, 7], strides: 2, padding: 'same', activation: 'relu6' }, 3],
      ['3×3 dilated 2, 9×9×16 → 24, softmax (logits to scratch, then softmax), K = 144 in 3', [9, 9, 16], { filters: 24, kernel_size: 3, dilation_rate: 2, padding: 'same', activation: 'softmax' }, 3],
    ] as const)('%s', async (_name, input, attrs, splitK) => {
      const graph = singleOpGraph('Conv2D', [[...input]], attrs as never);
      expect(steps(graph, splitK).slice(0, 2).map((s) => [s.kernel, s.params.splits])).toEqual([[gemmKernel, splitK], ['conv2dSplitKReduce', splitK]]);
      const { gpu: out, reference } = await compareWithReference(engine!, graph, { convKernel, batch: 2, splitK });
      expectClose(out.tensors.get('y')!.data, reference.get('y')!.data, TOLERANCE.conv);
    });

    it('splits a Dense layer (M = batch)', async () => {
      const graph = singleOpGraph('Dense', [[300]], { units: 70, activation: 'relu' });
      expect(steps(graph, 4).map((s) => [s.kernel, s.params.splits])).toEqual([[gemmKernel, 4], ['conv2dSplitKReduce', 4]]);
      const { gpu: out, reference } = await compareWithReference(engine!, graph, { convKernel, batch: 2, splitK: 4 });
      expectClose(out.tensors.get('y')!.data, reference.get('y')!.data, TOLERANCE.conv);
    });

    it('fuses BN, the residual add and the ReLU into the reduction and writes concat slices', async () => {
      const graph = fusedEpilogueGraph([5, 4, 24]);
      const plan = steps(graph, 3);
      expect(plan.filter((s) => s.kernel === 'conv2dSplitKReduce')).toHaveLength(3);
      // The reduction carries the fused epilogue: BN, the add and the ReLU belong to its step.
      expect(plan.find((s) => s.kernel === 'conv2dSplitKReduce' && s.node === 'a')!.fused).toEqual(['bn', 'add', 'relu']);
      const { gpu: out, reference } = await compareWithReference(engine!, graph, { convKernel, batch: 2, keep: ['relu'], splitK: 3 });
      expectClose(out.tensors.get('relu')!.data, reference.get('relu')!.data, TOLERANCE.conv);
      expectClose(out.tensors.get('cat')!.data, reference.get('cat')!.data, TOLERANCE.conv);
    });

    it('reads concat slices, 4 channels a load where the slice allows it, and splits them too', async () => {
      for (const splitK of [false, 2] as const) {
        const plan = steps(sliceReadGraph, splitK);
        const conv = (node: string) => plan.find((s) => s.node === node && s.kernel === gemmKernel)!;
        expect([conv('d').params.xStride, conv('d').params.xOffset, conv('f').params.xStride, conv('f').params.xOffset]).toEqual([28, 8, 19, 3]);
        if (gemmKernel === 'conv2dGemm64') expect([conv('d').overrides.VEC_X, conv('f').overrides.VEC_X]).toEqual([true, false]);
        const { gpu: out, reference } = await compareWithReference(engine!, sliceReadGraph, { convKernel, batch: 2, splitK });
        for (const id of sliceReadGraph.outputs) expectClose(out.tensors.get(id)!.data, reference.get(id)!.data, TOLERANCE.conv);
      }
    });

    it('by default splits only convs with few output tiles and a long K', () => {
      const splits = (shape: number[], filters: number, kernel_size: number) =>
        steps(singleOpGraph('Conv2D', [shape], { filters, kernel_size, padding: 'same' })).find((s) => s.kernel === gemmKernel)!.params.splits;
      // Tiles of 32×32 | 64×64, against GEMM_BUSY_WORKGROUPS = 256 and K / 256.
      const [late, mid, early] = gemmKernel === 'conv2dGemm' ? [8, 4, 1] : [18, 9, 2];
      expect(splits([7, 7, 512], 512, 3)).toBe(late); // ResNet-50's last stage: 32 | 8 tiles, K = 4608
      expect(splits([14, 14, 256], 256, 3)).toBe(mid); // 56 | 16 tiles, K = 2304
      expect(splits([56, 56, 64], 64, 3)).toBe(early); // 196 | 49 tiles, K = 576
      expect(splits([7, 7, 16], 16, 3)).toBe(1); // K = 144: too short to share
      expect(steps(singleOpGraph('Conv2D', [[7, 7, 512]], { filters: 512, kernel_size: 3 }), false).map((s) => s.kernel)).toEqual([gemmKernel]);
    });
  });
}
