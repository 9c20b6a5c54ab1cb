import { describe, expect, it } from 'vitest';
import { sizeOf, tensor } from '../tensor.ts';
import { resolveAttrs } from './attrs.ts';
import { SeparableConv2D } from './separable-conv2d.ts';

const attrs = (raw: Record<string, unknown>) => resolveAttrs(SeparableConv2D, raw).attrs as any;
const params = (input: number[], raw: Record<string, unknown>) =>
  SeparableConv2D.weights!([input], attrs(raw)).reduce((n, w) => n + sizeOf(w.shape), 0);

describe('SeparableConv2D', () => {
  it('runs depthwise (DM 2), then pointwise, bias and relu (hand-checked)', () => {
    const x = tensor([1, 3, 3, 1], [10, 20, 30, 40, 50, 60, 70, 80, 90]);
    // depthwise per pixel: [a, b] = [ONNX golden 370…770, top-left tap 10…50]
    const depthwise_kernel = tensor([2, 2, 1, 2], [1, 1, 2, 0, 3, 0, 4, 0]);
    // [1, 1, C·DM, OC]: filter 0 = a − 10·b, filter 1 = b
    const pointwise_kernel = tensor([1, 1, 2, 2], [1, 0, -10, 1]);
    const bias = tensor([2], [0, -15]);
    const y = SeparableConv2D.reference([x], { depthwise_kernel, pointwise_kernel, bias },
      attrs({ filters: 2, kernel_size: 2, depth_multiplier: 2, activation: 'relu' }));
    expect(y.shape).toEqual([1, 2, 2, 2]);
    expect([...y.data]).toEqual([270, 0, 270, 5, 270, 25, 270, 35]);
  });

  it("keeps the stride and 'same' padding of the depthwise stage", () => {
    const x = tensor([1, 4, 4, 1], Array.from({ length: 16 }, (_, i) => i + 1));
    const y = SeparableConv2D.reference([x], {
      depthwise_kernel: tensor([3, 3, 1, 1], new Array(9).fill(1)),
      pointwise_kernel: tensor([1, 1, 1, 1], [2]),
    }, attrs({ filters: 1, strides: 2, padding: 'same', use_bias: false }));
    expect([...y.data]).toEqual([108, 90, 144, 108]);
  });

  it.each([
    // [input, attrs, output]
    [[147, 147, 64], { filters: 128, padding: 'same' }, [147, 147, 128]],
    [[7, 7, 3], { filters: 8, strides: 2, padding: 'same' }, [4, 4, 8]],
    [[7, 7, 3], { filters: 8, strides: 2, padding: 'valid', depth_multiplier: 2 }, [3, 3, 8]],
    [[9, 9, 4], { filters: 5, dilation_rate: 2 }, [5, 5, 5]],
  ])('infers %j %j → %j', (input, raw, want) => {
    expect(SeparableConv2D.inferShape([input], attrs(raw))).toEqual(want);
  });

  it('counts Keras parameters in Keras order', () => {
    expect(params([32, 32, 32], { filters: 64, kernel_size: 3 })).toBe(3 * 3 * 32 + 32 * 64 + 64); // 2400
    expect(params([147, 147, 64], { filters: 128, use_bias: false })).toBe(8768); // Xception block2_sepconv1
    const specs = SeparableConv2D.weights!([[8, 8, 3]], attrs({ filters: 16, depth_multiplier: 2 }));
    expect(specs.map((s) => [s.name, s.shape])).toEqual([
      ['depthwise_kernel', [3, 3, 3, 2]],
      ['pointwise_kernel', [1, 1, 6, 16]],
      ['bias', [16]],
    ]);
  });

  it('counts FLOPs of both stages: 2 per multiply-add, 1 per bias add', () => {
    const a = attrs({ filters: 5, padding: 'same', depth_multiplier: 2 });
    const depthwise = 4 * 4 * 6 * 9, pointwise = 4 * 4 * 6 * 5;
    expect(SeparableConv2D.flops([[4, 4, 3]], [4, 4, 5], a)).toBe(2 * (depthwise + pointwise) + 4 * 4 * 5);
  });

  it('refuses with messages that name SeparableConv2D', () => {
    expect(() => SeparableConv2D.inferShape([[2048]], attrs({}))).toThrow('SeparableConv2D needs an H×W×C input, got 2048');
    expect(() => SeparableConv2D.inferShape([[9, 9, 4]], attrs({ strides: 2, dilation_rate: 2 })))
      .toThrow('SeparableConv2D cannot combine strides > 1 with dilation_rate > 1');
    expect(() => SeparableConv2D.inferShape([[2, 5, 4]], attrs({}))).toThrow(/SeparableConv2D window 3×3 does not fit the 2×5 input/);
  });
});
