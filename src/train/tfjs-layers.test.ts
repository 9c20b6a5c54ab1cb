// The reference trainer against Keras' semantics as TF.js Layers 4.22 runs them: the same small models
// (Conv2D + BatchNormalization + ReLU + MaxPool + Dense softmax; a residual block; an Inception-like
// concat; an MLP with BatchNormalization on features), one for each loss, the same initial weights (layer.setWeights), the same optimizer and loss, then a few
// model.trainOnBatch steps on the same batches. Compared: the loss and accuracy of every step, then
// every weight, moving statistics included. TF.js computes in float32, the reference in float64: the
// tolerance (TOLERANCE below) is float32's, a few steps deep.
//
// Where TF.js' semantics differ from Keras 3 the test makes them coincide (src/train/optimizers.ts,
// losses.ts and ops/batch-normalization.ts say more):
// - Adam's ε: TF.js divides by √v̂ + ε, Keras 3 by √v + ε after folding in the bias corrections, which
//   is √v̂ + ε/√(1 − β2^t). TF.js reads its `epsilon` at every step, so the test sets it to
//   ε/√(1 − β2^t) before step t: TF.js then runs Keras 3's rule with Keras' ε = 1e-7.
// - Centered RMSprop's ε: TF.js takes √(v − (ḡ² + ε)), Keras 3 √(v − ḡ² + ε): TF.js is given −ε.
// - A frozen BatchNormalization (TF.js keeps normalising with the batch and updating the statistics;
//   Keras 3 runs it in inference mode) and a frozen layer's weight penalty (TF.js counts it, Keras 3
//   does not): the frozen layer here is a Conv2D without a regularizer; reference-trainer.test.ts
//   checks the Keras 3 rules.
// - from_logits (TF.js clips the softmax, Keras 3 does not) and activity regularizers (TF.js refuses
//   them): not compared here; losses.test.ts and reference-trainer.test.ts check them.
// - Dropout (TF.js draws its own random mask): left out of these models.
import type * as TF from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeGraph } from '../graph/analyze.ts';
import type { GraphFile } from '../graph/types.ts';
import { materializeWeights } from '../runtime/reference.ts';
import { randomInput } from '../testing/compare.ts';
import { RANDOM_BIAS, residualBlock, STATISTICS, trainGraph } from '../testing/train-graphs.ts';
import { tfjsCpu } from '../testing/tfjs-oracle.ts';
import { tensor, type Tensor } from '../tensor.ts';
import { uniforms } from '../weights/random.ts';
import { lossConfig, OPTIMIZER_DEFAULTS, type LossName, type OptimizerConfig } from './config.ts';
import type { Labels } from './losses.ts';
import { ReferenceTrainer } from './reference-trainer.ts';

let tf: typeof TF;
beforeAll(async () => {
  tf = await tfjsCpu();
});

/** |ours − TF.js| ≤ atol + rtol·|TF.js|: float32 arithmetic in TF.js, a few steps of it. */
const TOLERANCE = { loss: { atol: 1e-6, rtol: 1e-4 }, weights: { atol: 1e-5, rtol: 1e-4 } };
const STEPS = 3;
const BATCH = 4;


interface Model {
  name: string;
  graph: GraphFile;
  /** The same model in TF.js Layers, each layer named as its node. */
  build(tf: typeof TF): TF.LayersModel;
  loss: LossName;
  /** TF.js' name for the loss. */
  tfjsLoss: string;
  labels(step: number): { ours: Labels; tfjs: () => TF.Tensor };
}

const graph = trainGraph;
/** gamma and beta away from 1 and 0, so that both show in the gradients. */
const LAYER_NORM = { gamma_initializer: STATISTICS.gamma_initializer, beta_initializer: STATISTICS.beta_initializer };
const bias = RANDOM_BIAS;

function oneHot(step: number, classes: number): number[] {
  return Array.from(uniforms(BATCH, 30 + step, 'labels'), (u) => Math.floor(u * classes)).flatMap((c) => Array.from({ length: classes }, (_, j) => (j === c ? 1 : 0)));
}

