import { describe, expect, it } from 'vitest';
import { sizeOf, tensor } from '../tensor.ts';
import { resolveAttrs } from './attrs.ts';
import { DepthwiseConv2D } from './depthwise-conv2d.ts';
import { OpError } from './op.ts';

const attrs = (raw: Record<string, unknown>) => resolveAttrs(DepthwiseConv2D, raw).attrs as any;
const ones = (shape: number[]) => tensor(shape, new Array(sizeOf(shape)).fill(1));
const count = (input: number[], raw: Record<string, unknown>) =>
  DepthwiseConv2D.weights!([input], attrs(raw)).reduce((n, w) => n + sizeOf(w.shape), 0);
const caught = (f: () => unknown): OpError => {
  try {
    f();
  } catch (e) {
    return e as OpError;
  }
  throw new Error('expected an OpError');
};

describe('DepthwiseConv2D', () => {
  it('matches the ONNX Runtime golden for m=0 and picks the top-left tap for m=1 (depth_multiplier 2)', () => {
    const x = tensor([1, 3, 3, 1], [10, 20, 30, 40, 50, 60, 70, 80, 90]);
    // [KH, KW, C, DM]: m=0 is [1,2;3,4], m=1 is [1,0;0,0].
    const depthwise_kernel = tensor([2, 2, 1, 2], [1, 1, 2, 0, 3, 0, 4, 0]);
    const y = DepthwiseConv2D.reference([x], { depthwise_kernel }, attrs({ kernel_size: 2, depth_multiplier: 2, use_bias: false }));
    expect(y.shape).toEqual([1, 2, 2, 2]);
    expect([...y.data]).toEqual([370, 10, 470, 20, 670, 40, 770, 50]);
  });

  it('orders output channels c·DM + m and adds the bias per output channel', () => {
    const x = tensor([1, 1, 1, 2], [3, 5]);
    const depthwise_kernel = tensor([1, 1, 2, 2], [1, 2, 10, 100]);
    const bias = tensor([4], [1, 2, 3, 4]);
    const y = DepthwiseConv2D.reference([x], { depthwise_kernel, bias }, attrs({ kernel_size: 1, depth_multiplier: 2 }));
    expect([...y.data]).toEqual([3 + 1, 6 + 2, 50 + 3, 500 + 4]);
  });

  it("puts the extra 'same' pad at the end with stride 2 on an even size (TF SAME)", () => {
    const x = tensor([1, 4, 4, 1], Array.from({ length: 16 }, (_, i) => i + 1));
    const y = DepthwiseConv2D.reference([x], { depthwise_kernel: ones([3, 3, 1, 1]) },
      attrs({ kernel_size: 3, strides: 2, padding: 'same', use_bias: false }));
    // windows rows/cols 0..2 and 2..4, where 4 is padding
    expect([...y.data]).toEqual([54, 45, 72, 54]);
  });

  it('spreads the taps with dilation_rate 2 and applies the activation', () => {
    const x = tensor([1, 5, 5, 1], Array.from({ length: 25 }, (_, i) => i + 1));
    const depthwise_kernel = tensor([2, 2, 1, 1], [1, 2, 3, 4]);
    const bias = tensor([1], [-100]);
    const y = DepthwiseConv2D.reference([x], { depthwise_kernel, bias }, attrs({ kernel_size: 2, dilation_rate: 2, activation: 'relu' }));
    // x[i,j] + 2·x[i,j+2] + 3·x[i+2,j] + 4·x[i+2,j+2] = 10·v + 82, v = x[i,j]; then −100 and relu
    expect(y.shape).toEqual([1, 3, 3, 1]);
    expect([...y.data]).toEqual([0, 2, 12, 42, 52, 62, 92, 102, 112]);
  });

  it.each([
    // [input, attrs, output]
    [[112, 112, 32], { padding: 'same' }, [112, 112, 32]],
    [[7, 7, 3], { strides: 2, padding: 'same' }, [4, 4, 3]],
    [[7, 7, 3], { strides: 2, padding: 'valid' }, [3, 3, 3]],
    [[7, 7, 3], { strides: 2, padding: 'same', depth_multiplier: 2 }, [4, 4, 6]],
    [[9, 9, 4], { dilation_rate: 2 }, [5, 5, 4]],
    [[10, 10, 3], { kernel_size: [1, 5], padding: [[1, 0], [2, 1]] }, [11, 9, 3]],
  ])('infers %j %j → %j', (input, raw, want) => {
    expect(DepthwiseConv2D.inferShape([input], attrs(raw))).toEqual(want);
  });

  it('counts Keras parameters: depthwise_kernel [KH, KW, C, DM] and bias [C·DM]', () => {
    expect(count([112, 112, 32], { use_bias: false })).toBe(288); // MobileNet's conv_dw_1
    const specs = DepthwiseConv2D.weights!([[8, 8, 8]], attrs({ depth_multiplier: 2 }));
    expect(specs.map((s) => [s.name, s.shape, s.trainable])).toEqual([
      ['depthwise_kernel', [3, 3, 8, 2], true],
      ['bias', [16], true],
    ]);
    expect(specs[0].initializer.name).toBe('glorot_uniform');
  });

  it('counts 2 FLOPs per multiply-add plus one per bias add', () => {
    const a = attrs({ padding: 'same', depth_multiplier: 2 });
    expect(DepthwiseConv2D.flops([[4, 4, 2]], [4, 4, 4], a)).toBe(2 * 4 * 4 * 4 * 9 + 4 * 4 * 4);
  });

  it('refuses a flat input, strides with dilation, and a window larger than the input', () => {
    expect(() => DepthwiseConv2D.inferShape([[128]], attrs({}))).toThrow('DepthwiseConv2D needs an H×W×C input, got 128');
    expect(() => DepthwiseConv2D.inferShape([[9, 9, 4]], attrs({ strides: 2, dilation_rate: 2 })))
      .toThrow('DepthwiseConv2D cannot combine strides > 1 with dilation_rate > 1');
    expect(() => DepthwiseConv2D.inferShape([[2, 2, 4]], attrs({ kernel_size: 3 })))
      .toThrow(/DepthwiseConv2D window 3×3 does not fit the 2×2 input/);
    const e = caught(() => DepthwiseConv2D.inferShape([[9, 9, 4]], attrs({ strides: 2, dilation_rate: 2 })));
    expect(e).toBeInstanceOf(OpError);
    expect(e.hint).toBe('set one of them to 1');
  });

  it('reports a depth_multiplier below 1 as an attr problem', () => {
    const { problems } = resolveAttrs(DepthwiseConv2D, { depth_multiplier: 0 });
    expect(problems.map((p) => p.attr)).toEqual(['depth_multiplier']);
  });
});
