import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { describe, expect, it } from 'vitest';
import { expectClose, TOLERANCE } from '../testing/expect-close.ts';
import { tensor } from '../tensor.ts';
import { resolveAttrs } from './attrs.ts';
import { LeakyReLU } from './leaky-relu.ts';

const attrs = (raw: Record<string, unknown>) => resolveAttrs(LeakyReLU, raw).attrs as any;

describe('LeakyReLU', () => {
  it('scales negatives by 0.3 by default (Keras) and keeps the rest', () => {
    const y = LeakyReLU.reference([tensor([1, 4], [-10, -1, 0, 5])], {}, attrs({}));
    expectClose(y.data, [-3, -0.3, 0, 5], TOLERANCE.elementwise);
  });

  it('uses the given negative_slope', () => {
    const y = LeakyReLU.reference([tensor([1, 2, 1], [-4, 4])], {}, attrs({ negative_slope: 0.25 }));
    expect(y.shape).toEqual([1, 2, 1]);
    expect([...y.data]).toEqual([-1, 4]);
  });

  it("takes the slope at 0 itself, as TensorFlow's LeakyReluGrad (x > 0) and TF.js do", () => {
    const x = [-2, 0, 3];
    const want = tf.grad((t: tf.Tensor) => tf.leakyRelu(t, 0.3))(tf.tensor1d(x)).dataSync();
    const { inputs: [dx] } = LeakyReLU.backward!([tensor([1, 3], x)], {}, attrs({}), tensor([1, 3], [1, 1, 1]));
    expect([...dx.data]).toEqual([...want]);
    expect(dx.data[1]).toBeCloseTo(0.3, 6);
  });

  it('keeps the shape and counts one FLOP per element', () => {
    expect(LeakyReLU.inferShape([[5, 5, 8]], attrs({}))).toEqual([5, 5, 8]);
    expect(LeakyReLU.flops([[5, 5, 8]], [5, 5, 8], attrs({}))).toBe(200);
  });

  it("reports a negative slope, and Keras 2's alpha as unknown", () => {
    expect(resolveAttrs(LeakyReLU, { negative_slope: -1 }).problems.map((p) => p.message))
      .toEqual(['LeakyReLU negative_slope must be between 0 and ∞, got -1']);
    expect(resolveAttrs(LeakyReLU, { alpha: 0.1 }).problems).toEqual([
      { attr: 'alpha', message: "LeakyReLU has no attribute 'alpha'", hint: 'known attributes: negative_slope' },
    ]);
  });
});
