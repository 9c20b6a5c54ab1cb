// Random classifiers trained on WebGPU against the float64 reference trainer, two steps from the same
// weights on the same batches: the backward pass, the buffers it shares with the forward and the
// gradients that meet where a tensor is read twice, in graphs nobody wrote (src/testing/random-graph.ts).
// SGD only: with Adam or RMSprop a weight whose gradient is zero by construction (the bias of a layer
// that feeds a BatchNormalization in training, or a BN feeding another) moves by ±learning rate on
// float rounding noise, in Keras as here, so two correct engines would disagree; the optimizers have
// their own tests (gpu-trainer.gpu.test.ts).
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../graph/analyze.ts';
import { Engine } from '../runtime/engine.ts';
import { materializeWeights } from '../runtime/reference.ts';
import { tensor } from '../tensor.ts';
import { randomInput } from '../testing/compare.ts';
import { mismatches, scaledToPeak } from '../testing/expect-close.ts';
import { testGpu } from '../testing/gpu.ts';
import { seededRandom } from '../testing/mutate-graph.ts';
import { randomGraph } from '../testing/random-graph.ts';
import { lossConfig, OPTIMIZER_DEFAULTS, type CompileConfig } from './config.ts';
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
const OPTIMIZERS = [
  { ...OPTIMIZER_DEFAULTS.sgd, learningRate: 0.1 },
  { ...OPTIMIZER_DEFAULTS.sgd, learningRate: 0.1, momentum: 0.9, nesterov: true },
];
const GRAPHS = 16, BATCH = 3, CLASSES = 3, STEPS = 2;

describe.skipIf(!engine)('random classifiers trained on WebGPU = the reference trainer', () => {
  for (let seed = 1; seed <= GRAPHS; seed++) {
    const [kernelName, kernels] = KERNELS[seed % KERNELS.length];
    it(`seed ${seed}, ${kernelName} convs`, async () => {
      const graph = randomGraph(seededRandom(seed), { size: 6 + (seed % 11), classes: CLASSES });
      const report = analyzeGraph(graph);
      expect(report.problems).toEqual([]);
      const compile: CompileConfig = { optimizer: OPTIMIZERS[seed % 2], loss: lossConfig('sparse_categorical_crossentropy'), metrics: ['accuracy'] };
      const initial = materializeWeights(report, 3);
      const reference = new ReferenceTrainer(report, initial, compile, { seed: 5 });
      const trainer = GpuTrainer.create(engine!, report, initial, { batch: BATCH, compile, seed: 5, kernels });
      const shown = `\n${JSON.stringify(graph)}`;
      try {
        const inputShape = report.nodes.find((r) => r.op === 'Input')!.shape!;
        for (let step = 0; step < STEPS; step++) {
          const x = randomInput([BATCH, ...inputShape], `x${step}`);
          const y = tensor([BATCH], Array.from({ length: BATCH }, (_, i) => (i + step + seed) % CLASSES));
          const want = reference.trainStep(x, y.data, step);
          const got = (await trainer.step(x, y))!;
          expect(Math.abs(got.loss - want.loss), `step ${step}: loss ${got.loss}, reference ${want.loss}${shown}`).toBeLessThanOrEqual(1e-5 + 1e-4 * Math.abs(want.loss));
        }
        const gotWeights = await trainer.weights();
        for (const [id, named] of reference.weights())
          for (const [name, w] of Object.entries(named)) {
            const bad = mismatches(gotWeights.get(id)![name].data, w.data, scaledToPeak(w.data, { atol: 2e-5, rtol: 1e-3 }));
            expect(bad, `${id}/${name} after ${STEPS} steps${shown}\n${bad.join('\n')}`).toEqual([]);
          }
      } finally {
        trainer.destroy();
      }
    });
  }
});
