// The WebGPU training step against the float64 CPU reference trainer (itself checked against TF.js
// Layers' trainOnBatch in tfjs-layers.test.ts, and against finite differences): the same graph from
// the same initial weights on the same batches, step by step — each step's loss and accuracy, then
// every weight, BatchNormalization's moving statistics included, after the steps. Every optimizer and
// loss, a net holding each trainable op family, a residual block, an Inception module, a DenseNet
// block, the Fashion-MNIST example with its Dropout and a net behind the augmentation ops; with the engine's conv kernels, and the nets
// with convs again with each other conv-kernel choice (gemm, direct with and without subgroups, naive).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../graph/analyze.ts';
import type { GraphFile } from '../graph/types.ts';
import { OpError } from '../ops/op.ts';
import { Engine } from '../runtime/engine.ts';
import { materializeWeights } from '../runtime/reference.ts';
import { tensor, type Tensor } from '../tensor.ts';
import { randomInput } from '../testing/compare.ts';
import { RANDOM_BIAS, residualBlock, STATISTICS, trainGraph } from '../testing/train-graphs.ts';
import { testGpu } from '../testing/gpu.ts';
import { mismatches } from '../testing/expect-close.ts';
import { uniforms } from '../weights/random.ts';
import { BACKWARD } from './backward/index.ts';
import type { BackwardLowering } from './backward/context.ts';
import { lossConfig, OPTIMIZER_DEFAULTS, type CompileConfig, type LossName, type OptimizerConfig } from './config.ts';
import { GpuTrainer, type GpuTrainerOptions } from './gpu-trainer.ts';
import { ReferenceTrainer } from './reference-trainer.ts';

const gpu = await testGpu();
const engine = gpu ? await Engine.create(async () => gpu) : null;

const bias = RANDOM_BIAS;
const graph = trainGraph;

interface Model {
  name: string;
  graph: GraphFile;
  loss: LossName;
  fromLogits?: boolean;
  batch: number;
}

