// The reference trainer: its whole-graph gradient against central differences of its own training loss
// (a residual branch whose input feeds two nodes, BatchNormalization on batch statistics, Dropout on a
// fixed mask, every kind of regularizer, frozen nodes), what one step changes, and its refusals.
import { describe, expect, it } from 'vitest';
import { analyzeGraph, type GraphReport } from '../graph/analyze.ts';
import type { GraphFile, GraphNode } from '../graph/types.ts';
import { OpError } from '../ops/op.ts';
import { materializeWeights, runReference } from '../runtime/reference.ts';
import { randomInput } from '../testing/compare.ts';
import { expectClose } from '../testing/expect-close.ts';
import { centralDifference } from '../testing/finite-differences.ts';
import { tensor, type Tensor } from '../tensor.ts';
import { uniforms } from '../weights/random.ts';
import { lossConfig, OPTIMIZER_DEFAULTS, type CompileConfig } from './config.ts';
import { dataLoss } from './losses.ts';
import { lossAndGradients, planTraining, ReferenceTrainer, type NodeWeights } from './reference-trainer.ts';

const STATISTICS = {
  moving_mean_initializer: { name: 'random_normal', stddev: 0.3 },
  moving_variance_initializer: { name: 'random_uniform', minval: 0.5, maxval: 2 },
  gamma_initializer: { name: 'random_uniform', minval: 0.5, maxval: 1.5 },
  beta_initializer: { name: 'random_normal', stddev: 0.3 },
};

/** Conv → BN → ReLU, then a conv whose output adds back to the ReLU's (the ReLU feeds two nodes), Dropout, GAP, Dense softmax. */
function residualGraph(frozen: Record<string, boolean> = {}): GraphFile {
  const trainable = (id: string) => (frozen[id] ? { trainable: false } : {});
  const nodes: GraphNode[] = [
    { id: 'x', op: 'Input', attrs: { shape: [5, 5, 3] } },
    { id: 'c1', op: 'Conv2D', inputs: ['x'], attrs: { filters: 4, kernel_size: 3, padding: 'same', use_bias: false, kernel_regularizer: { l2: 0.01 }, ...trainable('c1') } },
    { id: 'bn', op: 'BatchNormalization', inputs: ['c1'], attrs: { ...STATISTICS, ...trainable('bn') } },
    { id: 'r1', op: 'ReLU', inputs: ['bn'] },
    { id: 'c2', op: 'Conv2D', inputs: ['r1'], attrs: { filters: 4, kernel_size: 3, padding: 'same', bias_initializer: { name: 'random_normal', stddev: 0.1 }, kernel_regularizer: { l1: 0.01 }, bias_regularizer: { l1: 0.02 }, ...trainable('c2') } },
    { id: 'add', op: 'Add', inputs: ['c2', 'r1'] },
    { id: 'drop', op: 'Dropout', inputs: ['add'], attrs: { rate: 0.3 } },
    { id: 'gap', op: 'GlobalAveragePool2D', inputs: ['drop'] },
    { id: 'd', op: 'Dense', inputs: ['gap'], attrs: { units: 3, activation: 'softmax', activity_regularizer: { l1: 0.01, l2: 0.02 }, ...trainable('d') } },
  ];
  return { format: 'deepwire-graph', version: 1, nodes, outputs: ['d'] };
}

const COMPILE: CompileConfig = { optimizer: { ...OPTIMIZER_DEFAULTS.sgd, learningRate: 0.1 }, loss: lossConfig('categorical_crossentropy'), metrics: ['accuracy'] };
const BATCH = 3;
const x = randomInput([BATCH, 5, 5, 3], 'x');
const y = tensor([BATCH, 3], [1, 0, 0, 0, 0, 1, 0, 1, 0]);

function setup(frozen: Record<string, boolean> = {}): { report: GraphReport; weights: NodeWeights } {
  const report = analyzeGraph(residualGraph(frozen));
  expect(report.problems).toEqual([]);
  return { report, weights: materializeWeights(report, 4) };
}

/**
 * Central differences of the training loss (same step: same Dropout mask, batch statistics) in a sample
 * of every trainable weight's coordinates, against lossAndGradients; kinks skipped as in backward.test.ts.
 */
function checkGradients(frozen: Record<string, boolean>): { checked: number; skipped: number } {
  const { report, weights } = setup(frozen);
  const plan = planTraining(report);
  const run = { seed: 1, step: 2 };
  const loss = () => lossAndGradients(plan, weights, COMPILE, x, y, run).loss;
  const { gradients } = lossAndGradients(plan, weights, COMPILE, x, y, run);
  let checked = 0, skipped = 0, worst = 0, where = '';
  const EPS = 1e-3;
  for (const [id, named] of gradients)
    for (const [name, g] of Object.entries(named)) {
      const t = weights.get(id)![name];
      for (const u of uniforms(10, 5, `${id}/${name}`)) {
        const i = Math.floor(u * t.data.length);
        const fd = centralDifference(t, i, loss, { eps: EPS, floor: 1e-3 });
        if (fd === null) {
          skipped++;
          continue;
        }
        const ratio = Math.abs(g[i] - fd) / (2e-4 + 2e-2 * Math.abs(fd));
        if (ratio > worst) [worst, where] = [ratio, `${id}/${name}[${i}]: gradient ${g[i]}, finite differences ${fd}`];
        checked++;
      }
    }
  expect(worst, where).toBeLessThanOrEqual(1);
  return { checked, skipped };
}

