// The data losses against values worked out by hand, their gradients against central differences, the
// clip at eps = 1e-7 (value and gradient), and Keras' 'accuracy'.
import { describe, expect, it } from 'vitest';
import { OpError } from '../ops/op.ts';
import { tensor, type Tensor } from '../tensor.ts';
import { uniforms } from '../weights/random.ts';
import { lossConfig, type LossConfig } from './config.ts';
import { accuracy, dataLoss, EPSILON, type Labels } from './losses.ts';

const close = (got: ArrayLike<number>, want: number[], digits = 12) => {
  expect(got.length).toBe(want.length);
  want.forEach((v, i) => expect(got[i], `[${i}]`).toBeCloseTo(v, digits));
};

/** Central differences of the loss value in every output coordinate (float64 data, so exact enough). */
function numericGradient(loss: LossConfig, y: { shape: number[]; data: Float64Array }, labels: Labels): number[] {
  const h = 1e-6;
  return Array.from(y.data, (v, i) => {
    const at = (d: number) => {
      const data = Float64Array.from(y.data);
      data[i] = v + d;
      return dataLoss(loss, { shape: y.shape, data } as unknown as Tensor, labels).value;
    };
    return (at(h) - at(-h)) / (2 * h);
  });
}

describe('categorical_crossentropy', () => {
  const y = tensor([2, 3], [0.7, 0.2, 0.1, 0.1, 0.3, 0.6]);
  const t = tensor([2, 3], [1, 0, 0, 0, 0, 1]);

  it('is −Σ t·log p, the mean over the batch; dL/dp = (−t/p + Σ t)/N for probabilities that sum to 1', () => {
    const { value, gradient } = dataLoss(lossConfig('categorical_crossentropy'), y, t);
    expect(value).toBeCloseTo(-(Math.log(0.7) + Math.log(0.6)) / 2, 6);
    // row 0: g = (−1/0.7, 0, 0), Σ g·q = −1, so (g + 1)/2
    close(gradient, [(-1 / 0.7 + 1) / 2, 0.5, 0.5, 0.5, 0.5, (-1 / 0.6 + 1) / 2], 6);
  });

  it('normalises the output to sum 1 first, as Keras does', () => {
    const { value, gradient } = dataLoss(lossConfig('categorical_crossentropy'), tensor([1, 2], [2, 2]), tensor([1, 2], [1, 0]));
    expect(value).toBeCloseTo(Math.log(2), 12);
    close(gradient, [-0.5 / 2, 0.5 / 2]);
  });

  it('clips to [1e-7, 1 − 1e-7]: a zero probability of the true class costs −log 1e-7 and passes no gradient', () => {
    const wrong = dataLoss(lossConfig('categorical_crossentropy'), tensor([1, 3], [1, 0, 0]), tensor([1, 3], [0, 1, 0]));
    expect(wrong.value).toBeCloseTo(-Math.log(EPSILON), 12);
    close(wrong.gradient, [0, 0, 0]);
    const sure = dataLoss(lossConfig('categorical_crossentropy'), tensor([1, 3], [1, 0, 0]), tensor([1, 3], [1, 0, 0]));
    expect(sure.value).toBeCloseTo(-Math.log(1 - EPSILON), 15);
    close(sure.gradient, [0, 0, 0]);
  });

  it('from logits: −Σ t·log_softmax(z), gradient softmax(z)·Σt − t, not clipped', () => {
    const z = tensor([1, 3], [1, 2, 3]);
    const lse = Math.log(Math.E + Math.E ** 2 + Math.E ** 3);
    const { value, gradient } = dataLoss(lossConfig('categorical_crossentropy', true), z, tensor([1, 3], [0, 0, 1]));
    expect(value).toBeCloseTo(lse - 3, 6);
    close(gradient, [Math.exp(1 - lse), Math.exp(2 - lse), Math.exp(3 - lse) - 1], 6);
    // far logits: the loss keeps growing where a clipped probability would stop at −log 1e-7
    expect(dataLoss(lossConfig('categorical_crossentropy', true), tensor([1, 2], [0, 40]), tensor([1, 2], [1, 0])).value).toBeCloseTo(40, 6);
  });

  it('averages over H×W too for a spatial output (sum_over_batch_size counts every row)', () => {
    const spatial = tensor([1, 2, 1, 3], y.data);
    expect(dataLoss(lossConfig('categorical_crossentropy'), spatial, tensor([1, 2, 1, 3], t.data)).value).toBeCloseTo(dataLoss(lossConfig('categorical_crossentropy'), y, t).value, 12);
  });

  it('asks for labels shaped like the output', () => {
    expect(() => dataLoss(lossConfig('categorical_crossentropy'), y, [0, 2])).toThrow(OpError);
    expect(() => dataLoss(lossConfig('categorical_crossentropy'), y, tensor([2, 2]))).toThrow(/labels shaped like the output, 2×3; got 2×2/);
  });
});

