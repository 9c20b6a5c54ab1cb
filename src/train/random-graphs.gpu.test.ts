// Random classifiers trained on WebGPU against the float64 reference trainer, two steps from the same
// weights on the same batches: the backward pass, the buffers it shares with the forward and the
// gradients that meet where a tensor is read twice, in graphs nobody wrote (src/testing/random-graph.ts);
// then with frozen layers (whose weights must not move), kernel, bias and activity regularizers and
// Dropout, at batch 1 to 3, on SGD, Adam and RMSprop.
// Adam and RMSprop step a weight by about ±lr whatever its gradient's size, so where the gradient is
// float noise they step by noise: zero by construction (the bias of a layer feeding a training-mode
// BatchNormalization, a BN feeding another: ±lr, in Keras as here) or a small difference (4e-4 of the
// step's largest: a fraction of lr, set by the float32 rounding of the step before). So each element is
// compared within lr·min(cap, κ·largest/|g|) a step, g the reference's own gradient (κ 1e-5 for Adam
// and RMSprop; 1e-9 for SGD, whose step is lr·g and where only an L1 penalty's lr·l1·sign(w) flips on a
// zero gradient's noise), and a BatchNormalization's moving statistics within (1 − momentum) of the
// reach of the weights before it.
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../graph/analyze.ts';
import { Engine } from '../runtime/engine.ts';
import { ancestorsOf, materializeWeights } from '../runtime/reference.ts';
import { tensor, type Tensor } from '../tensor.ts';
import { randomInput } from '../testing/compare.ts';
import { mismatches, scaledToPeak } from '../testing/expect-close.ts';
import { testGpu } from '../testing/gpu.ts';
import { seededRandom } from '../testing/mutate-graph.ts';
import { randomGraph, type RandomGraphOptions } from '../testing/random-graph.ts';
import { lossConfig, OPTIMIZER_DEFAULTS, type CompileConfig, type OptimizerConfig } from './config.ts';
import { GpuTrainer, type GpuTrainerOptions } from './gpu-trainer.ts';
import { ReferenceTrainer } from './reference-trainer.ts';

const gpu = await testGpu();
const engine = gpu ? await Engine.create(async () => gpu) : null;

const KERNELS: [string, GpuTrainerOptions['kernels']][] = [
  ['gemm', { convKernel: 'gemm' }],
  ['direct', { convKernel: 'direct', subgroups: !!gpu?.features.subgroups }],
  ['direct without subgroups', { convKernel: 'direct', subgroups: false }],
  ['naive', { convKernel: 'naive' }],
];
const OPTIMIZERS: [string, OptimizerConfig][] = [
  ['SGD', { ...OPTIMIZER_DEFAULTS.sgd, learningRate: 0.1 }],
  ['SGD Nesterov', { ...OPTIMIZER_DEFAULTS.sgd, learningRate: 0.1, momentum: 0.9, nesterov: true }],
  ['Adam', { ...OPTIMIZER_DEFAULTS.adam, learningRate: 0.01 }],
  ['RMSprop centered, momentum 0.5', { ...OPTIMIZER_DEFAULTS.rmsprop, learningRate: 0.01, momentum: 0.5, centered: true }],
];
const GRAPHS = 16, DECORATED_GRAPHS = 16, CLASSES = 3, STEPS = 2;
/** How far float noise can move an element of a weight, per step, in units of lr: min(cap, κ·largest/|g|). */
const NOISE_REACH: Record<OptimizerConfig['name'], { kappa: number; cap: number }> = {
  sgd: { kappa: 1e-9, cap: 0.02 },
  adam: { kappa: 1e-5, cap: 1 },
  rmsprop: { kappa: 1e-5, cap: 3.5 }, // the first step of RMSprop (centered) is g/√((1−ρ)g² − ((1−ρ)g)²) = 3.33
};

