// Normalization (Keras preprocessing): y = (x − mean) / max(√variance, 1e-7) per channel (last axis).
// mean/variance come from the attrs when given (no weights, as Keras), else from non-trainable weights
// mean [C], variance [C], count [] (adapted statistics, e.g. EfficientNet's first layer).
import type { Shape } from '../graph/types.ts';
import { formatShape, tensor } from '../tensor.ts';
import { channelsOf } from './batch-normalization.ts';
import { defineOp, OpError, weight, type WeightSpec } from './op.ts';

export interface NormalizationAttrs {
  axis: number;
  mean: number[] | null;
  variance: number[] | null;
  invert: boolean;
}

/** Keras' backend.epsilon(), the floor of the standard deviation. */
const EPSILON = 1e-7;

function checkStatistics(x: Shape, a: NormalizationAttrs): number {
  const C = channelsOf('Normalization', x, a.axis);
  if ((a.mean === null) !== (a.variance === null))
    throw new OpError('Normalization needs both mean and variance, or neither',
      'give both, or leave both empty to load them as weights (the statistics adapt() computed)');
  for (const [name, values] of [['mean', a.mean], ['variance', a.variance]] as const)
    if (values && values.length !== 1 && values.length !== C)
      throw new OpError(`Normalization ${name} has ${values.length} values but the ${formatShape(x)} input has ${C} channels`,
        `give one value per channel (${C}), or a single value for all`);
  const negative = a.variance?.find((v) => v < 0);
  if (negative !== undefined)
    throw new OpError(`Normalization variance must not be negative, got ${negative}`, 'variance is the square of the standard deviation: pass std²');
  return C;
}

export const Normalization = defineOp<NormalizationAttrs>({
  type: 'Normalization',
  category: 'Normalization',
  summary: 'Per-channel (x − mean) / √variance with fixed or adapted statistics (preprocessing)',
  attrs: {
    axis: { kind: 'int', default: -1 },
    mean: { kind: 'floats', default: null },
    variance: { kind: 'floats', default: null },
    invert: { kind: 'bool', default: false, doc: 'undo a normalisation: y = mean + x·√variance' },
  },
  arity: { min: 1, max: 1 },
  field: () => 'pointwise',

  inferShape([x], a) {
    checkStatistics(x, a);
    return x;
  },

  weights([x], a) {
    const C = checkStatistics(x, a);
    if (a.mean !== null) return [];
    const stat = (name: string, shape: number[], init: 'zeros' | 'ones'): WeightSpec =>
      ({ name, shape, initializer: { name: init, config: {} }, regularizer: null, trainable: false });
    return [stat('mean', [C], 'zeros'), stat('variance', [C], 'ones'), stat('count', [], 'zeros')];
  },

  // A subtract and a divide (or a multiply and an add when inverting): 2 FLOPs per element.
  flops: (_inputs, output) => 2 * output.reduce((p, d) => p * d, 1),

  reference([x], weights, a) {
    const C = checkStatistics(x.shape.slice(1), a);
    const mean = a.mean ?? weight(weights, 'mean').data;
    const variance = a.variance ?? weight(weights, 'variance').data;
    const at = (v: ArrayLike<number>, c: number) => (v.length === 1 ? v[0] : v[c]);
    const y = tensor(x.shape);
    for (let i = 0; i < x.data.length; i++) {
      const c = i % C;
      const std = Math.max(Math.sqrt(at(variance, c)), EPSILON);
      y.data[i] = a.invert ? at(mean, c) + x.data[i] * std : (x.data[i] - at(mean, c)) / std;
    }
    return y;
  },

  backward([x], weights, a, dy) {
    // A fixed per-channel affine map (its statistics are not trained): dx = dy·std or dy / std.
    const C = checkStatistics(x.shape.slice(1), a);
    const variance = a.variance ?? weight(weights, 'variance').data;
    const at = (v: ArrayLike<number>, c: number) => (v.length === 1 ? v[0] : v[c]);
    const dx = tensor(x.shape);
    for (let i = 0; i < x.data.length; i++) {
      const std = Math.max(Math.sqrt(at(variance, i % C)), EPSILON);
      dx.data[i] = a.invert ? dy.data[i] * std : dy.data[i] / std;
    }
    return { inputs: [dx], weights: {} };
  },

  gpu: { affine: true, writesConcatSlice: true },
});
