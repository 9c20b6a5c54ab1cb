// Every op's case table (src/ops/*.cases.ts) on WebGPU against the CPU reference, each conv case with
// every applicable kernel. Tolerances by kind of op (STYLE.md).
import { describe, expect, it } from 'vitest';
import { Engine } from '../runtime/engine.ts';
import { testGpu } from '../testing/gpu.ts';
import { compareWithReference } from '../testing/compare.ts';
import { expectClose } from '../testing/expect-close.ts';
import { caseGraph, toleranceOf, type OpCase } from '../testing/cases.ts';
import { findOp, OPS } from './index.ts';

const tables = import.meta.glob<{ op: string; cases: OpCase[] }>('./*.cases.ts', { eager: true });
const gpu = await testGpu();
const engine = gpu ? await Engine.create(async () => gpu) : null;

/** Ops whose lowering can take the naive conv kernel instead of the one 'auto' picks. */
const CONV_KERNEL_OPS = new Set(['Conv2D', 'Dense', 'DepthwiseConv2D', 'SeparableConv2D']);

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

  it('give a reason for every loosened tolerance', () => {
    for (const { cases } of Object.values(tables))
      for (const c of cases) if (c.tolerance) expect(c.why, c.name).toBeTruthy();
  });
});

for (const { op, cases } of Object.values(tables)) {
  describe.skipIf(!gpu)(`${op} on WebGPU = reference`, () => {
    const kernels = CONV_KERNEL_OPS.has(op) ? (['auto', 'naive'] as const) : (['auto'] as const);
    for (const c of cases)
      for (const convKernel of kernels)
        it(`${c.name}${convKernel === 'naive' ? ' (naive kernel)' : ''}`, async () => {
          const { gpu: out, reference } = await compareWithReference(engine!, caseGraph(op, c), { batch: c.batch, convKernel });
          const got = out.tensors.get('y')!, want = reference.get('y')!;
          expect(got.shape).toEqual(want.shape);
          expectClose(got.data, want.data, c.tolerance ?? toleranceOf(op));
        });
  });
}
