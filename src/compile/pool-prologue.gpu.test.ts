// The pool prologue (conv2d-prologue.wgsl POOL): a stride-1 MaxPool2D or AveragePool2D whose output
// has its input's size, computed by the 1×1 conv that reads it as it loads its input (fusion.ts
// foldInputPools), against the float64 reference, on every conv kernel such a conv can take and with
// K split. The graph holds what the window must get right: max and both averages (Keras' cells
// inside the input; ONNX's count_include_pad), 3×3, 5×5, 1×3 and 2×2 'same' (pads 0 before, 1 after)
// windows and explicit pads, windows larger than the image (3×4 under a 5×5 pool), sources that are
// concat slices (channel stride 19: scalar loads; one at offset 13 with 6 channels, a partial group of
// 4) and whole tensors of 12 and 8 channels (vec4 loads), and Inception's 1×1 siblings beside the
// pooled conv, which must not merge with it.
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../graph/analyze.ts';
import type { GraphFile, GraphNode } from '../graph/types.ts';
import { Engine } from '../runtime/engine.ts';
import { materializeWeights } from '../runtime/reference.ts';
import { compareWithReference } from '../testing/compare.ts';
import { convKernelPaths } from '../testing/conv-paths.ts';
import { mismatches, TOLERANCE } from '../testing/expect-close.ts';
import { testGpu } from '../testing/gpu.ts';

const gpu = await testGpu();
const engine = gpu ? await Engine.create(async () => gpu) : null;

const conv1 = (id: string, input: string, filters: number, extra: Record<string, unknown> = {}): GraphNode =>
  ({ id, op: 'Conv2D', inputs: [input], attrs: { filters, kernel_size: 1, use_bias: true, bias_initializer: { name: 'random_uniform', minval: -1, maxval: 1 }, ...extra } });
const pool = (id: string, op: 'MaxPool2D' | 'AveragePool2D', input: string, size: number, extra: Record<string, unknown> = {}): GraphNode =>
  ({ id, op, inputs: [input], attrs: { pool_size: size, strides: 1, padding: 'same', ...extra } });

const OUTPUTS = ['m', 'k', 'o', 'f', 't', 's', 'r1', 'r2', 'rp', 'sa', 'sr', 'sm'];
const graph: GraphFile = {
  format: 'deepwire-graph', version: 1, outputs: OUTPUTS,
  nodes: [
    { id: 'x', op: 'Input', attrs: { shape: [7, 9, 12] } },
    // A concat whose member c sits at channel 13 with 6 channels.
    { id: 'a', op: 'Conv2D', inputs: ['x'], attrs: { filters: 12, kernel_size: 3, padding: 'same' } },
    { id: 'b', op: 'Conv2D', inputs: ['x'], attrs: { filters: 1, kernel_size: 3, padding: 'same' } },
    { id: 'c', op: 'Conv2D', inputs: ['x'], attrs: { filters: 6, kernel_size: 3, padding: 'same', activation: 'tanh' } },
    { id: 'cat', op: 'Concatenate', inputs: ['a', 'b', 'c'], attrs: { axis: -1 } },
    // GoogLeNet's max pool projection, 32 filters (a whole quad of 8-filter blocks) and a ReLU.
    pool('pm', 'MaxPool2D', 'x', 3), conv1('m', 'pm', 32, { activation: 'relu' }),
    // Keras' average (padding not counted) of the concat member at offset 13.
    pool('pk', 'AveragePool2D', 'c', 3), conv1('k', 'pk', 7),
    // ONNX/PyTorch's average counting the pads, explicit pads.
    pool('po', 'AveragePool2D', 'x', 3, { padding: [[1, 1], [1, 1]], count_include_pad: true }), conv1('o', 'po', 13),
    // 5×5, and 2×2 'same' (TF pads 0 before, 1 after), max of the concat member at offset 0.
    pool('pf', 'AveragePool2D', 'a', 5), conv1('f', 'pf', 9),
    pool('pt', 'MaxPool2D', 'a', 2), conv1('t', 'pt', 5, { activation: 'sigmoid' }),
    // A BatchNormalization after the pooled conv folds into its weights as usual.
    pool('ps', 'MaxPool2D', 'cat', 3), conv1('s0', 'ps', 12, { use_bias: false }),
    { id: 's', op: 'BatchNormalization', inputs: ['s0'], attrs: { moving_mean_initializer: { name: 'random_uniform', minval: -1, maxval: 1 }, moving_variance_initializer: { name: 'random_uniform', minval: 0.5, maxval: 2 } } },
    // Inception: two 1×1 siblings of x (merged into one conv) beside the pooled conv, each before a 3×3.
    conv1('q1', 'x', 8), conv1('q2', 'x', 12), pool('pp', 'MaxPool2D', 'x', 3), conv1('qp', 'pp', 8),
    { id: 'r1', op: 'Conv2D', inputs: ['q1'], attrs: { filters: 4, kernel_size: 3, padding: 'same' } },
    { id: 'r2', op: 'Conv2D', inputs: ['q2'], attrs: { filters: 4, kernel_size: 3, padding: 'same' } },
    { id: 'rp', op: 'Conv2D', inputs: ['qp'], attrs: { filters: 4, kernel_size: 3, padding: 'same' } },
    // A 3×4 image of 8 channels (vec4 loads): Keras' 5×5 average reaches past it on every side; a 1×3
    // max and a 2×2 'same' average (pads 0 before, 1 after).
    { id: 'y', op: 'Input', attrs: { shape: [3, 4, 8] } },
    pool('pa', 'AveragePool2D', 'y', 5), conv1('sa', 'pa', 6),
    { id: 'pr', op: 'MaxPool2D', inputs: ['y'], attrs: { pool_size: [1, 3], strides: 1, padding: 'same' } }, conv1('sr', 'pr', 8, { activation: 'relu' }),
    pool('pq', 'AveragePool2D', 'y', 2), conv1('sm', 'pq', 4),
  ],
};

const POOLS = ['pm', 'pk', 'po', 'pf', 'pt', 'ps', 'pp', 'pa', 'pr', 'pq'];

const PATHS = convKernelPaths(!!gpu?.features.subgroups);

describe.skipIf(!gpu)('the pool prologue: stride-1 pools folded into the 1×1 convs that read them', () => {
  it.each(PATHS)('%s', async (_name, options) => {
    // Every pool is folded: no pool2d step, each in the step of the conv that reads it.
    const report = analyzeGraph(graph);
    const compiled = engine!.compile(report, materializeWeights(report, 1), { ...options, keep: OUTPUTS, fusePools: true });
    const steps = compiled.plan.steps;
    compiled.destroy();
    expect(steps.filter((s) => s.kernel === 'pool2d').map((s) => s.node)).toEqual([]);
    for (const id of POOLS) {
      const conv = steps.find((s) => s.fused.includes(id))?.node;
      expect(steps.some((s) => s.node === conv && s.overrides.POOL), id).toBe(true);
    }
    expect(steps.flatMap((s) => s.fused), 'q1 and q2 merged').toContain('q2');
    expect(steps.some((s) => s.node === 'qp' && s.fused.includes('pp') && !s.fused.includes('q1')), 'qp stays its own conv, with its pool').toBe(true);

    const { gpu: out, reference } = await compareWithReference(engine!, graph, { ...options, batch: 2, fusePools: true });
    for (const id of OUTPUTS) expect(mismatches(out.tensors.get(id)!.data, reference.get(id)!.data, TOLERANCE.conv), id).toEqual([]);
  });
});
