// Random graphs through the compiler without a device: every valid graph the generator writes lowers,
// for inference on each conv path and for training, to a plan or to an OpError that says why — and no
// step of any plan binds for reading a buffer it writes (WebGPU refuses the dispatch; the engine would
// stop with "internal: … please report this graph"). Thousands of graphs in seconds; the GPU suites
// (random-graphs.gpu.test.ts) run a sample of them against the CPU reference.
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../graph/analyze.ts';
import type { GraphFile } from '../graph/types.ts';
import { OpError } from '../ops/op.ts';
import { materializeWeights } from '../runtime/reference.ts';
import { seededRandom } from '../testing/mutate-graph.ts';
import { randomGraph } from '../testing/random-graph.ts';
import { RANDOM_BIAS, STATISTICS, trainGraph } from '../testing/train-graphs.ts';
import { lossConfig, OPTIMIZER_DEFAULTS, type CompileConfig } from '../train/config.ts';
import { lowerTraining } from '../train/lower-training.ts';
import { stepReadingWhatItWrites } from './kernels.ts';
import { lowerGraph, type LowerOptions } from './lower.ts';

const PATHS: Partial<LowerOptions>[] = [
  { convKernel: 'gemm' }, { convKernel: 'gemm', splitK: 2 }, { convKernel: 'gemm64' }, { convKernel: 'naive' },
  { convKernel: 'direct', subgroups: false }, { convKernel: 'direct', subgroups: true, winograd: true },
  { convKernel: 'direct', subgroups: true, quadPixels: 8, fusePools: true },
];
const COMPILE: CompileConfig = { optimizer: OPTIMIZER_DEFAULTS.sgd, loss: lossConfig('sparse_categorical_crossentropy'), metrics: ['accuracy'] };

/** Lowers for inference; returns the self-reading step's node, or null. Throws what lowering throws. */
function inferencePlanClash(graph: GraphFile, options: Partial<LowerOptions>, keepEvery = 0, batch = 2): string | null {
  const report = analyzeGraph(graph);
  expect(report.problems).toEqual([]);
  const keep = keepEvery ? [...report.outputs, ...report.order.filter((_, i) => i % keepEvery === 1)] : report.outputs;
  return stepReadingWhatItWrites(lowerGraph(report, materializeWeights(report, 0), { batch, keep, ...options }))?.node ?? null;
}

function trainingPlanClash(graph: GraphFile, kernels: Partial<LowerOptions>): string | null {
  const report = analyzeGraph(graph);
  expect(report.problems).toEqual([]);
  const { plan } = lowerTraining(report, materializeWeights(report, 0), { batch: 2, compile: COMPILE, kernels });
  return stepReadingWhatItWrites(plan)?.node ?? null;
}

/** A refusal is fine when it is an OpError in words; anything else (a TypeError, an 'internal' message) is a bug. */
function expectPlanOrRefusal(lower: () => string | null, label: string, counts: { planned: number; refused: number }): void {
  let clash: string | null;
  try {
    clash = lower();
  } catch (e) {
    expect(e, `${label}: ${(e as Error).stack}`).toBeInstanceOf(OpError);
    expect((e as Error).message, label).not.toMatch(/^internal/);
    counts.refused++;
    return;
  }
  expect(clash, `${label}: a step reads the buffer it writes`).toBeNull();
  counts.planned++;
}

