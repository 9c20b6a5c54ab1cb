// The augmentation ops' training step on WebGPU against the float64 reference, forward and backward, at
// several (seed, step) states: the GPU (shaders/resample2d.wgsl, train/resample2d-backward.wgsl) must
// draw each sample's transform as the reference does (src/ops/image-sampling.ts sampleMaps) and move the
// pixels and the gradient alike. backward.gpu.test.ts runs every case at seed 0, step 0 (with two copies
// of a node, the ACCUMULATE path); this file reads the forward too, on each op's case table.
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../graph/analyze.ts';
import { findOp } from '../ops/index.ts';
import { CompiledGraph, Engine } from '../runtime/engine.ts';
import { sizeOf, type Tensor } from '../tensor.ts';
import { randomInput, singleOpGraph } from '../testing/compare.ts';
import type { OpCase } from '../testing/cases.ts';
import { mismatches } from '../testing/expect-close.ts';
import { testGpu } from '../testing/gpu.ts';
import { uniforms } from '../weights/random.ts';
import { lossConfig, optimizerConfig } from './config.ts';
import { gradientId, LABELS, lowerTraining, STATE, STATE_WORDS } from './lower-training.ts';

const gpu = await testGpu();
const engine = gpu ? await Engine.create(async () => gpu) : null;
const tables = import.meta.glob<{ op: string; cases: OpCase[] }>('../ops/random-*.cases.ts', { eager: true });
const compile = { optimizer: optimizerConfig('sgd'), loss: lossConfig('mean_squared_error'), metrics: [] };

async function check(op: string, c: OpCase, seed: number, step: number): Promise<void> {
  const report = analyzeGraph(singleOpGraph(op, c.inputs, c.attrs ?? {}));
  expect(report.problems).toEqual([]);
  const batch = c.batch ?? 1;
  const x = randomInput([batch, ...c.inputs[0]], 'x0');
  const node = report.byId.get('y')!;
  const outShape = [batch, ...node.shape!];
  const r: Tensor = { shape: outShape, data: Float32Array.from(uniforms(sizeOf(outShape), 11, 'r'), (v) => 2 * v - 1) };
  const ctx = { nodeId: 'y', seed, step, trainable: true };
  const def = findOp(op)!;
  const want = def.trainForward!([x], {}, node.attrs, ctx).output;
  const wantGrad = def.backward!([x], {}, node.attrs, r, ctx).inputs[0];

  const training = lowerTraining(report, new Map(), { batch, compile, probe: true });
  const compiled = new CompiledGraph(engine!, training.plan, new Set([...training.kept, 'y']));
  const words = new Uint32Array(STATE_WORDS);
  words[1] = seed; // STATE_SEED
  words[3] = step; // STATE_BATCH_INDEX
  const feeds = { x0: x, [LABELS]: r, [STATE]: { shape: [STATE_WORDS], data: new Float32Array(words.buffer) } };
  const got = (await compiled.run(feeds, { read: ['y', gradientId('x0')] })).tensors;
  compiled.destroy();
  const close = (name: string, g: Tensor | undefined, w: Tensor) => {
    expect(g?.shape, name).toEqual(w.shape);
    const bad = mismatches(g!.data, w.data, { atol: 1e-5, rtol: 1e-5 });
    expect(bad, `${op} ${c.name}, seed ${seed} step ${step}: ${name}\n${bad.join('\n')}`).toEqual([]);
  };
  close('training forward', got.get('y'), want);
  close('dL/dx', got.get(gradientId('x0')), wantGrad);
}

describe.skipIf(!engine)('augmentation ops: GPU training step = reference (forward and input gradient)', () => {
  for (const { op, cases } of Object.values(tables))
    describe(op, () => {
      for (const c of cases)
        for (const [seed, step] of [[1, 0], [123456789, 7], [0xfffffffe, 41]]) it(`${c.name}, seed ${seed}, step ${step}`, () => check(op, c, seed, step));
    });
});
