// The GPU backward table (src/train/backward/index.ts) against the op registry: every op with a
// reference gradient (OpDef.backward) has a row, so a new op cannot silently lack one on the GPU, and
// every row has a case table (src/ops/*.cases.ts), which backward.gpu.test.ts runs it on.
import { describe, expect, it } from 'vitest';
import { OPS } from '../ops/index.ts';
import type { OpCase } from '../testing/cases.ts';
import { BACKWARD } from './backward/index.ts';

const tables = import.meta.glob<{ op: string; cases: OpCase[] }>('../ops/*.cases.ts', { eager: true });

describe('the GPU backward table', () => {
  it('has a row for every op with a reference gradient', () => {
    expect(OPS.filter((o) => o.backward && !BACKWARD[o.type]).map((o) => o.type)).toEqual([]);
  });

  it('has rows only for ops of the registry, each with a case table to check it on', () => {
    expect(Object.keys(BACKWARD).filter((type) => !OPS.some((o) => o.type === type))).toEqual([]);
    const tabled = new Set(Object.values(tables).map((t) => t.op));
    expect(Object.keys(BACKWARD).filter((type) => !tabled.has(type))).toEqual([]);
  });
});