describe('sparse_categorical_crossentropy', () => {
  it('equals categorical on one-hot labels, from probabilities and from logits', () => {
    const y = tensor([3, 4], uniforms(12, 3, 'p').map((v) => v + 0.1));
    const labels = [3, 0, 2];
    const oneHot = tensor([3, 4], labels.flatMap((l) => [0, 1, 2, 3].map((j) => (j === l ? 1 : 0))));
    for (const logits of [false, true]) {
      const sparse = dataLoss(lossConfig('sparse_categorical_crossentropy', logits), y, labels);
      const dense = dataLoss(lossConfig('categorical_crossentropy', logits), y, oneHot);
      expect(sparse.value).toBeCloseTo(dense.value, 14);
      close(sparse.gradient, [...dense.gradient], 14);
    }
  });

  it('takes the labels as a tensor too ([N] or [N, 1]) and refuses a class out of range or a wrong count', () => {
    const y = tensor([2, 3], [0.7, 0.2, 0.1, 0.1, 0.3, 0.6]);
    const value = dataLoss(lossConfig('sparse'), y, [0, 2]).value;
    expect(dataLoss(lossConfig('sparse'), y, tensor([2, 1], [0, 2])).value).toBe(value);
    expect(() => dataLoss(lossConfig('sparse'), y, [0, 3])).toThrow(/label 1 is 3, not a class of the 3/);
    expect(() => dataLoss(lossConfig('sparse'), y, [0.5, 1])).toThrow(/label 0 is 0.5/);
    expect(() => dataLoss(lossConfig('sparse'), y, [0])).toThrow(/one integer class per output row: 2/);
  });
});

describe('binary_crossentropy', () => {
  it('is −(t·log p + (1 − t)·log(1 − p)) averaged over the last axis, then the batch', () => {
    const { value, gradient } = dataLoss(lossConfig('binary_crossentropy'), tensor([1, 2], [0.8, 0.3]), tensor([1, 2], [1, 0]));
    expect(value).toBeCloseTo(-(Math.log(0.8) + Math.log(0.7)) / 2, 6);
    close(gradient, [-1 / 0.8 / 2, 1 / 0.7 / 2], 6);
  });

  it('clips p to [1e-7, 1 − 1e-7], with no gradient where clipped', () => {
    const { value, gradient } = dataLoss(lossConfig('binary_crossentropy'), tensor([1, 2], [0, 1]), tensor([1, 2], [1, 1]));
    expect(value).toBeCloseTo(-(Math.log(EPSILON) + Math.log(1 - EPSILON)) / 2, 12);
    close(gradient, [0, 0]);
  });

  it('from logits equals it on sigmoid(z) where nothing clips; gradient (sigmoid(z) − t)/n', () => {
    const z = [-1.5, 0.3, 2];
    const t = tensor([1, 3], [0, 1, 0.25]);
    const sig = z.map((v) => 1 / (1 + Math.exp(-v)));
    const logits = dataLoss(lossConfig('binary_crossentropy', true), tensor([1, 3], z), t);
    const probs = dataLoss(lossConfig('binary_crossentropy'), { shape: [1, 3], data: Float64Array.from(sig) } as unknown as Tensor, t);
    expect(logits.value).toBeCloseTo(probs.value, 6);
    close(logits.gradient, sig.map((s, i) => (s - t.data[i]) / 3), 6);
  });
});

describe('mean_squared_error', () => {
  it('is (y − t)² averaged over the last axis and the batch; gradient 2(y − t)/n', () => {
    const { value, gradient } = dataLoss(lossConfig('mse'), tensor([2, 2], [1, 2, 3, 4]), tensor([2, 2], [0, 2, 3, 0]));
    expect(value).toBe(17 / 4);
    close(gradient, [0.5, 0, 0, 2]);
  });
});

describe('gradients = central differences (nothing clipped)', () => {
  const p = Float64Array.from(uniforms(12, 9, 'y'), (v) => 0.05 + 0.9 * v);
  const z = Float64Array.from(uniforms(12, 9, 'z'), (v) => 4 * v - 2);
  const soft = tensor([3, 4], uniforms(12, 9, 't'));
  const cases: [string, boolean, Float64Array, Labels][] = [
    ['categorical_crossentropy', false, p, soft],
    ['categorical_crossentropy', true, z, soft],
    ['sparse_categorical_crossentropy', false, p, [1, 3, 0]],
    ['sparse_categorical_crossentropy', true, z, [1, 3, 0]],
    ['binary_crossentropy', false, p, soft],
    ['binary_crossentropy', true, z, soft],
    ['mean_squared_error', false, z, soft],
  ];
  it.each(cases)('%s, from_logits %s', (name, logits, data, labels) => {
    const loss = lossConfig(name, logits);
    const y = { shape: [3, 4], data };
    const { gradient } = dataLoss(loss, y as unknown as Tensor, labels);
    close(gradient, numericGradient(loss, y, labels), 7);
  });
});

describe('accuracy (Keras 3 resolves it from the shapes)', () => {
  const y = tensor([3, 3], [0.2, 0.5, 0.3, 0.6, 0.3, 0.1, 0.1, 0.1, 0.8]);
  it('categorical: argmax of the output = argmax of the labels', () => {
    expect(accuracy(lossConfig('categorical'), y, tensor([3, 3], [0, 1, 0, 0, 0, 1, 0, 0, 1]))).toBeCloseTo(2 / 3, 15);
  });
  it('sparse: argmax = the label; ties go to the first index', () => {
    expect(accuracy(lossConfig('sparse'), y, [1, 0, 0])).toBeCloseTo(2 / 3, 15);
    expect(accuracy(lossConfig('sparse'), tensor([1, 3], [0.4, 0.4, 0.2]), [0])).toBe(1);
  });
  it('one channel: binary accuracy, output > 0.5 equals the label', () => {
    expect(accuracy(lossConfig('binary'), tensor([4, 1], [0.9, 0.5, 0.2, 0.7]), tensor([4, 1], [1, 1, 0, 0]))).toBe(0.5);
  });
});
