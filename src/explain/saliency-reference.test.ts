// The saliency reference (saliency-reference.ts) against finite differences of the score, and
// Grad-CAM against a direct float64 computation (CAM: a GAP + linear classifier, where α_k = W[k, c]/(H·W)).
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../graph/analyze.ts';
import { materializeWeights } from '../runtime/reference.ts';
import type { Tensor } from '../tensor.ts';
import { randomInput } from '../testing/compare.ts';
import { camClassifier, smoothClassifier } from '../testing/saliency-graphs.ts';
import { gradCam } from './grad-cam.ts';
import { upsample } from './heatmap.ts';
import { gradientsReference, scoreReference } from './saliency-reference.ts';
import { defaultCamLayer, gradientProblem, isClassifier, resolveClass, type ScoreTarget } from './saliency-target.ts';
import { whereItLooks } from './where-it-looks.ts';

const smooth = analyzeGraph(smoothClassifier());
const smoothWeights = materializeWeights(smooth, 3);

/** Central differences of the score at `count` input elements spread over the input; max error relative to the gradient's peak. */
function finiteDifferenceError(target: ScoreTarget, x: Tensor, count = 24): { worst: number; peak: number } {
  const problem = gradientProblem(smooth, target);
  const g = gradientsReference(problem, smoothWeights, x).input.data;
  const peak = g.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const h = 3e-2; // smallest error here: truncation ∝ h², float32 rounding of the score ∝ 1/h
  let worst = 0;
  for (let k = 0; k < count; k++) {
    const i = Math.floor(((k + 0.5) / count) * x.data.length);
    const at = (d: number) => {
      const xd = { shape: x.shape, data: Float32Array.from(x.data) };
      xd.data[i] += d;
      return scoreReference(problem, smoothWeights, xd);
    };
    const fd = (at(h) - at(-h)) / (2 * h);
    worst = Math.max(worst, Math.abs(fd - g[i]));
  }
  return { worst, peak };
}

describe('the saliency reference against finite differences', () => {
  const x = randomInput([1, 8, 8, 3], 'x');
  const targets: [string, ScoreTarget][] = [
    ['a conv channel (mean over positions)', { node: 'c2', channel: 2 }],
    ['a channel of a merge', { node: 'mul', channel: 1 }],
    ['a channel of a Concatenate past its first input', { node: 'cat', channel: 6 }],
    ['a class logit (before the Dense softmax)', { node: 'dense', class: 3 }],
    ['a unit after Dropout (the identity at inference)', { node: 'drop', channel: 4 }],
  ];
  for (const [name, target] of targets)
    it(name, () => {
      const { worst, peak } = finiteDifferenceError(target, x);
      expect(peak).toBeGreaterThan(1e-4);
      expect(worst).toBeLessThan(1e-3 * peak);
    });

  it('scores a class by its logit where the node ends in a softmax, by the output otherwise', () => {
    const withSoftmax = gradientProblem(smooth, { node: 'dense', class: 1 });
    expect(withSoftmax.score).toBe('dense');
    expect(withSoftmax.label).toContain('logit');
    const cam = analyzeGraph(camClassifier());
    expect(gradientProblem(cam, { node: 'probs', class: 1 }).score).toBe('logits');
    expect(gradientProblem(cam, { node: 'logits', class: 1 }).label).toContain('(output)');
  });
});

