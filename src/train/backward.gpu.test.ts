// Every op's backward on WebGPU (src/train/backward/) against its float64 CPU reference gradient
// (OpDef.backward, itself checked against finite differences in src/ops/backward.test.ts), on the op's
// own case table: a training step compiled in probe mode takes dL/dy = r (random) for the loss and
// keeps the gradients of the inputs and of every trainable weight to read back. Every op of the
// registry trains on the GPU (backward.test.ts holds the table to that); each op's first case runs
// again with two copies of the node on the same inputs (every backward adding to a gradient already
// there), and Maximum and Minimum with tied inputs (the first equal input gets the gradient).
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../graph/analyze.ts';
import type { GraphFile } from '../graph/types.ts';
import { CompiledGraph, Engine } from '../runtime/engine.ts';
import { materializeWeights } from '../runtime/reference.ts';
import { sizeOf, type Tensor } from '../tensor.ts';
import { randomInput, singleOpGraph } from '../testing/compare.ts';
import { testGpu } from '../testing/gpu.ts';
import { mismatches } from '../testing/expect-close.ts';
import type { OpCase } from '../testing/cases.ts';
import { uniforms } from '../weights/random.ts';
import { findOp, OPS } from '../ops/index.ts';
import type { TrainContext } from '../ops/op.ts';
import { lossConfig, optimizerConfig } from './config.ts';
import { gradientId, LABELS, lowerTraining, STATE, STATE_WORDS, weightGradientId } from './lower-training.ts';

const tables = import.meta.glob<{ op: string; cases: OpCase[] }>('../ops/*.cases.ts', { eager: true });
const gpu = await testGpu();
const engine = gpu ? await Engine.create(async () => gpu) : null;

/** Ops whose training-mode reference is not in place yet: their GPU backward is checked by the trainer's tests. */
const TRAINING_MODE = new Set(['BatchNormalization', 'Dropout']);
/**
 * The other ops with a training forward (the augmentation ops) are compared with their reference backward
 * given the probe's training step: the state is all zeros, so seed 0 and step 0 (augment.gpu.test.ts
 * checks other seeds and steps, and the forward).
 */
const probeContext = (op: string, nodeId: string): TrainContext | undefined =>
  findOp(op)!.trainForward ? { nodeId, seed: 0, step: 0, trainable: true } : undefined;
/** Largest case run (inputs, in values): SwiftShader is a CPU. */
const MAX_VALUES = 20000;
const compile = { optimizer: optimizerConfig('sgd'), loss: lossConfig('mean_squared_error'), metrics: [] };

/**
 * How a case runs: alone (the op's node is the output), or `twice` — two copies of the node on the
 * same inputs summed by an Add, so each input's second gradient share adds to the first (every
 * backward's ACCUMULATE path) — and with `tie`, input `tie[1]` fed input `tie[0]`'s values.
 */
interface Variant {
  twice?: boolean;
  tie?: [number, number];
  /** The conv kernel choice (the conv family's cases run once per distinct set of kernels it yields). */
  kernels?: Kernels;
}

type Kernels = NonNullable<Parameters<typeof lowerTraining>[2]['kernels']>;
const CONV_KERNEL_OPS = new Set(OPS.filter((o) => o.gpu?.conv).map((o) => o.type));
const CONV_KERNELS: Kernels[] = [
  { convKernel: 'gemm' }, { convKernel: 'gemm64' }, { convKernel: 'direct', subgroups: !!gpu?.features.subgroups }, { convKernel: 'direct', subgroups: false }, { convKernel: 'naive' },
];

/** The conv-kernel choices that lower the case's step to different kernels, each with those kernels. */
function kernelVariants(op: string, c: OpCase): { kernels?: Kernels; names: string }[] {
  const report = analyzeGraph(singleOpGraph(op, c.inputs, c.attrs ?? {}));
  if (!CONV_KERNEL_OPS.has(op) || !report.ok) return [{ names: '' }];
  const weights = materializeWeights(report, 1);
  const variants = new Map<string, Kernels>();
  for (const kernels of CONV_KERNELS) {
    const { plan } = lowerTraining(report, weights, { batch: c.batch ?? 1, compile, probe: true, kernels });
    const names = [...new Set(plan.steps.filter((s) => s.node === 'y').map((s) => s.kernel))].join(' + ');
    if (!variants.has(names)) variants.set(names, kernels);
  }
  return [...variants].map(([names, kernels]) => ({ kernels, names }));
}

function caseGraph(op: string, c: OpCase, twice: boolean): GraphFile {
  const graph = singleOpGraph(op, c.inputs, c.attrs ?? {});
  if (!twice) return graph;
  const node = graph.nodes.find((n) => n.id === 'y')!;
  const inputs = graph.nodes.filter((n) => n.op === 'Input');
  return { ...graph, nodes: [...inputs, { ...node, id: 'y1' }, { ...node, id: 'y2' }, { id: 'y', op: 'Add', attrs: {}, inputs: ['y1', 'y2'] }] };
}

