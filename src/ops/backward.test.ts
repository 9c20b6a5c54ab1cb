// Every op's reference gradients (OpDef.backward) against central finite differences of its reference
// forward, on the op's own case table (src/ops/*.cases.ts): for the loss L = Σ r·y with r random,
// dL/dθ from backward must match (L(θ + ε) − L(θ − ε)) / 2ε for a sample of every input's and weight's
// coordinates. A coordinate on a kink (ReLU at its threshold, a max pool's tie), where the one-sided
// differences disagree, is skipped; most must be checked. These references are the spec the training
// kernels will be tested against on the GPU. The ops with a training-mode forward (BatchNormalization's
// batch statistics, Dropout's mask) are checked in both modes: backward without a ctx against
// `reference`, with a training ctx against `trainForward`.
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../graph/analyze.ts';
import { materializeWeights } from '../runtime/reference.ts';
import { uniforms } from '../weights/random.ts';
import { sizeOf, type Tensor } from '../tensor.ts';
import { randomInput, singleOpGraph } from '../testing/compare.ts';
import { centralDifference } from '../testing/finite-differences.ts';
import type { OpCase } from '../testing/cases.ts';
import { OPS, findOp } from './index.ts';
import type { TrainContext } from './op.ts';

const tables = import.meta.glob<{ op: string; cases: OpCase[] }>('./*.cases.ts', { eager: true });

/** Ops without a backward: only Input, which has nothing to differentiate. */
const NOT_YET = ['Input'];

const EPS = 1e-3;
const SAMPLES = 24;
/** Largest case (inputs and weights, in values) checked: the loss is recomputed twice a coordinate. */
const MAX_VALUES = 6000;

function check(op: string, c: OpCase, ctx?: TrainContext): { checked: number; skipped: number; worst: string } {
  const def = findOp(op)!;
  const report = analyzeGraph(singleOpGraph(op, c.inputs, c.attrs ?? {}));
  expect(report.problems).toEqual([]);
  const node = report.byId.get('y')!;
  const weights = materializeWeights(report, 1).get('y') ?? {};
  const batch = c.batch ?? 1;
  const scale = c.inputScale ?? 1;
  const inputs = c.inputs.map((shape, i) => {
    const t = randomInput([batch, ...shape], `x${i}`);
    for (let j = 0; j < t.data.length; j++) t.data[j] *= scale;
    return t;
  });
  const forward = () => (ctx && def.trainForward ? def.trainForward(inputs, weights, node.attrs, ctx).output : def.reference(inputs, weights, node.attrs));
  const y0 = forward();
  const r = Float32Array.from(uniforms(y0.data.length, 11, 'r'), (v) => 2 * v - 1);
  const loss = () => {
    const y = forward().data;
    let l = 0;
    for (let i = 0; i < y.length; i++) l += r[i] * y[i];
    return l;
  };
  const grads = def.backward!(inputs, weights, node.attrs, { shape: y0.shape, data: r }, ctx);
  const targets: [string, Tensor, Tensor][] = [
    ...inputs.map((t, i): [string, Tensor, Tensor] => [`input ${i}`, t, grads.inputs[i]]),
    ...node.weights.filter((w) => w.trainable).map((w): [string, Tensor, Tensor] => [w.name, weights[w.name], grads.weights[w.name]]),
  ];
  let checked = 0, skipped = 0, worst = '';
  let worstRatio = 0;
  for (const [name, t, g] of targets) {
    expect(g?.shape, `${op} ${c.name}: gradient of ${name}`).toEqual(t.shape);
    const picks = uniforms(SAMPLES, 5, name);
    for (const u of picks) {
      const i = Math.floor(u * t.data.length);
      const fd = centralDifference(t, i, loss, { eps: EPS });
      if (fd === null) {
        skipped++;
        continue;
      }
      const an = g.data[i];
      const ratio = Math.abs(an - fd) / (2e-3 + 2e-2 * Math.abs(fd));
      if (ratio > worstRatio) [worstRatio, worst] = [ratio, `${name}[${i}]: backward ${an}, finite differences ${fd}`];
      checked++;
    }
  }
  expect(worstRatio, `${op} ${c.name}: worst ${worst}`).toBeLessThanOrEqual(1);
  return { checked, skipped, worst };
}

const size = (c: OpCase) => (c.batch ?? 1) * c.inputs.reduce((n, s) => n + sizeOf(s), 0);

describe('reference gradients = finite differences', () => {
  for (const { op, cases } of Object.values(tables)) {
    if (!findOp(op)?.backward) continue;
    describe(op, () => {
      for (const c of cases.filter((c) => size(c) <= MAX_VALUES))
        it(c.name, () => {
          const { checked, skipped } = check(op, c);
          expect(checked, `${skipped} of ${checked + skipped} coordinates on kinks`).toBeGreaterThanOrEqual(3 * skipped);
        });
    });
  }

  describe('training mode (batch statistics, a fixed Dropout mask)', () => {
    const ctx: TrainContext = { nodeId: 'y', seed: 3, step: 5, trainable: true };
    for (const { op, cases } of Object.values(tables)) {
      if (!findOp(op)?.trainForward) continue;
      describe(op, () => {
        for (const c of cases.filter((c) => size(c) <= MAX_VALUES))
          it(c.name, () => {
            const { checked, skipped } = check(op, c, ctx);
            expect(checked, `${skipped} of ${checked + skipped} coordinates on kinks`).toBeGreaterThanOrEqual(3 * skipped);
          });
        // a frozen node (Keras 3 trainable=False) trains in inference mode: the plain check again
        it(`${cases[0].name}, frozen`, () => void check(op, cases[0], { ...ctx, trainable: false }));
      });
    }
    it('BatchNormalization, Dropout and the augmentation ops have a training forward', () => {
      expect(OPS.filter((o) => o.trainForward).map((o) => o.type).sort()).toEqual(['BatchNormalization', 'Dropout', 'RandomCrop', 'RandomFlip', 'RandomTranslation']);
    });
  });

  it('every op has a backward but those listed as not yet trainable', () => {
    expect(OPS.filter((o) => !o.backward).map((o) => o.type).sort()).toEqual([...NOT_YET].sort());
  });
});
