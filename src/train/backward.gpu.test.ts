// Every op's backward on WebGPU (src/train/backward/) against its float64 CPU reference gradient
// (OpDef.backward, itself checked against finite differences in src/ops/backward.test.ts), on the op's
// own case table: a training step compiled in probe mode takes dL/dy = r (random) for the loss and
// keeps the gradients of the inputs and of every trainable weight to read back. The conv family's
// cases run once per distinct set of kernels the conv-kernel choices lower them to (gemm, direct
// with and without subgroups, naive), as src/ops/sweep.gpu.test.ts does for the forward pass.
import { describe, expect, it } from 'vitest';
import { analyzeGraph, type GraphReport, type NodeReport } from '../graph/analyze.ts';
import { CompiledGraph, Engine } from '../runtime/engine.ts';
import { materializeWeights } from '../runtime/reference.ts';
import { formatShape, sizeOf, type Tensor } from '../tensor.ts';
import { randomInput, singleOpGraph } from '../testing/compare.ts';
import { testGpu } from '../testing/gpu.ts';
import { mismatches } from '../testing/expect-close.ts';
import type { OpCase } from '../testing/cases.ts';
import { uniforms } from '../weights/random.ts';
import { findOp, OPS } from '../ops/index.ts';
import { BACKWARD } from './backward/index.ts';
import { lossConfig, optimizerConfig } from './config.ts';
import { gradientId, LABELS, lowerTraining, STATE, STATE_WORDS, weightGradientId } from './lower-training.ts';

const tables = import.meta.glob<{ op: string; cases: OpCase[] }>('../ops/*.cases.ts', { eager: true });
const gpu = await testGpu();
const engine = gpu ? await Engine.create(async () => gpu) : null;

/** Ops whose training-mode reference is not in place yet: their GPU backward is checked by the trainer's tests. */
const TRAINING_MODE = new Set(['BatchNormalization', 'Dropout']);
/** Largest case run (inputs, in values): SwiftShader is a CPU. */
const MAX_VALUES = 20000;
const compile = { optimizer: optimizerConfig('sgd'), loss: lossConfig('mean_squared_error'), metrics: [] };

/** What the GPU backward refuses for now (with a message): broadcasting merges, Multiply/Divide of more than two, Concatenate off the channels, Softmax off the last axis. */
function knownGap(node: NodeReport, report: GraphReport): string | null {
  const shapes = node.inputs.map((i) => formatShape(report.byId.get(i)!.shape!));
  if (node.def?.gpu?.merge || node.op === 'Average') {
    if (shapes.some((s) => s !== formatShape(node.shape!))) return 'a broadcasting merge';
    if ((node.op === 'Multiply' || node.op === 'Divide') && node.inputs.length > 2) return `${node.op} of more than two`;
  }
  const rank = node.shape!.length;
  const axis = node.attrs.axis as number | undefined;
  if (node.op === 'Concatenate' && axis !== -1 && axis !== rank) return 'Concatenate off the channel axis';
  if (node.op === 'Softmax' && axis !== -1 && axis !== rank) return 'Softmax off the last axis';
  return null;
}

type Kernels = NonNullable<Parameters<typeof lowerTraining>[2]['kernels']>;
const CONV_KERNEL_OPS = new Set(OPS.filter((o) => o.gpu?.conv).map((o) => o.type));
const CONV_KERNELS: Kernels[] = [
  { convKernel: 'gemm' }, { convKernel: 'direct', subgroups: !!gpu?.features.subgroups }, { convKernel: 'direct', subgroups: false }, { convKernel: 'naive' },
];

/** The conv-kernel choices that lower the case's step to different kernels, each with those kernels. */
function kernelVariants(op: string, c: OpCase): { kernels?: Kernels; names: string }[] {
  const report = analyzeGraph(singleOpGraph(op, c.inputs, c.attrs ?? {}));
  if (!CONV_KERNEL_OPS.has(op) || !report.ok || knownGap(report.byId.get('y')!, report)) return [{ names: '' }];
  const weights = materializeWeights(report, 1);
  const variants = new Map<string, Kernels>();
  for (const kernels of CONV_KERNELS) {
    const { plan } = lowerTraining(report, weights, { batch: c.batch ?? 1, compile, probe: true, kernels });
    const names = [...new Set(plan.steps.filter((s) => s.node === 'y').map((s) => s.kernel))].join(' + ');
    if (!variants.has(names)) variants.set(names, kernels);
  }
  return [...variants].map(([names, kernels]) => ({ kernels, names }));
}

