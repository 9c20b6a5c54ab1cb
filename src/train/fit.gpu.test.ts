// fit.ts's evaluate (the engine's inference kernels, batch after batch, the last batch padded)
// against the float64 reference trainer's Keras evaluate over the same samples at once: the data
// loss plus model.losses — weight penalties and activity penalties per sample — and the accuracy.
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../graph/analyze.ts';
import { Engine } from '../runtime/engine.ts';
import { materializeWeights } from '../runtime/reference.ts';
import { tensor } from '../tensor.ts';
import { randomInput } from '../testing/compare.ts';
import { testGpu } from '../testing/gpu.ts';
import { RANDOM_BIAS, STATISTICS, trainGraph } from '../testing/train-graphs.ts';
import { uniforms } from '../weights/random.ts';
import { lossConfig, optimizerConfig, type CompileConfig } from './config.ts';
import { evaluate, fit } from './fit.ts';
import { GpuTrainer } from './gpu-trainer.ts';
import { ReferenceTrainer } from './reference-trainer.ts';

const gpu = await testGpu();
const engine = gpu ? await Engine.create(async () => gpu) : null;

const GRAPH = trainGraph([
  { id: 'x', op: 'Input', attrs: { shape: [6, 6, 2] } },
  { id: 'conv', op: 'Conv2D', inputs: ['x'], attrs: { filters: 4, kernel_size: 3, activation: 'relu', bias_initializer: RANDOM_BIAS, kernel_regularizer: { l2: 0.05 }, activity_regularizer: { l1: 0.02 } } },
  { id: 'bn', op: 'BatchNormalization', inputs: ['conv'], attrs: STATISTICS },
  { id: 'pool', op: 'MaxPool2D', inputs: ['bn'] },
  { id: 'flat', op: 'Flatten', inputs: ['pool'] },
  { id: 'drop', op: 'Dropout', inputs: ['flat'], attrs: { rate: 0.5 } },
  { id: 'classes', op: 'Dense', inputs: ['drop'], attrs: { units: 3, activation: 'softmax', bias_regularizer: { l1: 0.1 }, activity_regularizer: { l2: 0.3 } } },
  // Not read by the output, so not part of the model: its penalty is no loss.
  { id: 'aside', op: 'Dense', inputs: ['flat'], attrs: { units: 2, activity_regularizer: { l2: 0.5 } } },
], 'classes');

describe.skipIf(!engine)('fit.ts evaluate', () => {
  it('equals Keras\' evaluate of the reference trainer: data loss + weight and activity penalties of the nodes the output reads, accuracy (7 samples, batches of 3)', async () => {
    const report = analyzeGraph(GRAPH);
    expect(report.problems).toEqual([]);
    const weights = materializeWeights(report, 3);
    const x = randomInput([7, 6, 6, 2], 'x');
    const y = tensor([7], Array.from(uniforms(7, 5, 'labels'), (u) => Math.floor(u * 3)));
    const compile: CompileConfig = { optimizer: optimizerConfig('sgd'), loss: lossConfig('sparse_categorical_crossentropy'), metrics: ['accuracy'] };
    const want = new ReferenceTrainer(report, weights, compile).evaluate({ x }, y.data);
    expect(want.regularization).toBeGreaterThan(0.05);
    const got = await evaluate(engine!, report, weights, { x, y }, compile, 3);
    expect(got.loss).toBeCloseTo(want.loss, 4);
    expect(got.accuracy).toBe(want.accuracy);
  });

  it('Stop: mid-epoch it ends the run unvalidated; in an epoch\'s last batch that epoch is whole, and the run stopped only if epochs were left', async () => {
    const report = analyzeGraph(GRAPH);
    const compile: CompileConfig = { optimizer: optimizerConfig('sgd'), loss: lossConfig('sparse_categorical_crossentropy'), metrics: ['accuracy'] };
    // 8 samples, 2 for validation: 6 to train in 2 batches of 3 per epoch
    const x = randomInput([8, 6, 6, 2], 'x');
    const y = tensor([8], Array.from(uniforms(8, 5, 'labels'), (u) => Math.floor(u * 3)));
    const run = async (epochs: number, stopAtStep: number) => {
      const trainer = GpuTrainer.create(engine!, report, materializeWeights(report, 3), { batch: 3, compile, seed: 1 });
      let steps = 0;
      try {
        return await fit(engine!, report, trainer, { x, y }, compile, { batchSize: 3, epochs, validationSplit: 0.25, shuffle: false, seed: 1 }, {
          shouldStop: () => ++steps === stopAtStep,
        });
      } finally {
        trainer.destroy();
      }
    };
    const summary = (h: Awaited<ReturnType<typeof run>>) => ({ stopped: h.stopped, epochs: h.epochs.map((e) => [e.samples, e.valLoss !== undefined]) });
    expect(summary(await run(2, 1))).toEqual({ stopped: true, epochs: [[3, false]] });
    expect(summary(await run(2, 2))).toEqual({ stopped: true, epochs: [[6, true]] });
    expect(summary(await run(2, 4))).toEqual({ stopped: false, epochs: [[6, true], [6, true]] });
  });
});