const MODELS: Model[] = [
  {
    name: 'Conv2D + BatchNormalization + ReLU + MaxPool + Dense softmax (categorical, kernel l2 and bias l1)',
    graph: graph([
      { id: 'x', op: 'Input', attrs: { shape: [6, 6, 2] } },
      { id: 'conv', op: 'Conv2D', inputs: ['x'], attrs: { filters: 4, kernel_size: 3, padding: 'same', use_bias: false, kernel_regularizer: { l2: 0.01 } } },
      { id: 'bn', op: 'BatchNormalization', inputs: ['conv'], attrs: STATISTICS },
      { id: 'relu', op: 'ReLU', inputs: ['bn'] },
      { id: 'pool', op: 'MaxPool2D', inputs: ['relu'], attrs: { pool_size: 2 } },
      { id: 'flat', op: 'Flatten', inputs: ['pool'] },
      { id: 'dense', op: 'Dense', inputs: ['flat'], attrs: { units: 3, activation: 'softmax', bias_initializer: bias, bias_regularizer: { l1: 0.01 } } },
    ], 'dense'),
    build(tf) {
      const x = tf.input({ shape: [6, 6, 2] });
      let h = tf.layers.conv2d({ name: 'conv', filters: 4, kernelSize: 3, padding: 'same', useBias: false, kernelRegularizer: tf.regularizers.l2({ l2: 0.01 }) }).apply(x) as TF.SymbolicTensor;
      h = tf.layers.batchNormalization({ name: 'bn' }).apply(h) as TF.SymbolicTensor;
      h = tf.layers.reLU({ name: 'relu' }).apply(h) as TF.SymbolicTensor;
      h = tf.layers.maxPooling2d({ name: 'pool', poolSize: 2 }).apply(h) as TF.SymbolicTensor;
      h = tf.layers.flatten({ name: 'flat' }).apply(h) as TF.SymbolicTensor;
      const y = tf.layers.dense({ name: 'dense', units: 3, activation: 'softmax', biasRegularizer: tf.regularizers.l1({ l1: 0.01 }) }).apply(h) as TF.SymbolicTensor;
      return tf.model({ inputs: x, outputs: y });
    },
    loss: 'categorical_crossentropy',
    tfjsLoss: 'categoricalCrossentropy',
    labels: (step) => {
      const t = tensor([BATCH, 3], oneHot(step, 3));
      return { ours: t, tfjs: () => tf.tensor(t.data, t.shape) };
    },
  },
  {
    name: 'a residual block: stem, two Conv2D + BatchNormalization, Add, ReLU, GAP, Dense softmax (sparse)',
    graph: residualBlock(),
    build(tf) {
      const x = tf.input({ shape: [5, 5, 3] });
      const conv = (name: string, h: TF.SymbolicTensor, extra: object = {}) =>
        tf.layers.conv2d({ name, filters: 4, kernelSize: 3, padding: 'same', useBias: false, ...extra }).apply(h) as TF.SymbolicTensor;
      const stem = conv('stem', x, { useBias: true, activation: 'relu' });
      let h = conv('c1', stem);
      h = tf.layers.batchNormalization({ name: 'bn1' }).apply(h) as TF.SymbolicTensor;
      h = tf.layers.reLU({ name: 'r1' }).apply(h) as TF.SymbolicTensor;
      h = conv('c2', h);
      h = tf.layers.batchNormalization({ name: 'bn2' }).apply(h) as TF.SymbolicTensor;
      h = tf.layers.add({ name: 'add' }).apply([h, stem]) as TF.SymbolicTensor;
      h = tf.layers.reLU({ name: 'r2' }).apply(h) as TF.SymbolicTensor;
      h = tf.layers.globalAveragePooling2d({ name: 'gap' }).apply(h) as TF.SymbolicTensor;
      const y = tf.layers.dense({ name: 'dense', units: 3, activation: 'softmax' }).apply(h) as TF.SymbolicTensor;
      return tf.model({ inputs: x, outputs: y });
    },
    loss: 'sparse_categorical_crossentropy',
    tfjsLoss: 'sparseCategoricalCrossentropy',
    labels: (step) => {
      const classes = Array.from(uniforms(BATCH, 40 + step, 'labels'), (u) => Math.floor(u * 3));
      return { ours: classes, tfjs: () => tf.tensor(classes, [BATCH, 1]) };
    },
  },
  {
    name: 'Inception-like: 1×1, 3×3 and pool → 1×1 branches, Concatenate, BatchNormalization, GAP, Dense sigmoid (binary)',
    graph: graph([
      { id: 'x', op: 'Input', attrs: { shape: [5, 5, 3] } },
      { id: 'b1', op: 'Conv2D', inputs: ['x'], attrs: { filters: 3, kernel_size: 1, activation: 'relu', bias_initializer: bias } },
      { id: 'b2', op: 'Conv2D', inputs: ['x'], attrs: { filters: 2, kernel_size: 3, padding: 'same', activation: 'relu', bias_initializer: bias, kernel_regularizer: { l1: 0.005, l2: 0.005 } } },
      { id: 'b3', op: 'MaxPool2D', inputs: ['x'], attrs: { pool_size: 3, strides: 1, padding: 'same' } },
      // relu: a bias right before a BatchNormalization has a zero gradient (the batch mean takes it
      // away), which Adam and RMSprop would blow up from float32 noise into whole steps
      { id: 'b3p', op: 'Conv2D', inputs: ['b3'], attrs: { filters: 2, kernel_size: 1, activation: 'relu', bias_initializer: bias } },
      { id: 'cat', op: 'Concatenate', inputs: ['b1', 'b2', 'b3p'] },
      // momentum 0.5: the moving variance moves far enough that an unbiased (n/(n − 1)) batch variance would show
      { id: 'bn', op: 'BatchNormalization', inputs: ['cat'], attrs: { ...STATISTICS, momentum: 0.5, epsilon: 0.01 } },
      { id: 'gap', op: 'GlobalAveragePool2D', inputs: ['bn'] },
      { id: 'dense', op: 'Dense', inputs: ['gap'], attrs: { units: 1, activation: 'sigmoid', bias_initializer: bias } },
    ], 'dense'),
    build(tf) {
      const x = tf.input({ shape: [5, 5, 3] });
      const b1 = tf.layers.conv2d({ name: 'b1', filters: 3, kernelSize: 1, activation: 'relu' }).apply(x) as TF.SymbolicTensor;
      const b2 = tf.layers.conv2d({ name: 'b2', filters: 2, kernelSize: 3, padding: 'same', activation: 'relu', kernelRegularizer: tf.regularizers.l1l2({ l1: 0.005, l2: 0.005 }) }).apply(x) as TF.SymbolicTensor;
      const b3 = tf.layers.maxPooling2d({ name: 'b3', poolSize: 3, strides: 1, padding: 'same' }).apply(x) as TF.SymbolicTensor;
      const b3p = tf.layers.conv2d({ name: 'b3p', filters: 2, kernelSize: 1, activation: 'relu' }).apply(b3) as TF.SymbolicTensor;
      let h = tf.layers.concatenate({ name: 'cat' }).apply([b1, b2, b3p]) as TF.SymbolicTensor;
      h = tf.layers.batchNormalization({ name: 'bn', momentum: 0.5, epsilon: 0.01 }).apply(h) as TF.SymbolicTensor;
      h = tf.layers.globalAveragePooling2d({ name: 'gap' }).apply(h) as TF.SymbolicTensor;
      const y = tf.layers.dense({ name: 'dense', units: 1, activation: 'sigmoid' }).apply(h) as TF.SymbolicTensor;
      return tf.model({ inputs: x, outputs: y });
    },
    loss: 'binary_crossentropy',
    tfjsLoss: 'binaryCrossentropy',
    labels: (step) => {
      const t = tensor([BATCH, 1], Array.from(uniforms(BATCH, 50 + step, 'labels'), (u) => (u < 0.5 ? 0 : 1)));
      return { ours: t, tfjs: () => tf.tensor(t.data, t.shape) };
    },
  },
  {
    // TF.js 4.22 cannot train a LayerNormalization with center false (its gradient list has a hole for the
    // missing beta: a TypeError in tape.ts); center false is checked against finite differences instead.
    name: 'a ConvNeXt-like block: patchify conv, LayerNormalization, depthwise conv, LayerNormalization, Dense gelu, Dense, Add, GAP, LayerNormalization, Dense softmax (sparse)',
    graph: graph([
      { id: 'x', op: 'Input', attrs: { shape: [6, 6, 3] } },
      { id: 'stem', op: 'Conv2D', inputs: ['x'], attrs: { filters: 4, kernel_size: 2, strides: 2, bias_initializer: bias } },
      { id: 'ln1', op: 'LayerNormalization', inputs: ['stem'], attrs: { ...LAYER_NORM, epsilon: 1e-6 } },
      { id: 'dw', op: 'DepthwiseConv2D', inputs: ['ln1'], attrs: { kernel_size: 3, padding: 'same', bias_initializer: bias } },
      { id: 'ln2', op: 'LayerNormalization', inputs: ['dw'], attrs: { ...LAYER_NORM, gamma_regularizer: { l2: 0.01 } } },
      { id: 'up', op: 'Dense', inputs: ['ln2'], attrs: { units: 8, activation: 'gelu', bias_initializer: bias } },
      { id: 'down', op: 'Dense', inputs: ['up'], attrs: { units: 4, bias_initializer: bias } },
      { id: 'add', op: 'Add', inputs: ['down', 'ln1'] },
      { id: 'gap', op: 'GlobalAveragePool2D', inputs: ['add'] },
      { id: 'ln3', op: 'LayerNormalization', inputs: ['gap'], attrs: LAYER_NORM },
      { id: 'dense', op: 'Dense', inputs: ['ln3'], attrs: { units: 3, activation: 'softmax', bias_initializer: bias } },
    ], 'dense'),
    build(tf) {
      const x = tf.input({ shape: [6, 6, 3] });
      const apply = (layer: TF.layers.Layer, h: TF.SymbolicTensor | TF.SymbolicTensor[]) => layer.apply(h) as TF.SymbolicTensor;
      const stem = apply(tf.layers.conv2d({ name: 'stem', filters: 4, kernelSize: 2, strides: 2 }), x);
      const ln1 = apply(tf.layers.layerNormalization({ name: 'ln1', epsilon: 1e-6 }), stem);
      let h = apply(tf.layers.depthwiseConv2d({ name: 'dw', kernelSize: 3, padding: 'same' }), ln1);
      h = apply(tf.layers.layerNormalization({ name: 'ln2', gammaRegularizer: tf.regularizers.l2({ l2: 0.01 }) }), h);
      h = apply(tf.layers.dense({ name: 'up', units: 8, activation: 'gelu' }), h);
      h = apply(tf.layers.dense({ name: 'down', units: 4 }), h);
      h = apply(tf.layers.add({ name: 'add' }), [h, ln1]);
      h = apply(tf.layers.globalAveragePooling2d({ name: 'gap' }), h);
      h = apply(tf.layers.layerNormalization({ name: 'ln3' }), h);
      return tf.model({ inputs: x, outputs: apply(tf.layers.dense({ name: 'dense', units: 3, activation: 'softmax' }), h) });
    },
    loss: 'sparse_categorical_crossentropy',
    tfjsLoss: 'sparseCategoricalCrossentropy',
    labels: (step) => {
      const classes = Array.from(uniforms(BATCH, 70 + step, 'labels'), (u) => Math.floor(u * 3));
      return { ours: classes, tfjs: () => tf.tensor(classes, [BATCH, 1]) };
    },
  },
  {
    name: 'Flatten, Dense + BatchNormalization on features, Dense linear (mean squared error, kernel l1l2)',
    graph: graph([
      { id: 'x', op: 'Input', attrs: { shape: [3, 3, 2] } },
      { id: 'flat', op: 'Flatten', inputs: ['x'] },
      { id: 'hidden', op: 'Dense', inputs: ['flat'], attrs: { units: 5, activation: 'tanh', bias_initializer: bias, kernel_regularizer: { l1: 0.01, l2: 0.01 } } },
      { id: 'bn', op: 'BatchNormalization', inputs: ['hidden'], attrs: STATISTICS },
      { id: 'dense', op: 'Dense', inputs: ['bn'], attrs: { units: 2, bias_initializer: bias } },
    ], 'dense'),
    build(tf) {
      const x = tf.input({ shape: [3, 3, 2] });
      let h = tf.layers.flatten({ name: 'flat' }).apply(x) as TF.SymbolicTensor;
      h = tf.layers.dense({ name: 'hidden', units: 5, activation: 'tanh', kernelRegularizer: tf.regularizers.l1l2({ l1: 0.01, l2: 0.01 }) }).apply(h) as TF.SymbolicTensor;
      h = tf.layers.batchNormalization({ name: 'bn' }).apply(h) as TF.SymbolicTensor;
      const y = tf.layers.dense({ name: 'dense', units: 2 }).apply(h) as TF.SymbolicTensor;
      return tf.model({ inputs: x, outputs: y });
    },
    loss: 'mean_squared_error',
    tfjsLoss: 'meanSquaredError',
    labels: (step) => {
      const t = tensor([BATCH, 2], Array.from(uniforms(2 * BATCH, 60 + step, 'labels'), (u) => 2 * u - 1));
      return { ours: t, tfjs: () => tf.tensor(t.data, t.shape) };
    },
  },
];