describe('Grad-CAM', () => {
  const report = analyzeGraph(camClassifier());
  const weights = materializeWeights(report, 5);
  const x = randomInput([1, 10, 10, 3], 'x', 9);

  it('is CAM for a GAP + linear classifier: ReLU(Σ_k W[k, c] · A_k) / (H·W), in float64', async () => {
    const c = 2;
    const result = await whereItLooks(null, report, weights, x, { node: 'probs', class: c }, { gradCam: 'c2' });
    // A straight from the reference forward, the classifier's kernel as stored.
    const problem = gradientProblem(report, { node: 'probs', class: c }, { camLayer: 'c2' });
    const A = gradientsReference(problem, weights, x).cam!.activation;
    const [, H, W, K] = A.shape;
    const kernel = weights.get('logits')!.kernel;
    const classes = kernel.shape[1];
    const want = new Float64Array(H * W);
    for (let p = 0; p < H * W; p++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += (kernel.data[k * classes + c] / (H * W)) * A.data[p * K + k];
      want[p] = Math.max(0, s);
    }
    const cam = result.gradCam!;
    expect([cam.coarse.width, cam.coarse.height]).toEqual([W, H]);
    const peak = want.reduce((m, v) => Math.max(m, v), 0);
    expect(peak).toBeGreaterThan(0);
    for (let p = 0; p < H * W; p++) expect(Math.abs(cam.coarse.data[p] - want[p])).toBeLessThan(1e-6 * Math.max(1, peak));
    for (let k = 0; k < K; k++) expect(cam.weights[k]).toBeCloseTo(kernel.data[k * classes + c] / (H * W), 6);
    // Upsampled to the Input's 10×10 bilinearly.
    expect([cam.map.width, cam.map.height]).toEqual([10, 10]);
    expect(Array.from(cam.map.data)).toEqual(Array.from(upsample(cam.coarse, 10, 10).data));
  });

  it('defaults to the last layer with maps before the target', () => {
    expect(defaultCamLayer(report, 'probs')).toBe('c2');
    expect(defaultCamLayer(smooth, 'dense')).toBe('c2');
    expect(() => defaultCamLayer(report, 'c1')).toThrow(/no layer with maps/);
  });

  it('weighs each map by the mean of its gradient (direct, on made-up tensors)', () => {
    const A = { shape: [1, 1, 2, 2], data: Float32Array.from([1, 2, 3, -4]) };
    const dA = { shape: [1, 1, 2, 2], data: Float32Array.from([0.5, -1, 1.5, 0]) };
    const cam = gradCam(A, dA); // α = [1, −0.5]; Σ: [1·1 − 0.5·2, 1·3 − 0.5·(−4)] = [0, 5]
    expect(Array.from(cam.weights)).toEqual([1, -0.5]);
    expect(Array.from(cam.coarse.data)).toEqual([0, 5]);
  });
});

describe('targets a user gets wrong', () => {
  const problem = (t: ScoreTarget, camLayer?: string) => () => gradientProblem(smooth, t, { camLayer });
  it('says what is wrong and what to pick', () => {
    expect(problem({ node: 'nope', channel: 0 })).toThrow(/no node 'nope'/);
    expect(problem({ node: 'c2', channel: 6 })).toThrow(/'c2' has 6 channels, not a channel 6/);
    expect(problem({ node: 'c2', class: 0 })).toThrow(/not a vector of class scores/);
    expect(problem({ node: 'dense', class: 5 })).toThrow(/class 5 is not one of the 5/);
    expect(problem({ node: 'dense', class: 0 }, 'gap')).toThrow(/needs H×W×C maps/);
    expect(problem({ node: 'c1', channel: 0 }, 'c2')).toThrow(/'c2' does not feed 'c1'/);
    expect(problem({ node: 'c1', channel: 0 })).not.toThrow();
  });

  it('tells classifiers (a softmax, named classes) from other vectors', () => {
    const cam = analyzeGraph(camClassifier());
    expect(['probs', 'logits', 'gap', 'c2'].map((id) => isClassifier(cam, id))).toEqual([true, false, false, false]);
    expect(isClassifier(cam, 'logits', ['a', 'b', 'c', 'd'])).toBe(true);
    expect(isClassifier(smooth, 'dense')).toBe(true);
  });

  it('finds classes by index or by name', () => {
    expect(resolveClass('281', 1000)).toBe(281);
    expect(resolveClass('tabby cat', 1000)).toBe(281);
    expect(resolveClass('Sneaker', 10, ['T-shirt', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'])).toBe(7);
    expect(() => resolveClass('tabby cats', 1000)).toThrow(/no class named 'tabby cats'/);
    expect(() => resolveClass('cat', 4)).toThrow(/no names/);
    expect(() => resolveClass('4', 4)).toThrow(/class 4 is not one of the 4/);
  });
});