describe('whole-graph gradient = finite differences of the training loss', () => {
  it('residual branch, BatchNormalization (batch statistics), Dropout, weight and activity regularizers', () => {
    const { checked, skipped } = checkGradients({});
    expect(checked).toBeGreaterThanOrEqual(40);
    expect(checked).toBeGreaterThanOrEqual(3 * skipped);
  });

  it('with the second conv and BatchNormalization frozen: BN in inference mode, the gradient still flows to c1', () => {
    const { report, weights } = setup({ c2: true, bn: true });
    const { gradients } = lossAndGradients(planTraining(report), weights, COMPILE, x, y, { seed: 1, step: 2 });
    expect([...gradients.keys()].sort()).toEqual(['c1', 'd']);
    const { checked } = checkGradients({ c2: true, bn: true });
    expect(checked).toBeGreaterThanOrEqual(20);
  });
});

describe('the loss Keras reports', () => {
  it('adds the trainable weights\' penalties and the activity penalty / batch to the data loss', () => {
    const { report, weights } = setup();
    const r = lossAndGradients(planTraining(report), weights, COMPILE, x, y, { seed: 1, step: 0 });
    const sum = (t: Tensor, f: (v: number) => number) => t.data.reduce((s, v) => s + f(v), 0);
    const c1 = 0.01 * sum(weights.get('c1')!.kernel, (v) => v * v);
    const c2 = 0.01 * sum(weights.get('c2')!.kernel, Math.abs) + 0.02 * sum(weights.get('c2')!.bias, Math.abs);
    const activity = (0.01 * sum(r.output, Math.abs) + 0.02 * sum(r.output, (v) => v * v)) / BATCH;
    expect(r.regularization).toBeCloseTo(c1 + c2 + activity, 6);
    expect(r.dataLoss).toBeCloseTo(dataLoss(COMPILE.loss, r.output, y).value, 12);
    expect(r.loss).toBe(r.dataLoss + r.regularization);
    // Keras 3 counts only trainable weights: a frozen c2's penalties drop out, its activity term would not
    const frozen = setup({ c2: true });
    expect(lossAndGradients(planTraining(frozen.report), frozen.weights, COMPILE, x, y, { seed: 1, step: 0 }).regularization).toBeCloseTo(c1 + activity, 6);
  });
});

describe('ReferenceTrainer.trainStep', () => {
  it('SGD: w − lr·g for every trainable weight; moving statistics move by 1 − momentum toward the batch\'s', () => {
    const { report, weights } = setup();
    const trainer = new ReferenceTrainer(report, weights, COMPILE, { seed: 1 });
    const before = trainer.gradients(x, y, 0);
    const step = trainer.trainStep(x, y, 0);
    expect(step).toEqual({ loss: before.loss, dataLoss: before.dataLoss, regularization: before.regularization, accuracy: before.accuracy });
    const after = trainer.weights();
    for (const [id, named] of before.gradients)
      for (const [name, g] of Object.entries(named))
        expect([...after.get(id)![name].data]).toEqual(Array.from(weights.get(id)![name].data, (w, i) => Math.fround(w - g[i] * 0.1)));
    // the BN's input is c1's output, the same in training mode
    const c1 = runReference(report, { x }, { weights, outputs: ['c1'] }).tensors.get('c1')!;
    const mean = [0, 1, 2, 3].map((c) => c1.data.filter((_, i) => i % 4 === c).reduce((a, b) => a + b, 0) / (c1.data.length / 4));
    const variance = [0, 1, 2, 3].map((c) => c1.data.filter((_, i) => i % 4 === c).reduce((a, b) => a + (b - mean[c]) ** 2, 0) / (c1.data.length / 4));
    const old = weights.get('bn')!;
    expectClose(after.get('bn')!.moving_mean.data, mean.map((m, c) => old.moving_mean.data[c] * 0.99 + m * 0.01), { atol: 1e-7, rtol: 1e-6 });
    expectClose(after.get('bn')!.moving_variance.data, variance.map((v, c) => old.moving_variance.data[c] * 0.99 + v * 0.01), { atol: 1e-7, rtol: 1e-6 });
    expect(trainer.iterations).toBe(1);
    // the caller's weights are untouched
    expect(weights.get('c1')!.kernel.data).not.toEqual(after.get('c1')!.kernel.data);
  });

  it('a frozen node keeps its weights (and a frozen BatchNormalization its statistics); the rest trains', () => {
    const { report, weights } = setup({ bn: true, c2: true });
    const trainer = new ReferenceTrainer(report, weights, { ...COMPILE, optimizer: { ...OPTIMIZER_DEFAULTS.adam, learningRate: 0.01 } });
    for (let s = 0; s < 3; s++) trainer.trainStep(x, y, s);
    const after = trainer.weights();
    for (const id of ['bn', 'c2'])
      for (const [name, t] of Object.entries(weights.get(id)!)) expect([...after.get(id)![name].data], `${id}/${name}`).toEqual([...t.data]);
    for (const id of ['c1', 'd']) expect([...after.get(id)!.kernel.data]).not.toEqual([...weights.get(id)!.kernel.data]);
    expect([...trainer.slots().keys()].sort()).toEqual(['c1', 'd']);
    expect(Object.keys(trainer.slots().get('d')!.kernel)).toEqual(['momentum', 'velocity']);
  });

  it('draws a new Dropout mask each step', () => {
    const { report, weights } = setup();
    const trainer = new ReferenceTrainer(report, weights, COMPILE);
    expect(trainer.gradients(x, y, 0).loss).not.toBe(trainer.gradients(x, y, 1).loss);
    expect(trainer.gradients(x, y, 1).loss).toBe(trainer.gradients(x, y, 1).loss);
  });

  it('lowers the loss over a few steps on one batch', () => {
    const { report, weights } = setup();
    const trainer = new ReferenceTrainer(report, weights, { ...COMPILE, optimizer: { ...OPTIMIZER_DEFAULTS.adam, learningRate: 0.05 } });
    const first = trainer.evaluate(x, y).loss;
    for (let s = 0; s < 15; s++) trainer.trainStep(x, y, s);
    expect(trainer.evaluate(x, y).loss).toBeLessThan(first * 0.7);
  });
});