const MODELS: Model[] = [
  {
    name: 'every trainable op family: Conv2D (strided, grouped), DepthwiseConv2D, BatchNormalization, pools, merges, Concatenate, padding, Dropout, regularizers',
    loss: 'categorical_crossentropy', batch: 3,
    graph: graph([
      { id: 'x', op: 'Input', attrs: { shape: [8, 8, 4] } },
      { id: 'pad', op: 'ZeroPadding2D', inputs: ['x'], attrs: { padding: 1 } },
      { id: 'c1', op: 'Conv2D', inputs: ['pad'], attrs: { filters: 8, kernel_size: 3, strides: 1, groups: 2, use_bias: false, kernel_regularizer: { l2: 0.01 } } },
      { id: 'bn', op: 'BatchNormalization', inputs: ['c1'], attrs: STATISTICS },
      { id: 'act', op: 'Activation', inputs: ['bn'], attrs: { activation: 'elu' } },
      { id: 'dw', op: 'DepthwiseConv2D', inputs: ['act'], attrs: { kernel_size: 3, padding: 'same', activation: 'tanh', bias_initializer: bias } },
      { id: 'mul', op: 'Multiply', inputs: ['dw', 'act'] },
      { id: 'max', op: 'Maximum', inputs: ['mul', 'act'] },
      { id: 'sub', op: 'Subtract', inputs: ['max', 'dw'] },
      { id: 'avgp', op: 'AveragePool2D', inputs: ['sub'], attrs: { pool_size: 3, strides: 2, padding: 'same' } },
      { id: 'maxp', op: 'MaxPool2D', inputs: ['act'], attrs: { pool_size: 2 } },
      { id: 'cat', op: 'Concatenate', inputs: ['avgp', 'maxp'] },
      { id: 'crop', op: 'Cropping2D', inputs: ['cat'], attrs: { cropping: [[1, 0], [0, 1]] } },
      { id: 'c2', op: 'Conv2D', inputs: ['crop'], attrs: { filters: 6, kernel_size: 2, strides: 2, activation: 'swish', bias_initializer: bias, bias_regularizer: { l1: 0.01 } } },
      { id: 'gmp', op: 'GlobalMaxPool2D', inputs: ['c2'] },
      { id: 'gap', op: 'GlobalAveragePool2D', inputs: ['cat'] },
      { id: 'both', op: 'Concatenate', inputs: ['gmp', 'gap'] },
      { id: 'drop', op: 'Dropout', inputs: ['both'], attrs: { rate: 0.25 } },
      { id: 'd1', op: 'Dense', inputs: ['drop'], attrs: { units: 8, activation: 'sigmoid', bias_initializer: bias, activity_regularizer: { l2: 0.01 } } },
      { id: 'avg', op: 'Average', inputs: ['d1', 'd1'] },
      { id: 'd2', op: 'Dense', inputs: ['avg'], attrs: { units: 4, activation: 'softmax', bias_initializer: bias } },
    ], 'd2'),
  },
  {
    name: 'a residual block (sparse labels)',
    loss: 'sparse_categorical_crossentropy', batch: 4,
    graph: residualBlock(),
  },
  {
    name: 'an Inception module (logits, from_logits)',
    loss: 'categorical_crossentropy', fromLogits: true, batch: 2,
    graph: graph([
      { id: 'x', op: 'Input', attrs: { shape: [6, 6, 3] } },
      { id: 'b1', op: 'Conv2D', inputs: ['x'], attrs: { filters: 2, kernel_size: 1, activation: 'relu', bias_initializer: bias } },
      { id: 'b3r', op: 'Conv2D', inputs: ['x'], attrs: { filters: 2, kernel_size: 1, activation: 'relu', bias_initializer: bias } },
      { id: 'b3', op: 'Conv2D', inputs: ['b3r'], attrs: { filters: 3, kernel_size: 3, padding: 'same', activation: 'relu', bias_initializer: bias } },
      { id: 'b5', op: 'Conv2D', inputs: ['x'], attrs: { filters: 2, kernel_size: [1, 5], padding: 'same', activation: 'relu', bias_initializer: bias } },
      { id: 'bp', op: 'MaxPool2D', inputs: ['x'], attrs: { pool_size: 3, strides: 1, padding: 'same' } },
      { id: 'bpc', op: 'Conv2D', inputs: ['bp'], attrs: { filters: 2, kernel_size: 1, activation: 'relu', bias_initializer: bias } },
      { id: 'cat', op: 'Concatenate', inputs: ['b1', 'b3', 'b5', 'bpc'] },
      { id: 'flat', op: 'Flatten', inputs: ['cat'] },
      { id: 'logits', op: 'Dense', inputs: ['flat'], attrs: { units: 5, bias_initializer: bias } },
    ], 'logits'),
  },
  {
    name: 'a DenseNet block (binary crossentropy)',
    loss: 'binary_crossentropy', batch: 3,
    graph: graph([
      { id: 'x', op: 'Input', attrs: { shape: [4, 4, 4] } },
      { id: 'bn1', op: 'BatchNormalization', inputs: ['x'], attrs: STATISTICS },
      { id: 'r1', op: 'ReLU', inputs: ['bn1'] },
      { id: 'c1', op: 'Conv2D', inputs: ['r1'], attrs: { filters: 2, kernel_size: 3, padding: 'same', use_bias: false } },
      { id: 'cat1', op: 'Concatenate', inputs: ['x', 'c1'] },
      { id: 'bn2', op: 'BatchNormalization', inputs: ['cat1'], attrs: STATISTICS },
      { id: 'r2', op: 'ReLU', inputs: ['bn2'] },
      { id: 'c2', op: 'Conv2D', inputs: ['r2'], attrs: { filters: 2, kernel_size: 3, padding: 'same', use_bias: false } },
      { id: 'cat2', op: 'Concatenate', inputs: ['cat1', 'c2'] },
      { id: 'gap', op: 'GlobalAveragePool2D', inputs: ['cat2'] },
      { id: 'out', op: 'Dense', inputs: ['gap'], attrs: { units: 2, activation: 'sigmoid', bias_initializer: bias } },
    ], 'out'),
  },
  {
    name: 'the other ops: Pad2D, SeparableConv2D, ChannelShuffle, squeeze-excite (a broadcasting Multiply), Normalization, Rescaling, Concatenate on H, Softmax on H, MaxPoolWithArgmax2D, Dot, broadcasting Maximum and Average',
    loss: 'categorical_crossentropy', batch: 2,
    graph: graph([
      { id: 'x', op: 'Input', attrs: { shape: [6, 6, 4] } },
      { id: 'c1', op: 'Conv2D', inputs: ['x'], attrs: { filters: 4, kernel_size: 1, bias_initializer: bias } },
      { id: 'pad', op: 'Pad2D', inputs: ['c1'], attrs: { mode: 'reflect', padding: 1 } },
      { id: 'sep', op: 'SeparableConv2D', inputs: ['pad'], attrs: { filters: 6, kernel_size: 3, depth_multiplier: 2, activation: 'relu', bias_initializer: bias } },
      { id: 'shuf', op: 'ChannelShuffle', inputs: ['sep'], attrs: { groups: 3 } },
      { id: 'gap', op: 'GlobalAveragePool2D', inputs: ['shuf'] },
      { id: 'se', op: 'Dense', inputs: ['gap'], attrs: { units: 6, activation: 'sigmoid', bias_initializer: bias } },
      { id: 'scaled', op: 'Multiply', inputs: ['shuf', 'se'] },
      { id: 'norm', op: 'Normalization', inputs: ['scaled'], attrs: { mean: [0.1, 0, -0.1, 0.2, 0, 0], variance: [0.5, 1, 2, 0.25, 1, 4] } },
      { id: 'resc', op: 'Rescaling', inputs: ['scaled'], attrs: { scale: 0.5, offset: 0.1 } },
      { id: 'catH', op: 'Concatenate', inputs: ['norm', 'resc'], attrs: { axis: 1 } },
      { id: 'smax', op: 'Softmax', inputs: ['catH'], attrs: { axis: 1 } },
      { id: 'mp', op: 'MaxPoolWithArgmax2D', inputs: ['smax'], attrs: { pool_size: 2, output: 'values' } },
      { id: 'flat', op: 'Flatten', inputs: ['mp'] },
      { id: 'd1', op: 'Dense', inputs: ['flat'], attrs: { units: 8, activation: 'tanh', bias_initializer: bias } },
      { id: 'd2', op: 'Dense', inputs: ['flat'], attrs: { units: 8, bias_initializer: bias } },
      { id: 'cos', op: 'Dot', inputs: ['d1', 'd2'], attrs: { axes: 1, normalize: true } },
      { id: 'gated', op: 'Multiply', inputs: ['d2', 'cos'] },
      { id: 'mx', op: 'Maximum', inputs: ['gated', 'd1'] },
      { id: 'avg', op: 'Average', inputs: ['mx', 'cos'] },
      { id: 'out', op: 'Dense', inputs: ['avg'], attrs: { units: 3, activation: 'softmax', bias_initializer: bias } },
    ], 'out'),
  },
  {
    name: 'an MLP with BatchNormalization on features (mean squared error)',
    loss: 'mean_squared_error', batch: 5,
    graph: graph([
      { id: 'x', op: 'Input', attrs: { shape: [6] } },
      { id: 'h', op: 'Dense', inputs: ['x'], attrs: { units: 7, use_bias: false } },
      { id: 'bn', op: 'BatchNormalization', inputs: ['h'], attrs: { ...STATISTICS, momentum: 0.5 } },
      { id: 'act', op: 'LeakyReLU', inputs: ['bn'] },
      { id: 'y', op: 'Dense', inputs: ['act'], attrs: { units: 2, bias_initializer: bias } },
    ], 'y'),
  },
];