describe('random graphs, lowered without a device', () => {
  it('600 graphs for inference, each on one conv path, some with intermediate nodes kept', () => {
    const counts = { planned: 0, refused: 0 };
    for (let seed = 1; seed <= 600; seed++) {
      const graph = randomGraph(seededRandom(seed), { size: 6 + (seed % 19) });
      expectPlanOrRefusal(() => inferencePlanClash(graph, PATHS[seed % PATHS.length], seed % 3), `seed ${seed}`, counts);
    }
    console.log(`random graphs for inference: ${counts.planned} planned, ${counts.refused} refused`);
    expect(counts.planned).toBeGreaterThan(550);
  });

  it('200 graphs with two Inputs for inference, at batch 1 and 2', () => {
    const counts = { planned: 0, refused: 0 };
    for (let seed = 1; seed <= 200; seed++) {
      const graph = randomGraph(seededRandom(seed), { size: 6 + (seed % 13), inputs: 2 });
      expectPlanOrRefusal(() => inferencePlanClash(graph, PATHS[seed % PATHS.length], seed % 3, 1 + (seed % 2)), `seed ${seed}`, counts);
    }
    console.log(`random graphs with two Inputs: ${counts.planned} planned, ${counts.refused} refused`);
    expect(counts.planned).toBeGreaterThan(180);
  });

  it('300 classifiers for training, each on one conv path', () => {
    const counts = { planned: 0, refused: 0 };
    for (let seed = 1; seed <= 300; seed++) {
      const graph = randomGraph(seededRandom(seed), { size: 6 + (seed % 13), classes: 3 });
      expectPlanOrRefusal(() => trainingPlanClash(graph, PATHS[seed % PATHS.length]), `seed ${seed}`, counts);
    }
    console.log(`random classifiers for training: ${counts.planned} planned, ${counts.refused} refused`);
    expect(counts.planned).toBeGreaterThan(250);
  });

  it('150 classifiers with frozen layers and regularizers for training', () => {
    const counts = { planned: 0, refused: 0 };
    for (let seed = 1; seed <= 150; seed++) {
      const graph = randomGraph(seededRandom(seed), { size: 6 + (seed % 13), classes: 3, frozen: 0.3, regularizers: 0.3 });
      expectPlanOrRefusal(() => trainingPlanClash(graph, PATHS[seed % PATHS.length]), `seed ${seed}`, counts);
    }
    console.log(`random classifiers with frozen layers for training: ${counts.planned} planned, ${counts.refused} refused`);
    expect(counts.planned).toBeGreaterThan(120);
  });
});

// What the random graphs found, pinned (each failed before its fix).
const bn = (id: string, input: string) => ({ id, op: 'BatchNormalization', inputs: [input], attrs: STATISTICS });

describe('concat members the concat would copy from its own buffer', () => {
  it('a concat nested in another that also holds one of its members: the inner one gets its own buffer', () => {
    const graph = trainGraph([
      { id: 'x', op: 'Input', attrs: { shape: [5, 5, 4] } },
      bn('b', 'x'),
      { id: 'inner', op: 'Concatenate', inputs: ['x', 'b'] },
      { id: 'outer', op: 'Concatenate', inputs: ['b', 'x', 'inner'] },
    ], 'outer');
    for (const options of PATHS) expect(inferencePlanClash(graph, options)).toBeNull();
  });

  it("a member and a view of it (Dropout is the identity at inference) in one concat", () => {
    const graph = trainGraph([
      { id: 'x', op: 'Input', attrs: { shape: [6] } },
      { id: 'd', op: 'Dense', inputs: ['x'], attrs: { units: 3 } },
      { id: 'drop', op: 'Dropout', inputs: ['d'], attrs: { rate: 0.3 } },
      { id: 'cat', op: 'Concatenate', inputs: ['drop', 'd'] },
    ], 'cat');
    expect(inferencePlanClash(graph, {})).toBeNull();
  });
});

describe('training a BatchNormalization that writes into a concat', () => {
  it('its output is a channel slice at an offset: the normalising step takes the offset', () => {
    const graph = trainGraph([
      { id: 'x', op: 'Input', attrs: { shape: [4, 4, 2] } },
      { id: 'gap', op: 'GlobalAveragePool2D', inputs: ['x'] },
      { id: 'flat', op: 'Flatten', inputs: ['x'] },
      bn('b', 'gap'),
      { id: 'cat', op: 'Concatenate', inputs: ['flat', 'b'] },
      { id: 'out', op: 'Dense', inputs: ['cat'], attrs: { units: 3, activation: 'softmax', bias_initializer: RANDOM_BIAS } },
    ], 'out');
    for (const kernels of PATHS) expect(trainingPlanClash(graph, kernels)).toBeNull();
  });
});
