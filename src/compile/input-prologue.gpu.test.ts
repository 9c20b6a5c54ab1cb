// The conv kernels' input prologue (conv2d-prologue.wgsl): a BatchNormalization, Normalization or
// Rescaling and the activation after it, or an activation alone, folded into the 1×1, depthwise and
// separable convs that read them (fusion.ts foldInputAffines), against the float64 reference, on every
// conv kernel such a conv can take and with K split. The graph holds what the loads must get right: a source that is a concat slice at an
// offset not divisible by 4 (scalar loads) and one at offset 0 (vec4 loads), 6 channels (a partial
// group of 4, past which a sigmoid of the padding would be 0.5 if it were not masked), a strided 1×1
// conv, a Dense, and ResNetV2's pre-activation feeding two convs.
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

const act = (id: string, input: string, activation: string): GraphNode => ({ id, op: 'Activation', inputs: [input], attrs: { activation } });
const conv1 = (id: string, input: string, filters: number, extra: Record<string, unknown> = {}): GraphNode =>
  ({ id, op: 'Conv2D', inputs: [input], attrs: { filters, kernel_size: 1, use_bias: false, ...extra } });

const OUTPUTS = ['u', 'v', 'w', 'd', 'p', 'q', 's', 'dw', 'tc', 'dw1'];
const graph: GraphFile = {
  format: 'deepwire-graph', version: 1, outputs: OUTPUTS,
  nodes: [
    { id: 'x', op: 'Input', attrs: { shape: [5, 7, 6] } },
    // A concat whose members are read at offsets 0 (12 channels) and 13 (of 25): vec4 and scalar loads.
    { id: 'a', op: 'Conv2D', inputs: ['x'], attrs: { filters: 12, kernel_size: 3, padding: 'same' } },
    { id: 'b', op: 'Conv2D', inputs: ['x'], attrs: { filters: 1, kernel_size: 3, padding: 'same' } },
    { id: 'c', op: 'Conv2D', inputs: ['x'], attrs: { filters: 12, kernel_size: 3, padding: 'same', activation: 'relu' } },
    { id: 'cat', op: 'Concatenate', inputs: ['a', 'b', 'c'], attrs: { axis: -1 } },
    // DenseNet's bottleneck: BN + ReLU of the whole concat, 32 filters (a whole quad of 8-filter blocks).
    bn('bn_cat', 'cat'), act('r_cat', 'bn_cat', 'relu'), conv1('u', 'r_cat', 32, { activation: 'relu' }),
    // The raw input, 6 channels, through a sigmoid, into 13 filters with a bias, stride 2.
    bn('bn_x', 'x'), act('s_x', 'bn_x', 'sigmoid'),
    conv1('v', 's_x', 13, { strides: 2, use_bias: true, bias_initializer: { name: 'random_uniform', minval: -1, maxval: 1 } }),
    // Normalization with adapted statistics, then swish, of the concat member at offset 13.
    { id: 'n_c', op: 'Normalization', inputs: ['c'], attrs: { axis: -1, mean: Array.from({ length: 12 }, (_, i) => 0.1 * i - 0.4), variance: Array.from({ length: 12 }, (_, i) => 0.5 + 0.1 * i) } },
    act('sw_c', 'n_c', 'swish'), conv1('w', 'sw_c', 9),
    // Rescaling (no activation) into a Dense.
    { id: 'rs', op: 'Rescaling', inputs: ['a'], attrs: { scale: 1 / 3, offset: -0.5 } },
    { id: 'd', op: 'Dense', inputs: ['rs'], attrs: { units: 7 } },
    // ResNetV2's pre-activation: BN + ReLU6 read by two 1×1 convs.
    bn('pre', 'c'), act('pre_r', 'pre', 'relu6'), conv1('p', 'pre_r', 16), conv1('q', 'pre_r', 8, { strides: 2 }),
    // Xception's ReLU alone before a 3×3 'same' SeparableConv2D (the padding must stay 0, not relu(0)
    // — and under an elu it would be -0 → 0 but exp(0) − 1 = 0 too, so a sigmoid (0.5) is the test).
    act('sg', 'a', 'sigmoid'),
    { id: 's', op: 'SeparableConv2D', inputs: ['sg'], attrs: { filters: 10, kernel_size: 3, padding: 'same', depth_multiplier: 2 } },
    // BN + ELU before a strided, padded DepthwiseConv2D; an activation alone before a 1×1 conv.
    bn('bn_dw', 'c'), act('e_dw', 'bn_dw', 'elu'),
    { id: 'dw', op: 'DepthwiseConv2D', inputs: ['e_dw'], attrs: { kernel_size: 3, strides: 2, padding: 'same', activation: 'relu' } },
    act('t', 'x', 'tanh'), conv1('tc', 't', 5),
    // One channel: a DepthwiseConv2D is then a Conv2D with groups = 1, which the quad kernel would
    // read window row by window row (ROW) — not with a prologue.
    { id: 'x1', op: 'Input', attrs: { shape: [7, 6, 1] } },
    { id: 'rs1', op: 'Rescaling', inputs: ['x1'], attrs: { scale: 1 / 3, offset: -0.5 } },
    { id: 'dw1', op: 'DepthwiseConv2D', inputs: ['rs1'], attrs: { kernel_size: 3, padding: 'same', depth_multiplier: 4 } },
  ],
};

const FOLDED = ['bn_cat', 'r_cat', 'bn_x', 's_x', 'n_c', 'sw_c', 'rs', 'pre', 'pre_r', 'sg', 'bn_dw', 'e_dw', 't', 'rs1'];

const PATHS = convKernelPaths(!!gpu?.features.subgroups);

describe.skipIf(!gpu)('the input prologue: affine ops folded into the 1×1 convs that read them', () => {
  it.each(PATHS)('%s', async (_name, options) => {
    // Every affine and its activation is folded: no step of theirs, no tensor.
    const report = analyzeGraph(graph);
    const compiled = engine!.compile(report, materializeWeights(report, 1), { ...options, keep: OUTPUTS });
    const steps = compiled.plan.steps;
    compiled.destroy();
    expect(steps.filter((s) => s.kernel === 'affine').map((s) => s.node)).toEqual([]);
    const fused = steps.flatMap((s) => s.fused);
    for (const id of FOLDED) expect(fused, id).toContain(id);
    expect(new Set(steps.filter((s) => s.overrides.HAS_PROLOGUE).map((s) => s.node))).toEqual(new Set(OUTPUTS));

    const { gpu: out, reference } = await compareWithReference(engine!, graph, { ...options, batch: 2 });
    for (const id of OUTPUTS) expect(mismatches(out.tensors.get(id)!.data, reference.get(id)!.data, TOLERANCE.conv), id).toEqual([]);
  });
});