const OPTIMIZERS: { name: string; config: OptimizerConfig }[] = [
  { name: 'SGD', config: { ...OPTIMIZER_DEFAULTS.sgd, learningRate: 0.1 } },
  { name: 'SGD Nesterov momentum 0.9', config: { ...OPTIMIZER_DEFAULTS.sgd, learningRate: 0.1, momentum: 0.9, nesterov: true } },
  { name: 'Adam', config: { ...OPTIMIZER_DEFAULTS.adam, learningRate: 0.01 } },
  { name: 'RMSprop centered, momentum 0.5', config: { ...OPTIMIZER_DEFAULTS.rmsprop, learningRate: 0.01, momentum: 0.5, centered: true } },
];

const STEPS = 3;

function labels(model: Model, outShape: readonly number[], step: number): Tensor {
  const B = model.batch;
  const K = outShape.at(-1)!;
  const u = uniforms(B * K, 40 + step, 'labels');
  if (model.loss === 'sparse_categorical_crossentropy') return tensor([B], Array.from({ length: B }, (_, i) => Math.floor(u[i] * K)));
  if (model.loss === 'mean_squared_error') return tensor([B, ...outShape], Array.from(u, (v) => 2 * v - 1));
  if (model.loss === 'binary_crossentropy') return tensor([B, ...outShape], Array.from(u, (v) => (v < 0.5 ? 0 : 1)));
  return tensor([B, ...outShape], Array.from({ length: B * K }, (_, i) => (Math.floor(u[Math.floor(i / K)] * K) === i % K ? 1 : 0)));
}

