// Saliency and Grad-CAM on WebGPU (the training compiler's probe mode over the score's inference graph)
// against the float64 CPU reference (saliency-reference.ts, itself checked against finite differences):
// d score/d input and d score/d(the Grad-CAM layer), then the maps, on small graphs holding conv,
// depthwise, pools, merges, Concatenate, BatchNormalization at inference, Dropout, a residual block and
// softmax classifiers.
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../graph/analyze.ts';
import type { GraphFile } from '../graph/types.ts';
import { Engine } from '../runtime/engine.ts';
import { materializeWeights } from '../runtime/reference.ts';
import type { Tensor } from '../tensor.ts';
import { randomInput } from '../testing/compare.ts';
import { mismatches } from '../testing/expect-close.ts';
import { testGpu } from '../testing/gpu.ts';
import { camClassifier, smoothClassifier } from '../testing/saliency-graphs.ts';
import { residualBlock } from '../testing/train-graphs.ts';
import { peakOf } from './heatmap.ts';
import { gradientsOnGpu } from './saliency-gradients.ts';
import { gradientsReference } from './saliency-reference.ts';
import { gradientProblem, type ScoreTarget } from './saliency-target.ts';
import { whereItLooks } from './where-it-looks.ts';

const gpu = await testGpu();
const engine = gpu ? await Engine.create(async () => gpu) : null;

/** Within the conv tolerance of the backward tests, relative to the tensor's peak. */
function close(name: string, got: Tensor, want: Tensor): void {
  expect(got.shape, `${name}'s shape`).toEqual(want.shape);
  const peak = want.data.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  expect(peak, `${name} is all zeros: the test would prove nothing`).toBeGreaterThan(0);
  const bad = mismatches(got.data, want.data, { atol: 1e-4 * Math.max(peak, 1e-3), rtol: 1e-3 });
  expect(bad, `${name}\n${bad.join('\n')}`).toEqual([]);
}

const CASES: { name: string; graph: GraphFile; target: ScoreTarget; camLayer: string }[] = [
  { name: 'conv, BN, merges, max and average pools, Concatenate: a channel of c2', graph: smoothClassifier('MaxPool2D'), target: { node: 'c2', channel: 4 }, camLayer: 'mul' },
  { name: 'the same net: a class logit, through Dropout', graph: smoothClassifier('MaxPool2D'), target: { node: 'dense', class: 2 }, camLayer: 'c2' },
  { name: 'a channel of a Concatenate past its first input (the max pool)', graph: smoothClassifier('MaxPool2D'), target: { node: 'cat', channel: 5 }, camLayer: 'add' },
  { name: 'a residual block (BN at inference, ReLU): a class', graph: residualBlock(), target: { node: 'dense', class: 1 }, camLayer: 'r1' },
  { name: 'a Softmax node: its logits', graph: camClassifier(), target: { node: 'probs', class: 3 }, camLayer: 'c2' },
];

describe.skipIf(!engine)('saliency on WebGPU = the CPU reference', () => {
  for (const c of CASES)
    it(c.name, async () => {
      const report = analyzeGraph(c.graph);
      expect(report.problems).toEqual([]);
      const weights = materializeWeights(report, 2);
      const shape = report.byId.get('x')!.shape!;
      const x = randomInput([1, ...shape], 'x', 4);
      const problem = gradientProblem(report, c.target, { camLayer: c.camLayer });
      const got = await gradientsOnGpu(engine!, problem, weights, x);
      const want = gradientsReference(problem, weights, x);
      expect(got.score).toBeCloseTo(want.score, 4);
      close('d score/d input', got.input, want.input);
      close(`${c.camLayer}'s activations`, got.cam!.activation, want.cam!.activation);
      close(`d score/d ${c.camLayer}`, got.cam!.gradient, want.cam!.gradient);
    });

  it('gives the maps the reference gives (saliency, Grad-CAM), peaks at the same pixel', async () => {
    const report = analyzeGraph(camClassifier());
    const weights = materializeWeights(report, 5);
    const x = randomInput([1, 10, 10, 3], 'x', 9);
    const target = { node: 'probs', class: 2 };
    const [g, r] = await Promise.all([whereItLooks(engine, report, weights, x, target, { gradCam: true }), whereItLooks(null, report, weights, x, target, { gradCam: true })]);
    expect(g.gradCam!.layer).toBe('c2');
    const asTensor = (m: { width: number; height: number; data: Float32Array }): Tensor => ({ shape: [m.height, m.width], data: m.data });
    close('saliency', asTensor(g.saliency), asTensor(r.saliency));
    close('Grad-CAM', asTensor(g.gradCam!.map), asTensor(r.gradCam!.map));
    expect(peakOf(g.saliency)).toMatchObject({ x: peakOf(r.saliency).x, y: peakOf(r.saliency).y });
  });
});
