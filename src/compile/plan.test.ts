// assignPhysical: no two tensors live at once share a buffer, every buffer holds its tenants, kept
// and input tensors live the whole run — on real plans (inference and a training step) and on
// small ones where one of its two packings is clearly the smaller.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../graph/analyze.ts';
import type { GraphFile } from '../graph/types.ts';
import { materializeWeights } from '../runtime/reference.ts';
import { lossConfig, optimizerConfig } from '../train/config.ts';
import { lowerTraining } from '../train/lower-training.ts';
import { lowerGraph } from './lower.ts';
import { assignPhysical, type Allocation, type Plan, type Step } from './plan.ts';

/** A step that binds these allocations (whole), as lowering emits them. */
const touching = (...allocs: number[]): Step => ({
  node: 'n', fused: [], kernel: 'elementwise', overrides: {}, params: {}, workgroups: 1,
  bindings: Object.fromEntries(allocs.map((a, i) => [`b${i}`, { kind: 'view', view: { alloc: a, offset: 0, shape: [1], strides: [1] } }])),
});
const sized = (...floats: number[]): Allocation[] => floats.map((f, i) => ({ floats: f, owner: `t${i}` }));
const total = (p: { physicalFloats: number[] }) => p.physicalFloats.reduce((a, b) => a + b, 0);

/** Steps during which each allocation is bound (first to last use; inputs from before the first step). */
function lifetimes(plan: Plan, keep: Set<number>): [number, number][] {
  const life = plan.allocations.map((): [number, number] => [Infinity, -1]);
  const inputs = new Set([...plan.inputs.values()].map((v) => v.alloc));
  plan.steps.forEach((s, t) => {
    for (const b of Object.values(s.bindings)) if (b.kind === 'view') life[b.view.alloc] = [Math.min(life[b.view.alloc][0], t), Math.max(life[b.view.alloc][1], t)];
  });
  return life.map(([f, l], a) => [inputs.has(a) ? -1 : f, keep.has(a) ? Infinity : l]);
}

function expectSound(plan: Plan, keep: Set<number>): void {
  const life = lifetimes(plan, keep);
  const used = plan.allocations.map((_, a) => a).filter((a) => life[a][1] >= life[a][0]);
  for (const a of used) expect(plan.physicalFloats[plan.physical[a]], plan.allocations[a].owner).toBeGreaterThanOrEqual(plan.allocations[a].floats);
  for (const a of used)
    for (const b of used)
      if (a < b && plan.physical[a] === plan.physical[b])
        expect(life[a][1] < life[b][0] || life[b][1] < life[a][0], `${plan.allocations[a].owner} and ${plan.allocations[b].owner} share a buffer while both live`).toBe(true);
}

describe('assignPhysical', () => {
  it('packs largest first where that is smaller: two big tensors one after the other share, the small one apart', () => {
    // t0 (10) in steps 0–1; t1 (1) and t2 (10) in steps 2–3. By first use t1 takes t0's buffer and t2 a new one (20).
    const packed = assignPhysical(sized(10, 1, 10), [touching(0), touching(0), touching(1, 2), touching(1, 2)], new Set(), []);
    expect(total(packed)).toBe(11);
    expect(packed.physical[0]).toBe(packed.physical[2]);
  });

  it('holds an input from before the first step, and a kept tensor to the end', () => {
    // t0 an input read at step 1: t1 (step 0) may not overwrite it. t2 kept: t3 (step 2) may not take its buffer.
    const packed = assignPhysical(sized(4, 4, 4, 4), [touching(1), touching(0, 2), touching(3)], new Set([2]), [0]);
    expect(packed.physical[1]).not.toBe(packed.physical[0]);
    expect(packed.physical[3]).not.toBe(packed.physical[2]);
    // Without those roles the four fit in two buffers.
    expect(total(assignPhysical(sized(4, 4, 4, 4), [touching(1), touching(0, 2), touching(3)], new Set(), []))).toBe(8);
  });

  it('never lets two live tensors share a buffer in real plans: an Inception module, a ResNet training step', () => {
    const inception = JSON.parse(readFileSync('examples/inception-3a.json', 'utf8')) as GraphFile;
    const report = analyzeGraph(inception);
    const output = report.outputs[0];
    for (const convKernel of ['direct', 'gemm'] as const) {
      const plan = lowerGraph(report, materializeWeights(report, 1), { batch: 1, keep: [output], convKernel, subgroups: true });
      expectSound(plan, new Set([plan.views.get(output)!.alloc]));
    }
    const path = 'examples/fashion-resnet.json';
    expect(existsSync(path)).toBe(true);
    const resnet = analyzeGraph(JSON.parse(readFileSync(path, 'utf8')));
    const training = lowerTraining(resnet, materializeWeights(resnet, 1), {
      batch: 4, compile: { optimizer: optimizerConfig('adam'), loss: lossConfig('sparse_categorical_crossentropy'), metrics: ['accuracy'] },
      kernels: { convKernel: 'direct', subgroups: true },
    });
    expectSound(training.plan, new Set(training.kept.map((id) => training.plan.views.get(id)?.alloc).filter((a): a is number => a !== undefined)));
  });
});