async function compare(model: Model, optimizer: OptimizerConfig, steps = STEPS, kernels?: GpuTrainerOptions['kernels']): Promise<void> {
  const report = analyzeGraph(model.graph);
  expect(report.problems).toEqual([]);
  const initial = materializeWeights(report, 3);
  const compile: CompileConfig = { optimizer, loss: lossConfig(model.loss, !!model.fromLogits), metrics: ['accuracy'] };
  const reference = new ReferenceTrainer(report, initial, compile, { seed: 5 });
  const trainer = GpuTrainer.create(engine!, report, initial, { batch: model.batch, compile, seed: 5, kernels });
  const input = report.nodes.find((r) => r.op === 'Input')!;
  const outShape = report.byId.get(report.outputs[0])!.shape!;
  try {
    for (let step = 0; step < steps; step++) {
      const x = randomInput([model.batch, ...input.shape!], `x${step}`);
      const y = labels(model, outShape, step);
      const want = reference.trainStep(x, model.loss === 'sparse_categorical_crossentropy' ? y.data : y, step);
      const got = (await trainer.step(x, y))!;
      expect(Math.abs(got.loss - want.loss), `step ${step}: loss ${got.loss}, reference ${want.loss}`).toBeLessThanOrEqual(1e-5 + 1e-4 * Math.abs(want.loss));
      expect(Math.abs(got.regularization - want.regularization), `step ${step}: regularization`).toBeLessThanOrEqual(1e-6 + 1e-4 * Math.abs(want.regularization));
      expect(got.accuracy, `step ${step}: accuracy`).toBeCloseTo(want.accuracy!, 6);
    }
    const gotWeights = await trainer.weights();
    for (const [id, named] of reference.weights())
      for (const [name, w] of Object.entries(named)) {
        const g = gotWeights.get(id)![name];
        // float32 sums of the steps against float64: relative to the weight's scale
        const peak = w.data.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
        const bad = mismatches(g.data, w.data, { atol: 2e-5 * Math.max(1, peak), rtol: 1e-3 });
        expect(bad, `${id}/${name} after ${steps} steps\n${bad.join('\n')}`).toEqual([]);
      }
  } finally {
    trainer.destroy();
  }
}