async function train(seed: number, graphOptions: RandomGraphOptions, optimizer: OptimizerConfig, kernels: GpuTrainerOptions['kernels'], batch = 3): Promise<void> {
  const graph = randomGraph(seededRandom(seed), graphOptions);
  const report = analyzeGraph(graph);
  expect(report.problems).toEqual([]);
  const compile: CompileConfig = { optimizer, loss: lossConfig('sparse_categorical_crossentropy'), metrics: ['accuracy'] };
  const initial = materializeWeights(report, 3);
  const reference = new ReferenceTrainer(report, initial, compile, { seed: 5 });
  const trainer = GpuTrainer.create(engine!, report, initial, { batch, compile, seed: 5, kernels });
  const shown = `\n${JSON.stringify(graph)}`;
  const reach = new Map<string, Float64Array>(); // `${node}/${weight}` → how far noise can move each element
  try {
    const inputShape = report.nodes.find((r) => r.op === 'Input')!.shape!;
    for (let step = 0; step < STEPS; step++) {
      const x = randomInput([batch, ...inputShape], `x${step}`);
      const y = tensor([batch], Array.from({ length: batch }, (_, i) => (i + step + seed) % CLASSES));
      const preview = reference.gradients(x, y.data, step);
      // The loss moves by about Σ|g|·(how far noise moved each weight in the steps before): first order.
      const lossReach = [...preview.gradients].reduce((sum, [id, named]) => sum + Object.entries(named).reduce((s, [name, g]) => s + g.reduce((t, v, i) => t + Math.abs(v) * (reach.get(`${id}/${name}`)?.[i] ?? 0), 0), 0), 0);
      addNoiseReach(preview.gradients, optimizer, reach);
      const want = reference.trainStep(x, y.data, step);
      const got = (await trainer.step(x, y))!;
      expect(Math.abs(got.loss - want.loss), `step ${step}: loss ${got.loss}, reference ${want.loss}${shown}`).toBeLessThanOrEqual(1e-5 + 1e-4 * Math.abs(want.loss) + lossReach);
      expect(Math.abs(got.regularization - want.regularization), `step ${step}: regularization ${got.regularization}, reference ${want.regularization}${shown}`).toBeLessThanOrEqual(1e-6 + 1e-4 * Math.abs(want.regularization) + lossReach);
      // Where two classes tie within float32 rounding, either engine may call either one.
      if (!nearTie(preview.output)) expect(got.accuracy, `step ${step}: accuracy${shown}`).toBeCloseTo(want.accuracy!, 6);
    }
    const gotWeights = await trainer.weights();
    for (const [id, named] of reference.weights()) {
      const node = report.byId.get(id)!;
      // A moving statistic follows (1 − momentum) of what the weights before it do: 0.01 with Keras' 0.99, 0.05 to spare.
      const upstream = [...ancestorsOf(report, [id])].flatMap((a) => [...reach].filter(([key]) => key.startsWith(`${a}/`)).map(([, r]) => Math.max(...r)));
      const statisticsReach = 0.05 * Math.max(0, ...upstream);
      for (const [name, w] of Object.entries(named)) {
        const got = gotWeights.get(id)![name].data;
        if (node.attrs.trainable === false) expect(Array.from(got), `${id}/${name} is frozen, yet moved${shown}`).toEqual(Array.from(initial.get(id)![name].data));
        const trainable = node.weights.find((s) => s.name === name)!.trainable;
        // float32 against float64: relative to the weight's scale, and to how far the steps moved it (big
        // gradients: a BatchNormalization of a batch of 2 divides by √ε where the two samples nearly agree).
        const { atol = 0, rtol } = scaledToPeak(w.data, { atol: 2e-5, rtol: 1e-3 });
        const moved = w.data.reduce((m, v, i) => Math.max(m, Math.abs(v - initial.get(id)![name].data[i])), 0);
        const bad = mismatches(got, w.data, { atol: atol + 1e-3 * moved + (trainable ? 0 : statisticsReach), rtol, atolEach: reach.get(`${id}/${name}`) });
        expect(bad, `${id}/${name} after ${STEPS} steps${shown}\n${bad.join('\n')}`).toEqual([]);
      }
    }
  } finally {
    trainer.destroy();
  }
}

/** Whether some row's two largest probabilities are within 1e-5 of each other. */
function nearTie(output: Tensor): boolean {
  const K = output.shape.at(-1)!;
  for (let at = 0; at < output.data.length; at += K) {
    const row = Array.from(output.data.subarray(at, at + K)).sort((a, b) => b - a);
    if (row[0] - row[1] <= 1e-5) return true;
  }
  return false;
}

/** Adds each element's step reach (NOISE_REACH, both engines moving apart, momentum carrying it on). */
function addNoiseReach(gradients: Map<string, Record<string, Float64Array>>, optimizer: OptimizerConfig, reach: Map<string, Float64Array>): void {
  const { kappa, cap } = NOISE_REACH[optimizer.name];
  const carried = 1 / (1 - (optimizer.name === 'adam' ? 0 : optimizer.momentum));
  let peak = 0;
  for (const named of gradients.values()) for (const g of Object.values(named)) for (const v of g) peak = Math.max(peak, Math.abs(v));
  for (const [id, named] of gradients)
    for (const [name, g] of Object.entries(named)) {
      const key = `${id}/${name}`;
      const r = reach.get(key) ?? new Float64Array(g.length);
      // A step whose every gradient is 0 (a saturated loss: Keras clips the probabilities) moves nothing by noise.
      if (peak > 0) g.forEach((v, i) => {
        r[i] += 2 * carried * optimizer.learningRate * Math.min(cap, (kappa * peak) / Math.abs(v));
      });
      reach.set(key, r);
    }
}

describe.skipIf(!engine)('random classifiers trained on WebGPU = the reference trainer', () => {
  for (let seed = 1; seed <= GRAPHS; seed++) {
    const [kernelName, kernels] = KERNELS[seed % KERNELS.length];
    it(`seed ${seed}, ${kernelName} convs`, () => train(seed, { size: 6 + (seed % 11), classes: CLASSES }, OPTIMIZERS[seed % 2][1], kernels));
  }

  for (let seed = 1; seed <= DECORATED_GRAPHS; seed++) {
    const [kernelName, kernels] = KERNELS[(seed >> 2) % KERNELS.length];
    const [optimizerName, optimizer] = OPTIMIZERS[seed % OPTIMIZERS.length];
    const batch = [3, 1, 2][seed % 3];
    it(`frozen layers, regularizers, Dropout: seed ${seed}, ${optimizerName}, batch ${batch}, ${kernelName} convs`, () =>
      train(seed, { size: 6 + (seed % 11), classes: CLASSES, frozen: 0.3, regularizers: 0.3 }, optimizer, kernels, batch));
  }
});
