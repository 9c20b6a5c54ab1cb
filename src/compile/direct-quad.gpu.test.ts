// The quad-shared direct convs (16 and 8 pixels per invocation) against the reference on shapes where quads straddle edges: a partial
// last pixel tile, padding, stride 2, channels not a multiple of 4, a concat slice as output. Winograd
// is off here (it takes the 3×3 stride-1 convs otherwise): winograd.gpu.test.ts tests it.
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
    ['7×7 stride 2 same on 15×13, C = 3 (a stem: window rows read as taps)', [15, 13, 3], { filters: 32, kernel_size: 7, strides: 2, padding: 'same', activation: 'relu', bias_initializer: { name: 'random_uniform', minval: -1, maxval: 1 } }],
    ['3×2 valid stride [1, 3], C = 5, 32 filters (rows of 10 floats)', [6, 11, 5], { filters: 32, kernel_size: [3, 2], strides: [1, 3] }],
    ['48 filters: 6 blocks padded to 2 quads, the last 2 never stored', [5, 7, 8], { filters: 48, kernel_size: 3, padding: 'same', bias_initializer: { name: 'random_uniform', minval: -1, maxval: 1 } }],
    ['13 filters: a partial block', [6, 5, 4], { filters: 13, kernel_size: 3, padding: 'same', activation: 'relu', bias_initializer: { name: 'random_uniform', minval: -1, maxval: 1 } }],
  ] as const)('%s', async (_name, input, attrs) => {
    for (const quadPixels of [16, 8] as const) {
      const { gpu: out, reference } = await compareWithReference(engine!, singleOpGraph('Conv2D', [[...input]], attrs as never), { convKernel: 'direct', batch: 2, quadPixels, winograd: false });
      expectClose(out.tensors.get('y')!.data, reference.get('y')!.data, TOLERANCE.conv);
    }
  });

  // 84 channels: slices at offsets 0, 4, 44 and 47, the last two with partial 8-filter blocks.
  it('writes into concat slices, aligned or not, with partial blocks', async () => {
    const conv = (id: string, filters: number) => ({ id, op: 'Conv2D', inputs: ['x'], attrs: { filters, kernel_size: 3, padding: 'same', activation: 'relu' } });
    const graph = {
      format: 'deepwire-graph' as const, version: 1 as const, outputs: ['cat'],
      nodes: [
        { id: 'x', op: 'Input', attrs: { shape: [6, 5, 8] } },
        conv('a', 12), conv('b', 40), conv('c', 11), conv('d', 37),
        { id: 'cat', op: 'Concatenate', inputs: ['a', 'b', 'c', 'd'], attrs: { axis: -1 } },
      ],
    };
    const { analyzeGraph } = await import('../graph/analyze.ts');
    const { materializeWeights } = await import('../runtime/reference.ts');
    const report = analyzeGraph(graph);
    expect(engine!.compile(report, materializeWeights(report, 1), { convKernel: 'direct', winograd: false }).plan.steps.map((s) => s.kernel))
      .toEqual(['conv2dDirectQuad16', 'conv2dDirectQuad16', 'conv2dDirectQuad16', 'conv2dDirectQuad16']);
    for (const quadPixels of [16, 8] as const) {
      const { gpu: out, reference } = await compareWithReference(engine!, graph, { convKernel: 'direct', batch: 2, quadPixels, winograd: false });
      expectClose(out.tensors.get('cat')!.data, reference.get('cat')!.data, TOLERANCE.conv);
    }
  });

  it('runs linear, relu, relu6 and leaky convs with one pipeline (the ReLU family from params)', async () => {
    const conv = (id: string, input: string, extra: Record<string, unknown>) => ({ id, op: 'Conv2D', inputs: [input], attrs: { filters: 32, kernel_size: 3, padding: 'same', ...extra } });
    const graph = {
      format: 'deepwire-graph' as const, version: 1 as const, outputs: ['d'],
      nodes: [
        { id: 'x', op: 'Input', attrs: { shape: [6, 5, 8] } },
        conv('a', 'x', { kernel_initializer: { name: 'random_uniform', minval: -1.5, maxval: 1.5 } }),
        conv('b', 'a', { activation: 'relu6' }), conv('c', 'b', { activation: 'leaky_relu' }), conv('d', 'c', { activation: 'relu' }),
      ],
    };
    const { analyzeGraph } = await import('../graph/analyze.ts');
    const { materializeWeights } = await import('../runtime/reference.ts');
    const report = analyzeGraph(graph);
    const steps = engine!.compile(report, materializeWeights(report, 1), { convKernel: 'direct', winograd: false }).plan.steps;
    expect(new Set(steps.map((s) => JSON.stringify(s.overrides))).size).toBe(1);
    const { gpu: out, reference } = await compareWithReference(engine!, graph, { convKernel: 'direct', keep: ['a', 'b', 'c'], winograd: false });
    for (const id of ['a', 'b', 'c', 'd']) expectClose(out.tensors.get(id)!.data, reference.get(id)!.data, TOLERANCE.conv);
  });

  it('is the kernel picked for any number of filters above 8 on an adapter with subgroups; 8 or fewer take conv2d-direct', async () => {
    const { analyzeGraph } = await import('../graph/analyze.ts');
    const { materializeWeights } = await import('../runtime/reference.ts');
    const report = analyzeGraph(singleOpGraph('Conv2D', [[8, 8, 8]], { filters: 64, kernel_size: 3 }));
    expect(engine!.compile(report, materializeWeights(report, 1), { convKernel: 'direct', winograd: false }).plan.steps[0].kernel).toBe('conv2dDirectQuad16');
    const kernelFor = (filters: number) => {
      const r = analyzeGraph(singleOpGraph('Conv2D', [[4, 4, 8]], { filters, kernel_size: 1 }));
      return engine!.compile(r, materializeWeights(r, 1), { convKernel: 'direct', winograd: false }).plan.steps[0].kernel;
    };
    expect([48, 16, 13, 9, 8, 6].map(kernelFor)).toEqual(['conv2dDirectQuad16', 'conv2dDirectQuad16', 'conv2dDirectQuad16', 'conv2dDirectQuad16', 'conv2dDirect', 'conv2dDirect']);
  });
});
