// "Explain this value" against the real Engine on WebGPU: a small graph of every explained kind runs on the
// GPU, every node kept and read back; at several positions of each node the breakdown's total (float64 from
// the float32 tensors read back) equals the value the GPU computed. Tolerance: |total − value| ≤
// 1e-5·scale + 1e-7, scale being Σ|terms| (float32 sums of a few hundred terms in another order, fused
// activations, Winograd's transforms: well inside it), and in all but boundary cases the two print alike.
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../graph/analyze.ts';
import type { GraphFile } from '../graph/types.ts';
import { Engine } from '../runtime/engine.ts';
import { materializeWeights } from '../runtime/reference.ts';
import { randomInput } from '../testing/compare.ts';
import { RANDOM_BIAS } from '../testing/cases.ts';
import { testGpu } from '../testing/gpu.ts';
import { formatValue } from '../format.ts';
import { explainFromRun } from './explain.ts';

const gpu = await testGpu();

const STATS = { moving_mean_initializer: RANDOM_BIAS, moving_variance_initializer: { name: 'random_uniform', minval: 0.5, maxval: 2 }, gamma_initializer: { name: 'random_uniform', minval: 0.5, maxval: 1.5 }, beta_initializer: RANDOM_BIAS };

const GRAPH: GraphFile = {
  format: 'deepwire-graph', version: 1, outputs: ['probs'],
  nodes: [
    { id: 'x', op: 'Input', attrs: { shape: [13, 11, 6] } },
    { id: 'conv', op: 'Conv2D', inputs: ['x'], attrs: { filters: 12, kernel_size: 3, strides: 2, padding: 'same', activation: 'relu', bias_initializer: RANDOM_BIAS } },
    { id: 'wide', op: 'Conv2D', inputs: ['x'], attrs: { filters: 16, kernel_size: 5, padding: 'same', bias_initializer: RANDOM_BIAS } },
    { id: 'dilated', op: 'Conv2D', inputs: ['wide'], attrs: { filters: 12, kernel_size: 3, dilation_rate: 2, padding: 'same', groups: 4, activation: 'tanh' } },
    { id: 'bn', op: 'BatchNormalization', inputs: ['dilated'], attrs: STATS },
    { id: 'dw', op: 'DepthwiseConv2D', inputs: ['bn'], attrs: { kernel_size: 3, strides: 2, padding: 'same', depth_multiplier: 2, bias_initializer: RANDOM_BIAS } },
    { id: 'sep', op: 'SeparableConv2D', inputs: ['conv'], attrs: { filters: 24, kernel_size: 3, padding: 'same', depth_multiplier: 2, activation: 'relu6', bias_initializer: RANDOM_BIAS } },
    { id: 'add', op: 'Add', inputs: ['dw', 'sep'], attrs: {} },
    { id: 'max', op: 'MaxPool2D', inputs: ['add'], attrs: { pool_size: 3, strides: 2, padding: 'same' } },
    { id: 'avg', op: 'AveragePool2D', inputs: ['add'], attrs: { pool_size: 3, strides: 2, padding: 'same' } },
    { id: 'mul', op: 'Multiply', inputs: ['max', 'avg'], attrs: {} },
    { id: 'cat', op: 'Concatenate', inputs: ['max', 'mul'], attrs: { axis: -1 } },
    { id: 'gap', op: 'GlobalAveragePool2D', inputs: ['cat'], attrs: {} },
    { id: 'probs', op: 'Dense', inputs: ['gap'], attrs: { units: 10, activation: 'softmax', bias_initializer: RANDOM_BIAS } },
  ],
};

describe.skipIf(!gpu)('explain on WebGPU: the total is the value the GPU computed', () => {
  it('at corners, borders and inside of every explained node of a small graph', async () => {
    const engine = await Engine.create(async () => gpu);
    const report = analyzeGraph(GRAPH);
    expect(report.problems).toEqual([]);
    const weights = materializeWeights(report, 5);
    const ids = report.nodes.map((r) => r.id);
    const compiled = engine.compile(report, weights, { keep: ids });
    const { tensors } = await compiled.run({ x: randomInput([1, 13, 11, 6], 'x') }, { read: ids });
    compiled.destroy();
    let checked = 0, printedAlike = 0, worst = 0;
    for (const node of report.nodes.filter((r) => r.op !== 'Input')) {
      const shape = node.shape!;
      // Corners (padding), an inside point and the last channel.
      const spots = shape.length === 3
        ? [[0, 0, 0], [shape[0] - 1, shape[1] - 1, shape[2] - 1], [Math.floor(shape[0] / 2), 1, Math.floor(shape[2] / 3)], [1, shape[1] - 1, 1]]
        : [[0], [shape[0] - 1], [Math.floor(shape[0] / 2)]];
      for (const at of spots) {
        const e = explainFromRun(report, node.id, tensors, weights, at);
        const difference = Math.abs(e.total - e.value);
        expect(difference, `${node.id} at ${at}: total ${e.total}, GPU ${e.value}, scale ${e.scale}`).toBeLessThanOrEqual(1e-5 * e.scale + 1e-7);
        worst = Math.max(worst, difference / (e.scale || 1));
        checked++;
        if (formatValue(e.total) === formatValue(e.value)) printedAlike++;
      }
    }
    console.log(`explain on ${gpu!.description}: ${checked} values, ${printedAlike} print alike, worst |total − value| / scale ${worst.toExponential(2)}`);
    expect(checked).toBe(13 * 4 - 2 * 1);
    expect(printedAlike).toBeGreaterThanOrEqual(checked - 1);
  });
});