describe('predict and evaluate (inference mode)', () => {
  it('predict is runReference on the current weights; evaluate adds model.losses to its data loss', () => {
    const { report, weights } = setup();
    const trainer = new ReferenceTrainer(report, weights, COMPILE);
    trainer.trainStep(x, y, 0);
    const out = runReference(report, { x }, { weights: trainer.weights() }).tensors.get('d')!;
    expect([...trainer.predict(x).data]).toEqual([...out.data]);
    expect(trainer.predict({ x }).data).toEqual(out.data);
    const e = trainer.evaluate(x, y);
    expect(e.dataLoss).toBeCloseTo(dataLoss(COMPILE.loss, out, y).value, 12);
    expect(e.loss).toBeCloseTo(e.dataLoss + e.regularization, 12);
    expect(e.accuracy).toBeGreaterThanOrEqual(0);
    expect(new ReferenceTrainer(report, weights, { ...COMPILE, metrics: [] }).evaluate(x, y).accuracy).toBeNull();
  });
});

describe('refusals, before anything runs', () => {
  it('a graph with two outputs', () => {
    const graph = residualGraph();
    const report = analyzeGraph({ ...graph, outputs: ['d', 'gap'] });
    expect(() => new ReferenceTrainer(report, materializeWeights(report, 1), COMPILE)).toThrow(/one output; this graph has 2: 'd', 'gap'/);
  });

  it('an op without a backward, naming the node', () => {
    const { report, weights } = setup();
    const node = report.byId.get('c2')!;
    node.def = { ...node.def!, backward: undefined };
    expect(() => new ReferenceTrainer(report, weights, COMPILE)).toThrow(OpError);
    expect(() => new ReferenceTrainer(report, weights, COMPILE)).toThrow("Conv2D 'c2' cannot be trained: the op has no gradient yet");
  });

  it('a graph with problems, missing weights, labels that do not fit, one tensor for two Inputs', () => {
    const broken = analyzeGraph({ ...residualGraph(), nodes: [...residualGraph().nodes, { id: 'bad', op: 'Nope' }] });
    expect(() => new ReferenceTrainer(broken, new Map(), COMPILE)).toThrow(/cannot train a graph with problems/);
    const { report, weights } = setup();
    weights.delete('bn');
    expect(() => new ReferenceTrainer(report, weights, COMPILE)).toThrow(/BatchNormalization 'bn': weight 'gamma' is missing/);
    const trainer = new ReferenceTrainer(setup().report, setup().weights, COMPILE);
    expect(() => trainer.trainStep(x, tensor([BATCH, 2]), 0)).toThrow(/labels shaped like the output, 3×3; got 3×2/);
    const two = analyzeGraph({
      format: 'deepwire-graph', version: 1, outputs: ['s'],
      nodes: [{ id: 'a', op: 'Input', attrs: { shape: [2] } }, { id: 'b', op: 'Input', attrs: { shape: [2] } }, { id: 's', op: 'Add', inputs: ['a', 'b'] }],
    });
    expect(() => new ReferenceTrainer(two, new Map(), COMPILE).trainStep(tensor([1, 2]), tensor([1, 2]), 0)).toThrow(/2 Inputs: one tensor cannot feed them/);
  });
});
