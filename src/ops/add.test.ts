import { describe, expect, it } from 'vitest';
import { expectClose, TOLERANCE } from '../testing/expect-close.ts';
import { tensor } from '../tensor.ts';
import { resolveAttrs } from './attrs.ts';
import { Add } from './add.ts';

const attrs = resolveAttrs(Add, {}).attrs as any;

describe('Add', () => {
  it('sums two maps and broadcasts a per-channel 1×1×C input (hand-checked)', () => {
    const x = tensor([1, 2, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8]);
    expect([...Add.reference([x, x], {}, attrs).data]).toEqual([2, 4, 6, 8, 10, 12, 14, 16]);
    const perChannel = tensor([1, 1, 1, 2], [10, 20]);
    const y = Add.reference([x, perChannel], {}, attrs);
    expect(y.shape).toEqual([1, 2, 2, 2]);
    expect([...y.data]).toEqual([11, 22, 13, 24, 15, 26, 17, 28]);
  });

  it('adds three inputs, one of lower rank, in float64 before storing', () => {
    const a = tensor([1, 2, 1], [0.1, 0.2]), b = tensor([1, 2, 1], [0.2, 0.3]), c = tensor([1, 1], [0.3]);
    expectClose(Add.reference([a, b, c], {}, attrs).data, [0.6, 0.8], TOLERANCE.elementwise);
  });

  it('infers shapes, has no weights and costs inputs − 1 adds per element', () => {
    expect(Add.inferShape([[56, 56, 256], [56, 56, 256]], attrs)).toEqual([56, 56, 256]);
    expect(Add.inferShape([[56, 56, 256], [1, 1, 256], [256]], attrs)).toEqual([56, 56, 256]);
    expect(Add.arity).toEqual({ min: 2, max: Infinity });
    expect(Add.category).toBe('Merge');
    expect(Add.weights).toBeUndefined();
    expect(Add.flops([[4, 4, 8], [4, 4, 8], [4, 4, 8]], [4, 4, 8], attrs)).toBe(2 * 128);
  });

  it('refuses a ResNet shortcut without its projection, with a hint', () => {
    expect(() => Add.inferShape([[28, 28, 64], [28, 28, 128]], attrs)).toThrow('Add needs equal shapes: 28×28×64 vs 28×28×128');
  });

  it('has no attributes to set', () => {
    expect(resolveAttrs(Add, { axis: 1 }).problems.map((p) => p.message)).toEqual(["Add has no attribute 'axis'"]);
  });
});