async function check(op: string, c: OpCase, kernels?: Kernels): Promise<void> {
  const report = analyzeGraph(singleOpGraph(op, c.inputs, c.attrs ?? {}));
  expect(report.problems).toEqual([]);
  const node = report.byId.get('y')!;
  const weights = materializeWeights(report, 1);
  const batch = c.batch ?? 1;
  const scale = c.inputScale ?? 1;
  const inputs = c.inputs.map((shape, i) => {
    const t = randomInput([batch, ...shape], `x${i}`);
    for (let j = 0; j < t.data.length; j++) t.data[j] *= scale;
    return t;
  });
  const outShape = [batch, ...node.shape!];
  const r: Tensor = { shape: outShape, data: Float32Array.from(uniforms(sizeOf(outShape), 11, 'r'), (v) => 2 * v - 1) };
  const want = findOp(op)!.backward!(inputs, weights.get('y') ?? {}, node.attrs, r);

  const gap = knownGap(node, report);
  if (gap) {
    // Not trainable on the GPU yet: it must say so, naming the node, before anything runs.
    expect(() => lowerTraining(report, weights, { batch, compile, probe: true }), gap).toThrow(/cannot be trained on the GPU yet/);
    return;
  }
  const training = lowerTraining(report, weights, { batch, compile, probe: true, kernels });
  const compiled = new CompiledGraph(engine!, training.plan, new Set(training.kept));
  const feeds: Record<string, Tensor> = { [LABELS]: r, [STATE]: { shape: [STATE_WORDS], data: new Float32Array(STATE_WORDS) } };
  inputs.forEach((t, i) => (feeds[`x${i}`] = t));
  const trainable = node.weights.filter((w) => w.trainable).map((w) => w.name);
  const read = [...inputs.map((_, i) => gradientId(`x${i}`)), ...trainable.map((n) => weightGradientId('y', n))];
  const got = (await compiled.run(feeds, { read })).tensors;
  compiled.destroy();
  // Gradients sum many products: the conv tolerance, relative to the gradient's scale.
  const close = (name: string, g: Tensor | undefined, w: Tensor) => {
    const peak = w.data.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    expect(g?.shape, `${name}'s shape`).toEqual(w.shape);
    const bad = mismatches(g!.data, w.data, { atol: 1e-4 * Math.max(1, peak), rtol: 1e-3 });
    expect(bad, `${op} ${c.name}: ${name}\n${bad.join('\n')}`).toEqual([]);
  };
  inputs.forEach((_, i) => close(`dL/dx${i}`, got.get(gradientId(`x${i}`)), want.inputs[i]));
  for (const n of trainable) close(`dL/d${n}`, got.get(weightGradientId('y', n)), want.weights[n]);
}

describe.skipIf(!engine)('GPU backward = reference backward', () => {
  for (const { op, cases } of Object.values(tables)) {
    if (!BACKWARD[op] || TRAINING_MODE.has(op)) continue;
    describe(op, () => {
      for (const c of cases.filter((c) => (c.batch ?? 1) * c.inputs.reduce((n, s) => n + sizeOf(s), 0) <= MAX_VALUES))
        for (const { kernels, names } of kernelVariants(op, c)) it(names ? `${c.name} [${names}]` : c.name, () => check(op, c, kernels));
    });
  }

  it('run every conv kernel of the training step', () => {
    const used = new Set(Object.values(tables).flatMap((t) => (BACKWARD[t.op] ? t.cases.flatMap((c) => kernelVariants(t.op, c).flatMap((v) => v.names.split(' + '))) : [])));
    const want = ['conv2dNaive', 'conv2dGemm', 'conv2dDirect', 'conv2dGrouped', 'depthwiseConv2d', 'conv2dPackWeights', 'conv2dBackwardInput', 'conv2dBackwardFilter',
      'conv2dBackwardFilterTiled', 'conv2dSplitKReduce',
      ...(gpu?.features.subgroups ? ['conv2dDirectQuad16'] : [])];
    expect(want.filter((k) => !used.has(k))).toEqual([]);
  });
});