describe.skipIf(!engine)('GPU training step = reference trainer, step by step', () => {
  for (const model of MODELS)
    describe(model.name, () => {
      for (const optimizer of OPTIMIZERS) it(optimizer.name, () => compare(model, optimizer.config));
    });

  const fashion = (): Model => ({
    name: 'fashion-cnn', loss: 'sparse_categorical_crossentropy', batch: 2,
    graph: JSON.parse(readFileSync(new URL('../../examples/fashion-cnn.json', import.meta.url), 'utf8')) as GraphFile,
  });
  it('examples/fashion-cnn.json on Fashion-MNIST-shaped data, Adam, with its Dropout', () => compare(fashion(), { ...OPTIMIZER_DEFAULTS.adam }, 2));

  it('augmentation after the input (RandomFlip, RandomTranslation, RandomCrop: each step its own transforms), Adam', () =>
    compare({
      name: 'augmented', loss: 'categorical_crossentropy', batch: 4,
      graph: graph([
        { id: 'x', op: 'Input', attrs: { shape: [8, 8, 2] } },
        { id: 'flip', op: 'RandomFlip', inputs: ['x'], attrs: { mode: 'horizontal' } },
        { id: 'shift', op: 'RandomTranslation', inputs: ['flip'], attrs: { height_factor: 0.2, width_factor: 0.2 } },
        { id: 'crop', op: 'RandomCrop', inputs: ['shift'], attrs: { height: 6, width: 6 } },
        { id: 'c1', op: 'Conv2D', inputs: ['crop'], attrs: { filters: 4, kernel_size: 3, activation: 'relu', bias_initializer: bias } },
        { id: 'gap', op: 'GlobalAveragePool2D', inputs: ['c1'] },
        { id: 'out', op: 'Dense', inputs: ['gap'], attrs: { units: 3, activation: 'softmax', bias_initializer: bias } },
      ], 'out'),
    }, { ...OPTIMIZER_DEFAULTS.adam, learningRate: 0.01 }, 4));

  describe('with each conv-kernel choice (Adam)', () => {
    const choices: { name: string; kernels: NonNullable<GpuTrainerOptions['kernels']> }[] = [
      { name: 'gemm', kernels: { convKernel: 'gemm' } },
      { name: 'gemm64', kernels: { convKernel: 'gemm64' } },
      { name: 'direct', kernels: { convKernel: 'direct', subgroups: !!gpu?.features.subgroups } },
      { name: 'direct without subgroups', kernels: { convKernel: 'direct', subgroups: false } },
      { name: 'naive', kernels: { convKernel: 'naive' } },
    ];
    for (const { name, kernels } of choices)
      describe(name, () => {
        for (const model of [MODELS[0], MODELS[1], MODELS[2]]) it(model.name, () => compare(model, OPTIMIZERS[2].config, 2, kernels));
        it('fashion-cnn', () => compare(fashion(), { ...OPTIMIZER_DEFAULTS.adam }, 2, kernels));
      });
  });

  it('a frozen backbone (trainable: false) keeps its weights; BatchNormalization there runs in inference mode', async () => {
    const model = MODELS[1];
    const frozen = { ...model.graph, nodes: model.graph.nodes.map((n) => (['stem', 'c1', 'bn1'].includes(n.id) ? { ...n, attrs: { ...n.attrs, trainable: false } } : n)) };
    await compare({ ...model, graph: frozen }, OPTIMIZERS[2].config);
  });

  it('model.losses as Keras 3 takes them: a frozen layer\'s activity regularizer with nothing learning before it counts; a branch the output does not read adds nothing', async () => {
    // Found by the random classifiers (src/train/random-graphs.gpu.test.ts): the GPU left the frozen layer's activity penalty out and counted the branch's penalties.
    await compare({
      name: 'penalties', loss: 'categorical_crossentropy', batch: 2,
      graph: graph([
        { id: 'x', op: 'Input', attrs: { shape: [4, 4, 2] } },
        { id: 'frozen', op: 'Conv2D', inputs: ['x'], attrs: { filters: 3, kernel_size: 3, activation: 'relu', bias_initializer: bias, trainable: false, kernel_regularizer: 'l2', activity_regularizer: { l1: 0.01, l2: 0.02 } } },
        { id: 'flat', op: 'Flatten', inputs: ['frozen'] },
        { id: 'out', op: 'Dense', inputs: ['flat'], attrs: { units: 3, activation: 'softmax', bias_initializer: bias } },
        { id: 'aside', op: 'Dense', inputs: ['flat'], attrs: { units: 2, bias_initializer: bias, kernel_regularizer: { l2: 0.5 }, activity_regularizer: { l2: 0.5 } } },
      ], 'out'),
    }, OPTIMIZERS[0].config);
  });

  it('a LayerNormalization right after the input, scale off: its beta learns, its input takes no gradient (no dx to write)', async () => {
    // Found by the random classifiers: the unused dx and gamma shared one dummy buffer, read and written by one dispatch.
    await compare({
      name: 'layer norm on the input', loss: 'sparse_categorical_crossentropy', batch: 2,
      graph: graph([
        { id: 'x', op: 'Input', attrs: { shape: [3, 3, 4] } },
        { id: 'ln', op: 'LayerNormalization', inputs: ['x'], attrs: { scale: false, beta_initializer: STATISTICS.beta_initializer } },
        { id: 'flat', op: 'Flatten', inputs: ['ln'] },
        { id: 'out', op: 'Dense', inputs: ['flat'], attrs: { units: 3, activation: 'softmax', bias_initializer: bias } },
      ], 'out'),
    }, OPTIMIZERS[0].config);
  });

  it('tensors living in a channel Concatenate\'s buffer: activity regularizers on its members, an activation, a Dropout and a merge reading one', async () => {
    await compare({
      name: 'concat members', loss: 'categorical_crossentropy', batch: 2,
      graph: graph([
        { id: 'x', op: 'Input', attrs: { shape: [4, 4, 2] } },
        { id: 'a', op: 'Conv2D', inputs: ['x'], attrs: { filters: 2, kernel_size: 1, bias_initializer: bias, activity_regularizer: { l2: 0.01 } } },
        { id: 'b', op: 'Conv2D', inputs: ['x'], attrs: { filters: 3, kernel_size: 1, activation: 'relu', bias_initializer: bias, activity_regularizer: { l1: 0.01 } } },
        { id: 'cat', op: 'Concatenate', inputs: ['a', 'b'] },
        { id: 'ra', op: 'Activation', inputs: ['a'], attrs: { activation: 'tanh' } },
        { id: 'da', op: 'Dropout', inputs: ['a'], attrs: { rate: 0.25 } },
        { id: 'mul', op: 'Multiply', inputs: ['ra', 'da'] },
        { id: 'gap1', op: 'GlobalAveragePool2D', inputs: ['cat'] },
        { id: 'gap2', op: 'GlobalAveragePool2D', inputs: ['mul'] },
        { id: 'feat', op: 'Concatenate', inputs: ['gap1', 'gap2'] },
        { id: 'out', op: 'Dense', inputs: ['feat'], attrs: { units: 3, activation: 'softmax', bias_initializer: bias } },
      ], 'out'),
    }, OPTIMIZERS[0].config);
  });

  it('steps run without a readback: readLog returns each one\'s metrics, as reading every step does, past the ring\'s wrap', async () => {
    const model = MODELS.find((m) => m.name.startsWith('an MLP'))!;
    const report = analyzeGraph(model.graph);
    const weights = materializeWeights(report, 1);
    const compile: CompileConfig = { optimizer: OPTIMIZER_DEFAULTS.adam, loss: lossConfig(model.loss), metrics: ['accuracy'] };
    const options = { batch: model.batch, compile, seed: 5, metricsLogSteps: 16 };
    const [everyStep, logged] = [GpuTrainer.create(engine!, report, weights, options), GpuTrainer.create(engine!, report, weights, options)];
    const inputShape = report.nodes.find((r) => r.op === 'Input')!.shape!;
    const want: number[][] = [];
    const got: number[][] = [];
    const steps = 45;
    for (let i = 0; i < steps; i++) {
      const x = randomInput([model.batch, ...inputShape], `x${i % 7}`);
      const y = randomInput(everyStep.training.labelShape, `y${i % 7}`);
      const m = (await everyStep.step(x, y))!;
      want.push([m.loss, m.dataLoss, m.regularization, m.accuracy]);
      expect(await logged.step(x, y, { read: false })).toBeNull();
      if (logged.unreadSteps === 15 || i === steps - 1) for (const r of await logged.readLog()) got.push([r.loss, r.dataLoss, r.regularization, r.accuracy]);
    }
    expect(logged.unreadSteps).toBe(0);
    expect(got.length).toBe(steps);
    const bad = mismatches(Float32Array.from(got.flat()), Float32Array.from(want.flat()), { atol: 1e-6, rtol: 1e-5 });
    expect(bad, bad.join('\n')).toEqual([]);
    everyStep.destroy();
    logged.destroy();
  });

  it('refuses, naming the node, an op without a GPU backward — before anything runs', () => {
    // Every op of the registry has one (backward.test.ts): take one away to see the refusal.
    const table = BACKWARD as Record<string, BackwardLowering>;
    const row = table.SeparableConv2D;
    delete table.SeparableConv2D;
    try {
      const report = analyzeGraph(graph([
        { id: 'x', op: 'Input', attrs: { shape: [4, 4, 2] } },
        { id: 'sep', op: 'SeparableConv2D', inputs: ['x'], attrs: { filters: 2, kernel_size: 3 } },
      ], 'sep'));
      const compile: CompileConfig = { optimizer: OPTIMIZER_DEFAULTS.sgd, loss: lossConfig('mean_squared_error'), metrics: [] };
      const create = () => GpuTrainer.create(engine!, report, materializeWeights(report, 1), { batch: 1, compile });
      expect(create).toThrow(OpError);
      expect(create).toThrow(/SeparableConv2D 'sep' cannot be trained on the GPU yet/);
    } finally {
      table.SeparableConv2D = row;
    }
  });
});
