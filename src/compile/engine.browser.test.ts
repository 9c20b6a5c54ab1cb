// The engine in Chromium (navigator.gpu): the `?raw` WGSL imports, then a handful of the sweep's cases
// (src/ops/*.cases.ts) through the same compareWithReference as in Node — a GEMM and a direct conv,
// a naive grouped conv, a ceil-mode pool, a concat written in place and a broadcasting merge.
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../graph/analyze.ts';
import { Engine } from '../runtime/engine.ts';
import { materializeWeights } from '../runtime/reference.ts';
import { caseGraph, toleranceOf, type OpCase } from '../testing/cases.ts';
import { compareWithReference } from '../testing/compare.ts';
import { expectClose } from '../testing/expect-close.ts';
import { testGpu } from '../testing/gpu.ts';
import { KERNELS } from './kernels.ts';
import type { ConvKernel } from './lower.ts';
import * as conv2d from '../ops/conv2d.cases.ts';
import * as averagePool2d from '../ops/average-pool2d.cases.ts';
import * as concatenate from '../ops/concatenate.cases.ts';
import * as add from '../ops/add.cases.ts';

const gpu = await testGpu();
const engine = gpu ? await Engine.create(async () => gpu) : null;

function pick(table: { op: string; cases: OpCase[] }, name: string): { op: string; c: OpCase } {
  const c = table.cases.find((k) => k.name === name);
  if (!c) throw new Error(`${table.op} has no case '${name}'`);
  return { op: table.op, c };
}

/** The kernels of the dispatches that compute the case's op (node 'y'). */
function kernelsOf(op: string, c: OpCase, convKernel?: ConvKernel): string[] {
  const report = analyzeGraph(caseGraph(op, c));
  const compiled = engine!.compile(report, materializeWeights(report, 1), { batch: c.batch ?? 1, convKernel });
  return compiled.plan.steps.filter((s) => s.node === 'y').map((s) => s.kernel);
}

describe('WGSL kernels imported with ?raw', () => {
  it('arrive as WGSL text with their uniform layout', () => {
    for (const k of Object.values(KERNELS)) {
      expect(k.code, k.name).toMatch(/@compute @workgroup_size/);
      expect(k.code, k.name).toMatch(/fn main\(/);
      expect(k.fields.size, k.name).toBeGreaterThan(0);
    }
    expect([...KERNELS.conv2dNaive.fields.keys()].at(-1)).toBe('groups');
    expect(KERNELS.conv2dGemm.code).toContain('fn epilogue('); // the preludes came along
  });
});

describe.skipIf(!gpu)('engine in the browser = reference', () => {
  const SMOKE: { op: string; c: OpCase; convKernel?: ConvKernel; kernels: string[] }[] = [
    { ...pick(conv2d, 'stride 2 same on odd 15×13×5 (pad at the end)'), convKernel: 'gemm', kernels: ['conv2dGemm'] },
    { ...pick(conv2d, 'stride 2 same on odd 15×13×5 (pad at the end)'), convKernel: 'gemm64', kernels: ['conv2dGemm64'] },
    { ...pick(conv2d, '3×3 same → 64 filters on odd 7×9×5 (quad-shared direct where the adapter has subgroups)'), convKernel: 'direct',
      kernels: [gpu?.features.subgroups ? 'conv2dDirectQuad16' : 'conv2dDirect'] },
    { ...pick(conv2d, 'groups 32 (ResNeXt), 3×3 same, 7×7×64 → 64'), kernels: ['conv2dNaive'] },
    { ...pick(averagePool2d, 'ceil_mode past the end pad, count_include_pad (clipped at the padded edge)'), kernels: ['pool2d'] },
    // Every branch writes its own channel slice: the Concatenate itself dispatches nothing.
    { ...pick(concatenate, 'channel slices written in place by their producers (DenseNet-like)'), kernels: [] },
    // Four inputs: one add, then two dispatches that accumulate into the output.
    { ...pick(add, '4 inputs, the third broadcasting [1, 1, C]'), kernels: ['elementwise', 'elementwise', 'elementwise'] },
  ];

  for (const { op, c, convKernel, kernels } of SMOKE)
    it(`${op}: ${c.name}${convKernel ? ` (${convKernel})` : ''}`, async () => {
      expect(kernelsOf(op, c, convKernel)).toEqual(kernels);
      const { gpu: out, reference } = await compareWithReference(engine!, caseGraph(op, c), { batch: c.batch, convKernel });
      const got = out.tensors.get('y')!, want = reference.get('y')!;
      expect(got.shape).toEqual(want.shape);
      expectClose(got.data, want.data, c.tolerance ?? toleranceOf(op));
    });
});
