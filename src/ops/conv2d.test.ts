import { describe, expect, it } from 'vitest';
import { tensor } from '../tensor.ts';
import { resolveAttrs } from './attrs.ts';
import { Conv2D } from './conv2d.ts';

const attrs = (raw: Record<string, unknown>) => resolveAttrs(Conv2D, raw).attrs as any;

describe('Conv2D', () => {
  it('matches the hand-checkable golden (ONNX Runtime: 10…90 ⊛ [1,2;3,4], valid)', () => {
    const x = tensor([1, 3, 3, 1], [10, 20, 30, 40, 50, 60, 70, 80, 90]);
    const kernel = tensor([2, 2, 1, 1], [1, 2, 3, 4]);
    const y = Conv2D.reference([x], { kernel }, attrs({ filters: 1, kernel_size: 2, use_bias: false }));
    expect(y.shape).toEqual([1, 2, 2, 1]);
    expect([...y.data]).toEqual([370, 470, 670, 770]);
  });

  it.each([
    // [input, attrs, output]
    [[7, 7, 3], { filters: 8, kernel_size: 3, strides: 2, padding: 'same' }, [4, 4, 8]],
    [[7, 7, 3], { filters: 8, kernel_size: 3, strides: 2, padding: 'valid' }, [3, 3, 8]],
    [[17, 17, 768], { filters: 192, kernel_size: [1, 7], padding: 'same' }, [17, 17, 192]],
    [[17, 17, 768], { filters: 192, kernel_size: [7, 1], padding: 'valid' }, [11, 17, 192]],
    [[9, 9, 4], { filters: 4, kernel_size: 3, dilation_rate: 2, padding: 'valid' }, [5, 5, 4]],
    [[8, 8, 64], { filters: 128, kernel_size: 3, groups: 32, padding: 'same' }, [8, 8, 128]],
    [[10, 10, 3], { filters: 2, kernel_size: 3, padding: [[1, 0], [2, 1]] }, [9, 11, 2]],
  ])('infers %j %j → %j', (input, raw, want) => {
    expect(Conv2D.inferShape([input], attrs(raw))).toEqual(want);
  });

  it('counts kernel + bias, groups dividing the kernel', () => {
    const a = attrs({ filters: 128, kernel_size: 3, groups: 32 });
    const specs = Conv2D.weights!([[8, 8, 128]], a);
    expect(specs.map((s) => s.shape)).toEqual([[3, 3, 4, 128], [128]]);
  });

  it('refuses strides with dilation (Keras) unless allow_strided_dilation (PyTorch, ONNX imports)', () => {
    expect(() => Conv2D.inferShape([[9, 9, 4]], attrs({ strides: 2, dilation_rate: 2 }))).toThrow('Conv2D cannot combine strides > 1 with dilation_rate > 1 (as in Keras)');
    // (9 − 5) / 2 + 1 = 3 windows of span 5 per axis
    expect(Conv2D.inferShape([[9, 9, 4]], attrs({ filters: 2, strides: 2, dilation_rate: 2, allow_strided_dilation: true }))).toEqual([3, 3, 2]);
  });

  it('strides 2 with dilation 2 (hand-checked): a 2×2 kernel of ones on 0…24 sums x[2i + {0, 2}][2j + {0, 2}]', () => {
    const x = tensor([1, 5, 5, 1], Array.from({ length: 25 }, (_, i) => i));
    const kernel = tensor([2, 2, 1, 1], [1, 1, 1, 1]);
    const y = Conv2D.reference([x], { kernel }, attrs({ filters: 1, kernel_size: 2, strides: 2, dilation_rate: 2, use_bias: false, allow_strided_dilation: true }));
    expect(y.shape).toEqual([1, 2, 2, 1]);
    expect([...y.data]).toEqual([0 + 2 + 10 + 12, 2 + 4 + 12 + 14, 10 + 12 + 20 + 22, 12 + 14 + 22 + 24]);
  });

  it('refuses groups that do not divide the channels, with a hint', () => {
    expect(() => Conv2D.inferShape([[8, 8, 30]], attrs({ filters: 64, groups: 4 }))).toThrow(/groups=4 must divide/);
  });
});