async function check(op: string, c: OpCase, { twice = false, tie, kernels }: Variant = {}): Promise<void> {
  const report = analyzeGraph(caseGraph(op, c, twice));
  expect(report.problems).toEqual([]);
  const nodes = twice ? ['y1', 'y2'] : ['y'];
  const weights = materializeWeights(report, 1);
  const batch = c.batch ?? 1;
  const scale = c.inputScale ?? 1;
  const inputs = c.inputs.map((shape, i) => {
    const t = randomInput([batch, ...shape], `x${i}`);
    for (let j = 0; j < t.data.length; j++) t.data[j] *= scale;
    return t;
  });
  if (tie) inputs[tie[1]].data.set(inputs[tie[0]].data);
  const outShape = [batch, ...report.byId.get('y')!.shape!];
  const r: Tensor = { shape: outShape, data: Float32Array.from(uniforms(sizeOf(outShape), 11, 'r'), (v) => 2 * v - 1) };
  // dL/d(each copy's output) is r (Add passes it to both): the inputs' gradients are the copies' sum.
  const wants = nodes.map((id) => findOp(op)!.backward!(inputs, weights.get(id) ?? {}, report.byId.get(id)!.attrs, r, probeContext(op, id)));
  const wantInputs = inputs.map((t, i) => ({ shape: t.shape, data: Float32Array.from(t.data, (_, j) => wants.reduce((sum, w) => sum + w.inputs[i].data[j], 0)) }));

  const training = lowerTraining(report, weights, { batch, compile, probe: true, kernels });
  const compiled = new CompiledGraph(engine!, training.plan, new Set(training.kept));
  const feeds: Record<string, Tensor> = { [LABELS]: r, [STATE]: { shape: [STATE_WORDS], data: new Float32Array(STATE_WORDS) } };
  inputs.forEach((t, i) => (feeds[`x${i}`] = t));
  const trainable = report.byId.get(nodes[0])!.weights.filter((w) => w.trainable).map((w) => w.name);
  const read = [...inputs.map((_, i) => gradientId(`x${i}`)), ...nodes.flatMap((id) => trainable.map((n) => weightGradientId(id, n)))];
  const got = (await compiled.run(feeds, { read })).tensors;
  compiled.destroy();
  // Gradients sum many products: the conv tolerance, relative to the gradient's scale.
  const close = (name: string, g: Tensor | undefined, w: Tensor) => {
    const peak = w.data.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    expect(g?.shape, `${name}'s shape`).toEqual(w.shape);
    const bad = mismatches(g!.data, w.data, { atol: 1e-4 * Math.max(1, peak), rtol: 1e-3 });
    expect(bad, `${op} ${c.name}: ${name}\n${bad.join('\n')}`).toEqual([]);
  };
  inputs.forEach((_, i) => close(`dL/dx${i}`, got.get(gradientId(`x${i}`)), wantInputs[i]));
  nodes.forEach((id, k) => {
    for (const n of trainable) close(`dL/d${n} of ${id}`, got.get(weightGradientId(id, n)), wants[k].weights[n]);
  });
}

const fits = (c: OpCase) => (c.batch ?? 1) * c.inputs.reduce((n, s) => n + sizeOf(s), 0) <= MAX_VALUES;

describe.skipIf(!engine)('GPU backward = reference backward', () => {
  for (const { op, cases } of Object.values(tables)) {
    if (TRAINING_MODE.has(op)) continue;
    describe(op, () => {
      for (const c of cases.filter(fits))
        for (const { kernels, names } of kernelVariants(op, c)) it(names ? `${c.name} [${names}]` : c.name, () => check(op, c, { kernels }));
      // The first case again with every input read twice: the second gradient share adds to the first.
      const first = cases.find(fits);
      if (first) it(`${first.name}: two copies of the node on the same inputs (gradients summed)`, () => check(op, first, { twice: true }));
    });
  }

  it('runs every conv kernel of the training step', () => {
    const used = new Set(Object.values(tables).flatMap((t) => t.cases.filter(fits).flatMap((c) => kernelVariants(t.op, c).flatMap((v) => v.names.split(' + ')))));
    const want = ['conv2dNaive', 'conv2dGemm', 'conv2dGemm64', 'conv2dDirect', 'conv2dGrouped', 'depthwiseConv2d', 'conv2dPackWeights', 'conv2dBackwardInput', 'conv2dBackwardFilter',
      'conv2dBackwardFilterTiled', 'conv2dSplitKReduce', 'gradientDilate', ...(gpu?.features.subgroups ? ['conv2dDirectQuad16'] : [])];
    expect(want.filter((k) => !used.has(k))).toEqual([]);
  });

  it('runs both pool backward kernels (windows apart, windows overlapping)', () => {
    const used = new Set(Object.values(tables).filter((t) => t.op.endsWith('Pool2D')).flatMap((t) => t.cases.filter(fits).flatMap((c) => {
      const report = analyzeGraph(singleOpGraph(t.op, c.inputs, c.attrs ?? {}));
      const { plan } = lowerTraining(report, materializeWeights(report, 1), { batch: c.batch ?? 1, compile, probe: true });
      return plan.steps.map((s) => s.kernel);
    })));
    expect((['pool2dBackward', 'pool2dBackwardBlocks'] as const).filter((k) => !used.has(k))).toEqual([]);
  });

  // Keras' rule, and the reference's: an output element equal to several inputs sends its gradient
  // to the first of them only.
  for (const op of ['Maximum', 'Minimum'])
    describe(`${op} ties`, () => {
      const cases = Object.values(tables).find((t) => t.op === op)!.cases;
      it('two equal inputs: the first gets the gradient', () => check(op, cases[0], { tie: [0, 1] }));
      it('3 inputs, the first [1, 1, C], the last two equal', () => check(op, cases.find((c) => c.inputs.length === 3 && c.inputs[0][0] === 1)!, { tie: [1, 2] }));
    });
});
