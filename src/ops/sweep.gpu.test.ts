// Every op's case table (src/ops/*.cases.ts) on WebGPU against the CPU reference, each conv case with
// every applicable kernel. Tolerances by kind of op (STYLE.md).
import { describe, it } from 'vitest';
import { Engine } from '../runtime/engine.ts';
import { testGpu } from '../testing/gpu.ts';
import { compareWithReference, singleOpGraph } from '../testing/compare.ts';
import { expectClose, TOLERANCE } from '../testing/expect-close.ts';
import type { OpCase } from '../testing/cases.ts';
import { findOp } from './index.ts';

const tables = import.meta.glob<{ cases: OpCase[] }>('./*.cases.ts', { eager: true });
const gpu = await testGpu();
const engine = gpu ? await Engine.create(async () => gpu) : null;

const toleranceOf = (op: string) => {
  const category = findOp(op)!.category;
  if (['Convolution', 'Pooling', 'Normalization'].includes(category) || op === 'Dense' || op === 'Dot') return TOLERANCE.conv;
  if (['Concatenate', 'ZeroPadding2D', 'Cropping2D', 'Flatten', 'Reshape', 'Dropout'].includes(op)) return TOLERANCE.exact;
  return TOLERANCE.elementwise;
};

for (const [file, { cases }] of Object.entries(tables)) {
  const op = cases[0] && (file.match(/\.\/(.+)\.cases\.ts$/)![1]);
  const type = findOp(op!.replace(/-/g, ''))?.type ?? findOp(op!.split('-').map((s) => s[0].toUpperCase() + s.slice(1)).join(''))?.type;
  describe.skipIf(!gpu)(`${type ?? op} on WebGPU = reference`, () => {
    for (const c of cases) {
      const kernels = type === 'Conv2D' || type === 'Dense' ? (['auto', 'naive'] as const) : (['auto'] as const);
      for (const convKernel of kernels)
        it(`${c.name}${convKernel === 'naive' ? ' (naive kernel)' : ''}`, async () => {
          const { gpu: out, reference } = await compareWithReference(engine!, singleOpGraph(type!, c.inputs, c.attrs ?? {}), { batch: c.batch, convKernel });
          expectClose(out.tensors.get('y')!.data, reference.get('y')!.data, c.tolerance ?? toleranceOf(type!));
        });
    }
  });
}
