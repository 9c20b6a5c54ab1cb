// Every op's case table (src/ops/*.cases.ts) on WebGPU against the CPU reference, each conv case with
// every conv kernel it can lower to. Tolerances by kind of op (STYLE.md).
import { describe, expect, it } from 'vitest';
import type { ConvKernel } from '../compile/lower.ts';
import { analyzeGraph } from '../graph/analyze.ts';
import type { GraphFile } from '../graph/types.ts';
import { Engine } from '../runtime/engine.ts';
import { materializeWeights } from '../runtime/reference.ts';
import { testGpu } from '../testing/gpu.ts';
import { compareWithReference } from '../testing/compare.ts';
import { expectClose } from '../testing/expect-close.ts';
import { caseGraph, toleranceOf, type OpCase } from '../testing/cases.ts';
import { findOp, OPS } from './index.ts';

const tables = import.meta.glob<{ op: string; cases: OpCase[] }>('./*.cases.ts', { eager: true });
const gpu = await testGpu();
const engine = gpu ? await Engine.create(async () => gpu) : null;

/** Ops whose lowering takes a conv kernel choice (the conv family, src/ops/op.ts GpuTraits); each case runs once per distinct set of kernels it yields. */
const CONV_KERNEL_OPS = new Set(OPS.filter((o) => o.gpu?.conv).map((o) => o.type));
/** Direct without subgroups: the register-tiled kernel adapters without quads get. */
const CONV_KERNELS: { convKernel: ConvKernel; subgroups?: boolean }[] = [
  { convKernel: 'gemm' }, { convKernel: 'gemm64' }, { convKernel: 'direct' }, { convKernel: 'direct', subgroups: false }, { convKernel: 'naive' },
];

/** The conv kernel choices that lower the case to different kernels, each with the kernels its op runs. */
function kernelVariants(op: string, c: OpCase): { options?: (typeof CONV_KERNELS)[number]; kernels: string }[] {
  if (!engine || !CONV_KERNEL_OPS.has(op)) return [{ kernels: '' }];
  const report = analyzeGraph(caseGraph(op, c));
  if (!report.ok) return [{ kernels: '' }]; // the test itself reports the problems
  const weights = materializeWeights(report, 1);
  const variants = new Map<string, (typeof CONV_KERNELS)[number]>();
  for (const options of CONV_KERNELS) {
    const steps = engine.compile(report, weights, { batch: c.batch ?? 1, ...options }).plan.steps;
    const kernels = steps.filter((s) => s.node === 'y').map((s) => s.kernel).join(' + ');
    if (!variants.has(kernels)) variants.set(kernels, options);
  }
  return [...variants].map(([kernels, options]) => ({ options, kernels }));
}

/**
 * The case with every input read from a channel slice of a Concatenate (behind 3 other channels, so
 * at an odd offset, and with a channel stride unless the batch and the spatial axes are 1): how ops
 * see their inputs inside Inception and DenseNet blocks, where producers write into the concat buffer.
 */
function sliceGraph(op: string, c: OpCase): GraphFile {
  const graph = caseGraph(op, { ...c, inputScale: c.inputScale ?? 1 });
  const y = graph.nodes.at(-1)!;
  const extra = y.inputs!.flatMap((scaled, i) => [
    { id: `pad${i}`, op: 'Input', attrs: { shape: [...c.inputs[i].slice(0, -1), 3] } },
    { id: `pad${i}_scaled`, op: 'Rescaling', attrs: { scale: 1 }, inputs: [`pad${i}`] },
    { id: `cat${i}`, op: 'Concatenate', attrs: { axis: -1 }, inputs: [`pad${i}_scaled`, scaled] },
  ]);
  return { ...graph, nodes: [...graph.nodes.slice(0, -1), ...extra, y] };
}

const fileName = (path: string) => path.match(/\.\/(.+)\.cases\.ts$/)![1];

describe('the case tables', () => {
  it('name their op, which matches the file name (max-pool2d → MaxPool2D)', () => {
    for (const [path, table] of Object.entries(tables)) {
      expect(findOp(table.op)?.type, `${path} exports op '${table.op}'`).toBe(table.op);
      expect(findOp(fileName(path).replace(/-/g, ''))?.type, path).toBe(table.op);
    }
  });

  it('cover every op of the registry but Input', () => {
    const covered = new Set(Object.values(tables).filter((t) => t.cases.length > 0).map((t) => t.op));
    expect(OPS.map((o) => o.type).filter((t) => t !== 'Input' && !covered.has(t))).toEqual([]);
  });

  it.skipIf(!gpu)('run every conv kernel', () => {
    const used = new Set(Object.values(tables).flatMap((t) => t.cases.flatMap((c) => kernelVariants(t.op, c).flatMap((v) => v.kernels.split(' + ')))));
    // conv2d-direct-quad (8 pixels, kept for comparison) has its own test: src/compile/direct-quad.gpu.test.ts.
    const want = ['conv2dGemm', 'conv2dGemm64', 'conv2dDirect', 'conv2dNaive', 'conv2dGrouped', 'depthwiseConv2d', ...(gpu?.features.subgroups ? ['conv2dDirectQuad16'] : [])];
    expect(want.filter((k) => !used.has(k))).toEqual([]);
  });

  it('give a reason for every loosened tolerance', () => {
    for (const { cases } of Object.values(tables))
      for (const c of cases) if (c.tolerance) expect(c.why, c.name).toBeTruthy();
  });
});

for (const { op, cases } of Object.values(tables)) {
  describe.skipIf(!gpu)(`${op} on WebGPU = reference`, () => {
    for (const c of cases)
      for (const { options, kernels } of kernelVariants(op, c))
        it(`${c.name}${kernels ? ` [${kernels}]` : ''}`, async () => {
          const { gpu: out, reference } = await compareWithReference(engine!, caseGraph(op, c), { batch: c.batch, ...options });
          const got = out.tensors.get('y')!, want = reference.get('y')!;
          expect(got.shape).toEqual(want.shape);
          expectClose(got.data, want.data, c.tolerance ?? toleranceOf(op));
        });
    for (const c of cases)
      it(`${c.name} (inputs read from a concat slice)`, async () => {
        const { gpu: out, reference } = await compareWithReference(engine!, sliceGraph(op, c), { batch: c.batch });
        expectClose(out.tensors.get('y')!.data, reference.get('y')!.data, c.tolerance ?? toleranceOf(op));
      });
  });
}
