// The named contracts between the compiler and the shaders' switches: elementwise.wgsl's OP and
// activation.wgsl's kinds are WGSL consts generated from the TypeScript lists (kernels.ts), and each
// case of the switch computes what its name says.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OPS } from '../ops/index.ts';
import { ACTIVATION_KIND } from './activation-codes.ts';
import { ELEMENTWISE_OP } from './elementwise-ops.ts';
import { KERNELS } from './kernels.ts';

const escape = (s: string) => s.replace(/[()*+.?[\]]/g, '\\$&');
const EXPRESSION: Record<string, string> = { add: 'va + vb', subtract: 'va - vb', multiply: 'va * vb', maximum: 'max(va, vb)', minimum: 'min(va, vb)', divide: 'va / vb' };

describe('shaders/elementwise.wgsl OP', () => {
  const wgsl = readFileSync('shaders/elementwise.wgsl', 'utf8');
  it.each(Object.entries(EXPRESSION))('OP_%s is generated from ELEMENTWISE_OP and computes %s', (name, expression) => {
    const constant = `OP_${name.toUpperCase()}`;
    expect(KERNELS.elementwise.code).toContain(`const ${constant}: u32 = ${ELEMENTWISE_OP[name as keyof typeof ELEMENTWISE_OP]}u;`);
    expect(wgsl).toMatch(new RegExp(`case ${constant}: \\{ v = ${escape(expression)}; \\}`));
  });

  it('OP_COPY reads no second operand', () => {
    expect(wgsl).toMatch(/if \(OP != OP_COPY\) \{\s*let vb = b\[/);
  });

  it('every merge op of the registry names an operation the kernel has', () => {
    for (const op of OPS) if (op.gpu?.merge) expect(EXPRESSION, op.type).toHaveProperty(op.gpu.merge);
  });
});

describe('shaders/activation.wgsl kinds', () => {
  const wgsl = readFileSync('shaders/activation.wgsl', 'utf8');
  it.each(Object.entries(ACTIVATION_KIND))('ACT_%s = %i has its case (linear: the default)', (name, code) => {
    const constant = `ACT_${name.toUpperCase()}`;
    expect(KERNELS.affine.code).toContain(`const ${constant}: u32 = ${code}u;`);
    if (name === 'linear') expect(wgsl).toMatch(/default: \{ return x; \}/);
    else expect(wgsl).toMatch(new RegExp(`case ${constant}: \\{ return `));
  });

  it('names no kind the list lacks', () => {
    const used = [...wgsl.matchAll(/case (ACT_\w+):/g)].map((m) => m[1]);
    expect(used.filter((c) => !(c.slice(4).toLowerCase() in ACTIVATION_KIND))).toEqual([]);
  });
});