/** Each optimizer in Keras 3's terms and its TF.js twin, set up to run the same rule (the module comment). */
const OPTIMIZERS: { name: string; config: OptimizerConfig; tfjs: (tf: typeof TF) => TF.Optimizer; beforeStep?: (optimizer: TF.Optimizer, t: number) => void }[] = [
  { name: 'SGD', config: { ...OPTIMIZER_DEFAULTS.sgd, learningRate: 0.1 }, tfjs: (tf) => tf.train.sgd(0.1) },
  { name: 'SGD momentum 0.9', config: { ...OPTIMIZER_DEFAULTS.sgd, learningRate: 0.1, momentum: 0.9 }, tfjs: (tf) => tf.train.momentum(0.1, 0.9) },
  { name: 'SGD Nesterov momentum 0.9', config: { ...OPTIMIZER_DEFAULTS.sgd, learningRate: 0.1, momentum: 0.9, nesterov: true }, tfjs: (tf) => tf.train.momentum(0.1, 0.9, true) },
  {
    name: 'Adam', config: { ...OPTIMIZER_DEFAULTS.adam, learningRate: 0.01 }, tfjs: (tf) => tf.train.adam(0.01, 0.9, 0.999, 1e-7),
    beforeStep: (optimizer, t) => void ((optimizer as unknown as { epsilon: number }).epsilon = 1e-7 / Math.sqrt(1 - 0.999 ** t)),
  },
  { name: 'RMSprop', config: { ...OPTIMIZER_DEFAULTS.rmsprop, learningRate: 0.01 }, tfjs: (tf) => tf.train.rmsprop(0.01, 0.9, 0, 1e-7) },
  {
    name: 'RMSprop centered, momentum 0.5', config: { ...OPTIMIZER_DEFAULTS.rmsprop, learningRate: 0.01, momentum: 0.5, centered: true },
    tfjs: (tf) => tf.train.rmsprop(0.01, 0.9, 0.5, -1e-7, true),
  },
];

