import { describe, expect, it } from 'vitest';
import { expectClose, TOLERANCE } from '../testing/expect-close.ts';
import { sizeOf, tensor } from '../tensor.ts';
import { resolveAttrs } from './attrs.ts';
import { BatchNormalization } from './batch-normalization.ts';
import { OpError } from './op.ts';

const attrs = (raw: Record<string, unknown>) => resolveAttrs(BatchNormalization, raw).attrs as any;
const params = (specs: { shape: number[]; trainable: boolean }[]) => ({
  trainable: specs.filter((s) => s.trainable).reduce((n, s) => n + sizeOf(s.shape), 0),
  nonTrainable: specs.filter((s) => !s.trainable).reduce((n, s) => n + sizeOf(s.shape), 0),
});

// Two pixels of two channels; variance + epsilon (0.001) = 4 and 1, so √ is 2 and 1.
const x = tensor([1, 2, 2], [1, 10, 3, 20]);
const moving_mean = tensor([2], [2, 10]);
const moving_variance = tensor([2], [3.999, 0.999]);

describe('BatchNormalization', () => {
  it('computes gamma·(x − mean)/√(var + eps) + beta per channel (hand-checked)', () => {
    const gamma = tensor([2], [2, 1]), beta = tensor([2], [0.5, -1]);
    const y = BatchNormalization.reference([x], { gamma, beta, moving_mean, moving_variance }, attrs({}));
    expect(y.shape).toEqual([1, 2, 2]);
    expectClose(y.data, [2 * (1 - 2) / 2 + 0.5, (10 - 10) - 1, 2 * (3 - 2) / 2 + 0.5, (20 - 10) - 1], TOLERANCE.elementwise);
  });

  it('leaves gamma and beta out when scale and center are off', () => {
    const y = BatchNormalization.reference([x], { moving_mean, moving_variance }, attrs({ center: false, scale: false }));
    expectClose(y.data, [-0.5, 0, 0.5, 10], TOLERANCE.elementwise);
  });

  it.each([
    [[28, 28, 64], {}],
    [[28, 28, 64], { axis: 3 }],
    [[256], {}],
    [[256], { axis: 1 }],
    [[10, 7, 16], { axis: -1 }],
  ])('keeps the shape %j with %j', (input, raw) => {
    expect(BatchNormalization.inferShape([input], attrs(raw))).toEqual(input);
  });

  it('counts Keras parameters: gamma, beta trainable; moving statistics not', () => {
    const specs = BatchNormalization.weights!([[56, 56, 64]], attrs({}));
    expect(specs.map((s) => [s.name, s.shape, s.trainable, s.initializer.name])).toEqual([
      ['gamma', [64], true, 'ones'],
      ['beta', [64], true, 'zeros'],
      ['moving_mean', [64], false, 'zeros'],
      ['moving_variance', [64], false, 'ones'],
    ]);
    expect(params(specs)).toEqual({ trainable: 128, nonTrainable: 128 }); // 256 in all
    expect(params(BatchNormalization.weights!([[64]], attrs({ scale: false })))).toEqual({ trainable: 64, nonTrainable: 128 });
    expect(BatchNormalization.weights!([[64]], attrs({ center: false, scale: false })).map((s) => s.name))
      .toEqual(['moving_mean', 'moving_variance']);
  });

  it('counts 2 FLOPs per element (folded scale and shift)', () => {
    expect(BatchNormalization.flops([[4, 5, 6]], [4, 5, 6], attrs({}))).toBe(2 * 120);
  });

  it('refuses any axis but the channels, saying what to set', () => {
    for (const axis of [1, 2, 0, -2]) {
      let error: unknown;
      try {
        BatchNormalization.inferShape([[28, 28, 64]], attrs({ axis }));
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(OpError);
      expect((error as OpError).message).toBe(
        `BatchNormalization axis=${axis} on a 28×28×64 input is not the channel axis; deepwire normalises only the last axis (-1, or 3 counting the batch)`);
      expect((error as OpError).hint).toBe('set axis to -1: tensors here are channels-last (NHWC)');
    }
    expect(() => BatchNormalization.inferShape([[]], attrs({}))).toThrow('BatchNormalization needs an input with at least one axis, got scalar');
  });

  describe('training mode (Keras 3)', () => {
    // x over the batch: channel 0 holds 1, 3 (mean 2, biased variance 1), channel 1 holds 10, 20 (15, 25)
    const train = { nodeId: 'bn', seed: 0, step: 0, trainable: true };
    const gamma = tensor([2], [2, 1]), beta = tensor([2], [0.5, -1]);

    it('normalises with the batch mean and biased variance and moves the statistics by 1 − momentum', () => {
      const { output, updates } = BatchNormalization.trainForward!([x], { gamma, beta, moving_mean, moving_variance }, attrs({ momentum: 0.9 }), train);
      const s0 = Math.sqrt(1 + 0.001), s1 = Math.sqrt(25 + 0.001);
      expectClose(output.data, [2 * -1 / s0 + 0.5, -5 / s1 - 1, 2 * 1 / s0 + 0.5, 5 / s1 - 1], TOLERANCE.elementwise);
      expectClose(updates!.moving_mean.data, [2 * 0.9 + 2 * 0.1, 10 * 0.9 + 15 * 0.1], TOLERANCE.elementwise);
      expectClose(updates!.moving_variance.data, [3.999 * 0.9 + 1 * 0.1, 0.999 * 0.9 + 25 * 0.1], TOLERANCE.elementwise);
    });

    it('runs as at inference when frozen (trainable false): moving statistics, no update', () => {
      const weights = { gamma, beta, moving_mean, moving_variance };
      const frozen = BatchNormalization.trainForward!([x], weights, attrs({}), { ...train, trainable: false });
      expect([...frozen.output.data]).toEqual([...BatchNormalization.reference([x], weights, attrs({})).data]);
      expect(frozen.updates).toBeUndefined();
    });

    it('sends no gradient through a constant shift of a channel (the batch mean absorbs it)', () => {
      const dy = tensor([1, 2, 2], [1, 1, 1, 1]);
      const g = BatchNormalization.backward!([x], { gamma, beta, moving_mean, moving_variance }, attrs({}), dy, train);
      expectClose(g.inputs[0].data, [0, 0, 0, 0], { atol: 1e-6 });
      expectClose(g.weights.beta.data, [2, 2], TOLERANCE.elementwise);
      // at inference the same dy flows through as gamma/√(var + eps)
      const inference = BatchNormalization.backward!([x], { gamma, beta, moving_mean, moving_variance }, attrs({}), dy);
      expectClose(inference.inputs[0].data, [1, 1, 1, 1], TOLERANCE.elementwise);
    });
  });
});
