import { describe, expect, it } from 'vitest';
import { topClasses } from './predictions.ts';

describe('topClasses', () => {
  it('names the first image’s largest outputs, largest first', () => {
    const output = { shape: [2, 3], data: Float32Array.from([0.2, 0.7, 0.1, 0.9, 0.05, 0.05]) };
    expect(topClasses(output, ['T-shirt/top', 'Trouser', 'Pullover'], 2).top).toEqual([
      { index: 1, name: 'Trouser', value: Math.fround(0.7) },
      { index: 0, name: 'T-shirt/top', value: Math.fround(0.2) },
    ]);
  });
  it('gives null names without class names, and no more than the outputs', () => {
    const p = topClasses({ shape: [1, 2], data: [1, 3] }, undefined, 5);
    expect(p.values).toEqual([1, 3]);
    expect(p.top).toEqual([{ index: 1, name: null, value: 3 }, { index: 0, name: null, value: 1 }]);
  });
});
