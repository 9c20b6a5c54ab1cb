import { describe, expect, it } from 'vitest';
import { tensor } from '../tensor.ts';
import { resolveAttrs } from './attrs.ts';
import { OpError } from './op.ts';
import { Reshape } from './reshape.ts';

const attrs = (raw: Record<string, unknown>) => resolveAttrs(Reshape, raw).attrs as any;
const caught = (f: () => unknown): OpError => {
  try {
    f();
  } catch (e) {
    return e as OpError;
  }
  throw new Error('expected an OpError');
};

describe('Reshape', () => {
  it('keeps the values and their order, per batch item, as an exact copy', () => {
    const x = tensor([2, 6], Array.from({ length: 12 }, (_, i) => i * 1.5));
    const y = Reshape.reference([x], {}, attrs({ target_shape: [3, -1] }));
    expect(y.shape).toEqual([2, 3, 2]);
    expect([...y.data]).toEqual([...x.data]);
    expect(y.data).not.toBe(x.data);
  });

  it.each([
    [[7, 7, 64], { target_shape: [-1] }, [3136]],
    [[3136], { target_shape: [7, 7, 64] }, [7, 7, 64]],
    [[4, 4, 8], { target_shape: [2, -1, 8] }, [2, 8, 8]],
    [[1, 1, 1024], { target_shape: [1024] }, [1024]],
    [[10], { target_shape: [1, 1, 10] }, [1, 1, 10]],
    [[12], { target_shape: [-1, 1] }, [12, 1]],
  ])('infers %j %j → %j', (input, raw, want) => {
    expect(Reshape.inferShape([input], attrs(raw))).toEqual(want);
  });

  it('names both element counts when the sizes do not match', () => {
    const e = caught(() => Reshape.inferShape([[7, 7, 64]], attrs({ target_shape: [100, 30] })));
    expect(e).toBeInstanceOf(OpError);
    expect(e.message).toBe('Reshape cannot turn 7×7×64 (3136 elements) into 100×30 (3000 elements)');
    expect(e.hint).toBe('give a target_shape whose sizes multiply to 3136, or put -1 on one axis to infer it');
  });

  it('explains a -1 that cannot be inferred', () => {
    const e = caught(() => Reshape.inferShape([[3, 5]], attrs({ target_shape: [2, -1] })));
    expect(e.message).toBe('Reshape cannot turn 3×5 (15 elements) into 2×-1: the given sizes hold 2 elements, which does not divide 15');
    expect(e.hint).toBe('make the sizes other than -1 multiply to a divisor of 15');
  });

  it('reports bad target shapes as attr problems, and costs nothing', () => {
    const problems = (raw: unknown) => resolveAttrs(Reshape, { target_shape: raw }).problems.map((p) => p.message);
    expect(problems([-1, 2, -1])).toEqual(['Reshape target_shape at most one entry may be -1']);
    expect(problems([0, 4])).toEqual(['Reshape target_shape entries must be between 1 and 16777216, got 0']);
    expect(problems('7x7')).toEqual(['Reshape target_shape must be a list of whole numbers, got "7x7"']);
    expect(Reshape.flops([[4]], [2, 2], attrs({}))).toBe(0);
  });
});