interface Measured {
  /** Worst |ours − TF.js| / (atol + rtol·|TF.js|) of the losses and of the weights. */
  loss: number;
  weights: number;
  /** Worst relative error of a loss, worst absolute error of a weight. */
  lossRelative: number;
  weightAbsolute: number;
}

/** What each check measured, printed with TRAIN_ORACLE_LOG=1. */
const worst: Record<string, Measured> = {};

function ratio(ours: number, theirs: number, tol: { atol: number; rtol: number }): number {
  return Math.abs(ours - theirs) / (tol.atol + tol.rtol * Math.abs(theirs));
}

async function compare(model: Model, optimizer: (typeof OPTIMIZERS)[number], frozen: string[] = []): Promise<Measured> {
  const g: GraphFile = { ...model.graph, nodes: model.graph.nodes.map((n) => (frozen.includes(n.id) ? { ...n, attrs: { ...n.attrs, trainable: false } } : n)) };
  const report = analyzeGraph(g);
  expect(report.problems).toEqual([]);
  const initial = materializeWeights(report, 3);
  const trainer = new ReferenceTrainer(report, initial, { optimizer: optimizer.config, loss: lossConfig(model.loss), metrics: ['accuracy'] });

  const theirs = model.build(tf);
  for (const node of report.nodes) {
    if (!node.weights.length) continue;
    const layer = theirs.getLayer(node.id);
    layer.setWeights(node.weights.map((spec) => tf.tensor(initial.get(node.id)![spec.name].data, spec.shape)));
    if (frozen.includes(node.id)) layer.trainable = false;
  }
  const tfjsOptimizer = optimizer.tfjs(tf);
  theirs.compile({ optimizer: tfjsOptimizer, loss: model.tfjsLoss, metrics: ['accuracy'] });

  const seen: Measured = { loss: 0, weights: 0, lossRelative: 0, weightAbsolute: 0 };
  const inputShape = report.byId.get('x')!.shape!;
  for (let step = 0; step < STEPS; step++) {
    const x: Tensor = randomInput([BATCH, ...inputShape], `x${step}`);
    const labels = model.labels(step);
    const ours = trainer.trainStep(x, labels.ours, step);
    const xt = tf.tensor(x.data, x.shape), yt = labels.tfjs();
    optimizer.beforeStep?.(tfjsOptimizer, step + 1);
    const [loss, acc] = (await theirs.trainOnBatch(xt, yt)) as number[];
    tf.dispose([xt, yt]);
    seen.loss = Math.max(seen.loss, ratio(ours.loss, loss, TOLERANCE.loss));
    seen.lossRelative = Math.max(seen.lossRelative, Math.abs(ours.loss - loss) / Math.abs(loss));
    expect(ratio(ours.loss, loss, TOLERANCE.loss), `step ${step}: loss ${ours.loss}, TF.js ${loss}`).toBeLessThanOrEqual(1);
    expect(ours.accuracy, `step ${step}: accuracy`).toBeCloseTo(acc, 6);
  }

  const after = trainer.weights();
  const mismatches: string[] = [];
  for (const node of report.nodes) {
    if (!node.weights.length) continue;
    const values = theirs.getLayer(node.id).getWeights().map((t) => t.dataSync());
    node.weights.forEach((spec, k) => {
      const ours = after.get(node.id)![spec.name].data;
      ours.forEach((v, i) => {
        const r = ratio(v, values[k][i], TOLERANCE.weights);
        seen.weights = Math.max(seen.weights, r);
        seen.weightAbsolute = Math.max(seen.weightAbsolute, Math.abs(v - values[k][i]));
        if (r > 1 && mismatches.length < 5) mismatches.push(`${node.id}/${spec.name}[${i}]: ours ${v}, TF.js ${values[k][i]}`);
      });
      if (frozen.includes(node.id)) expect([...ours], `${node.id}/${spec.name} is frozen`).toEqual([...initial.get(node.id)![spec.name].data]);
    });
  }
  theirs.dispose();
  expect(mismatches, mismatches.join('\n')).toEqual([]);
  return seen;
}

describe('the reference trainer = TF.js Layers trainOnBatch', () => {
  for (const model of MODELS)
    describe(model.name, () => {
      for (const optimizer of OPTIMIZERS)
        it(optimizer.name, async () => {
          worst[`${model.name.split(':')[0].split(' (')[0]} / ${optimizer.name}`] = await compare(model, optimizer);
        });
    });

  it('with a frozen layer (Conv2D stem of the residual block, trainable false): its weights stay, the rest matches', async () => {
    worst['residual, stem frozen / SGD momentum'] = await compare(MODELS[1], OPTIMIZERS[1], ['stem']);
  });
});

afterAll(() => {
  if (process.env.TRAIN_ORACLE_LOG) console.log(Object.entries(worst).map(([k, v]) => `${k}: loss ${v.loss.toFixed(3)}, weights ${v.weights.toFixed(3)} of the tolerance; loss relative error ${v.lossRelative.toExponential(1)}, weight absolute error ${v.weightAbsolute.toExponential(1)}`).join('\n'));
});
