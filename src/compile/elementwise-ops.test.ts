// The named contract between the compiler and shaders/elementwise.wgsl: each operation's code is the
// case of the kernel's switch that computes it.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OPS } from '../ops/index.ts';
import { ELEMENTWISE_OP } from './elementwise-ops.ts';

const wgsl = readFileSync('shaders/elementwise.wgsl', 'utf8');
const EXPRESSION: Record<string, string> = { add: 'va + vb', subtract: 'va - vb', multiply: 'va * vb', maximum: 'max(va, vb)', minimum: 'min(va, vb)', divide: 'va / vb' };

describe('shaders/elementwise.wgsl OP codes', () => {
  it.each(Object.entries(EXPRESSION))('%s is the case that computes %s', (name, expression) => {
    const code = ELEMENTWISE_OP[name as keyof typeof ELEMENTWISE_OP];
    expect(wgsl).toMatch(new RegExp(`case ${code}u: \\{ v = ${expression.replace(/[()*+]/g, '\\$&')}; \\}`));
  });

  it('0 copies a (no second operand read)', () => {
    expect(ELEMENTWISE_OP.copy).toBe(0);
    expect(wgsl).toMatch(/if \(OP != 0u\) \{\s*let vb = b\[/);
  });

  it('every merge op of the registry names an operation the kernel has', () => {
    for (const op of OPS) if (op.gpu?.merge) expect(ELEMENTWISE_OP, op.type).toHaveProperty(op.gpu.merge);
  });
});
