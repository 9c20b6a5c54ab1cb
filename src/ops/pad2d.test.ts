import { describe, expect, it } from 'vitest';
import { tensor } from '../tensor.ts';
import { resolveAttrs } from './attrs.ts';
import { findOp } from './index.ts';
import { Pad2D } from './pad2d.ts';

const attrs = (a: Record<string, unknown>) => resolveAttrs(Pad2D, a).attrs as any;
/** One row [1, 2, 3] (1×3×1), padded left 2 and right 2. */
const row = tensor([1, 1, 3, 1], [1, 2, 3]);
const pad = (a: Record<string, unknown>) => [...Pad2D.reference([row], {}, attrs({ padding: [[0, 0], [2, 2]], ...a })).data];

describe('Pad2D', () => {
  it('is in the registry', () => {
    expect(findOp('pad2d')).toBe(Pad2D);
  });

  it('pads by reflection without the border, by the border, or with a constant (as numpy.pad)', () => {
    expect(pad({ mode: 'reflect' })).toEqual([3, 2, 1, 2, 3, 2, 1]);
    expect(pad({ mode: 'edge' })).toEqual([1, 1, 1, 2, 3, 3, 3]);
    expect(pad({ mode: 'constant', constant_value: -1 })).toEqual([-1, -1, 1, 2, 3, -1, -1]);
  });

  it('pads H as it pads W, per channel', () => {
    const x = tensor([1, 2, 1, 2], [1, 10, 2, 20]);
    const y = Pad2D.reference([x], {}, attrs({ mode: 'edge', padding: [[1, 0], [0, 0]] }));
    expect(y.shape).toEqual([1, 3, 1, 2]);
    expect([...y.data]).toEqual([1, 10, 1, 10, 2, 20]);
  });

  it('refuses a reflection wider than the input allows, and infers shapes', () => {
    expect(() => Pad2D.inferShape([[2, 3, 1]], attrs({ mode: 'reflect', padding: [[0, 0], [3, 0]] })))
      .toThrow('Pad2D reflect padding [[0,0],[3,0]] is wider than the 2×3 input allows');
    expect(Pad2D.inferShape([[2, 3, 1]], attrs({ mode: 'edge', padding: [[0, 0], [3, 0]] }))).toEqual([2, 6, 1]);
  });
});
