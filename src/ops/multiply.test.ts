import { describe, expect, it } from 'vitest';
import { expectClose, TOLERANCE } from '../testing/expect-close.ts';
import { tensor } from '../tensor.ts';
import { resolveAttrs } from './attrs.ts';
import { Multiply } from './multiply.ts';

const attrs = resolveAttrs(Multiply, {}).attrs as any;

describe('Multiply', () => {
  it('scales each channel by a 1×1×C squeeze-excite input (hand-checked)', () => {
    const x = tensor([1, 2, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8]);
    const scale = tensor([1, 1, 1, 2], [0.5, 2]);
    const y = Multiply.reference([x, scale], {}, attrs);
    expect(y.shape).toEqual([1, 2, 2, 2]);
    expect([...y.data]).toEqual([0.5, 4, 1.5, 8, 2.5, 12, 3.5, 16]);
  });

  it('multiplies three inputs elementwise', () => {
    const a = tensor([1, 3], [1, 2, 3]), b = tensor([1, 3], [4, 5, 6]), c = tensor([1, 3], [0.1, -1, 0]);
    expectClose(Multiply.reference([a, b, c], {}, attrs).data, [0.4, -10, 0], TOLERANCE.elementwise);
  });

  it('infers shapes, arity and one multiply per extra input per element', () => {
    expect(Multiply.inferShape([[7, 7, 512], [1, 1, 512]], attrs)).toEqual([7, 7, 512]);
    expect(Multiply.inferShape([[7, 7, 512], [512]], attrs)).toEqual([7, 7, 512]);
    expect(Multiply.arity).toEqual({ min: 2, max: Infinity });
    expect(Multiply.flops([[7, 7, 512], [1, 1, 512]], [7, 7, 512], attrs)).toBe(7 * 7 * 512);
    expect(() => Multiply.inferShape([[7, 7, 512], [1, 1, 256]], attrs)).toThrow('Multiply needs equal shapes: 7×7×512 vs 1×1×256');
  });
});
