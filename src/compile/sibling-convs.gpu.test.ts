// Sibling convs (fusion.ts rule 6): conv groups reading one tensor with one geometry and one
// activation, read only by other convs, run as one conv with their filters side by side, each group's
// tensor a channel slice of the shared output. Against the float64 reference on every conv kernel and
// with K split. The graph holds what the merge must get right: one member with a bias and a
// BatchNormalization folded in, one with neither, one with a bias and a ReLU layer (the epilogue's
// bias is 0 where a member has none); slices read by a 3×3 'same' conv (Winograd where the quad
// kernel runs), a strided 1×1, a 'valid' 5×5, a Dense, a grouped conv; a second set, strided, under
// a sigmoid, behind an input prologue that every member applies; a third of 3×3 convs (Winograd where
// the quad kernel runs), read by a DepthwiseConv2D and a SeparableConv2D.
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../graph/analyze.ts';
import type { GraphFile, GraphNode } from '../graph/types.ts';
import { Engine } from '../runtime/engine.ts';
import { materializeWeights } from '../runtime/reference.ts';
import { bn } from '../testing/blocks.ts';
import { compareWithReference } from '../testing/compare.ts';
import { convKernelPaths } from '../testing/conv-paths.ts';
import { mismatches, TOLERANCE } from '../testing/expect-close.ts';
import { testGpu } from '../testing/gpu.ts';

const gpu = await testGpu();
const engine = gpu ? await Engine.create(async () => gpu) : null;

const BIAS = { use_bias: true, bias_initializer: { name: 'random_uniform', minval: -1, maxval: 1 } };
const conv = (id: string, input: string, filters: number, kernel_size: number, extra: Record<string, unknown> = {}): GraphNode =>
  ({ id, op: 'Conv2D', inputs: [input], attrs: { filters, kernel_size, use_bias: false, ...extra } });

const OUTPUTS = ['r1', 'r2', 'r3', 'u1', 'u2', 'dn', 'gr', 'dwr', 'spr'];
const graph: GraphFile = {
  format: 'deepwire-graph', version: 1, outputs: OUTPUTS,
  nodes: [
    { id: 'x', op: 'Input', attrs: { shape: [7, 9, 12] } },
    conv('s1', 'x', 8, 1, BIAS), bn('s1_bn', 's1'), { id: 's1_r', op: 'ReLU', inputs: ['s1_bn'], attrs: {} },
    conv('s2', 'x', 12, 1, { activation: 'relu' }),
    conv('s3', 'x', 4, 1, BIAS), { id: 's3_r', op: 'Activation', inputs: ['s3'], attrs: { activation: 'relu' } },
    conv('r1', 's1_r', 8, 3, { padding: 'same' }),
    conv('r2', 's2', 5, 1, { strides: 2 }),
    conv('r3', 's3_r', 6, 5),
    // Behind BN + ReLU folded into their loads, stride 2, a sigmoid: a second set.
    bn('p', 'x'), { id: 'p_r', op: 'ReLU', inputs: ['p'], attrs: {} },
    conv('t1', 'p_r', 4, 1, { strides: 2, activation: 'sigmoid' }),
    conv('t2', 'p_r', 8, 1, { strides: 2, activation: 'sigmoid', ...BIAS }),
    conv('u1', 't1', 4, 3, { padding: 'same' }),
    conv('u2', 't2', 4, 3, { padding: 'same', activation: 'relu' }),
    // Slices read by a Dense, a grouped conv, a DepthwiseConv2D and a SeparableConv2D; 3×3 siblings
    // (a third set: Winograd where the quad kernel runs).
    { id: 'dn', op: 'Dense', inputs: ['s2'], attrs: { units: 5 } },
    conv('gr', 's1_r', 4, 3, { groups: 2 }),
    conv('w1', 'x', 8, 3, { padding: 'same', activation: 'relu' }),
    conv('w2', 'x', 4, 3, { padding: 'same', activation: 'relu', ...BIAS }),
    { id: 'dwr', op: 'DepthwiseConv2D', inputs: ['w1'], attrs: { kernel_size: 3, padding: 'same' } },
    { id: 'spr', op: 'SeparableConv2D', inputs: ['w2'], attrs: { filters: 6, kernel_size: 3 } },
  ],
};

const PATHS = convKernelPaths(!!gpu?.features.subgroups);

describe.skipIf(!gpu)('sibling convs: one conv computes every 1×1 conv that reads the same tensor', () => {
  it.each(PATHS)('%s', async (_name, options) => {
    const report = analyzeGraph(graph);
    const compiled = engine!.compile(report, materializeWeights(report, 1), { ...options, keep: OUTPUTS });
    const steps = compiled.plan.steps;
    compiled.destroy();
    // Each set is one conv's steps (with K split, the partial sums' and the reduce's), the last carrying every member.
    // Each set is one conv's steps (with K split, the partial sums' and the reduce's), the last carrying every member.
    for (const set of [['s1', 's1_bn', 's1_r', 's2', 's3', 's3_r'], ['t1', 't2', 'p', 'p_r'], ['w1', 'w2']]) {
      const computing = steps.filter((s) => set.includes(s.node));
      expect(new Set(computing.map((s) => s.node)).size, set[0]).toBe(1);
      const last = computing.at(-1)!;
      expect([last.node, ...last.fused], set[0]).toEqual(expect.arrayContaining(set));
    }
    // The merged 3×3 convs run as Winograd where the 16-pixel quad kernel does.
    if (options.subgroups && options.quadPixels === 16) expect(steps.filter((s) => s.node === 'w1').map((s) => s.kernel)).toContain('winogradGemm');

    const { gpu: out, reference } = await compareWithReference(engine!, graph, { ...options, batch: 2 });
    for (const id of OUTPUTS) expect(mismatches(out.tensors.get(id)!.data, reference.get(id)!.data, TOLERANCE.conv), id).toEqual([]);
  });
});
