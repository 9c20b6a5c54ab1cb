// Reshape: the same elements in the same (row-major) order under a new shape without the batch;
// one -1 in target_shape is inferred (Keras). A view: the reference is an exact copy.
import type { Shape } from '../graph/types.ts';
import { formatShape, sizeOf, tensor } from '../tensor.ts';
import { defineOp, OpError } from './op.ts';
import { isMap } from './field.ts';

export interface ReshapeAttrs {
  target_shape: number[];
}

export const Reshape = defineOp<ReshapeAttrs>({
  type: 'Reshape',
  category: 'Core',
  summary: 'Same values, new shape (batch excluded); one -1 is inferred from the others',
  attrs: {
    target_shape: { kind: 'ints', default: [-1], min: 1, allowMinusOne: true },
  },
  arity: { min: 1, max: 1 },
  field: ([x], _a, y) => (isMap(x) && isMap(y) && x[0] === y[0] && x[1] === y[1] ? 'pointwise' : { whole: 'Reshape moves values across positions' }),

  inferShape([x], a) {
    return resolveTarget(x, a.target_shape);
  },

  flops: () => 0,

  reference([x], _weights, a) {
    return tensor([x.shape[0], ...resolveTarget(x.shape.slice(1), a.target_shape)], x.data);
  },

  backward: ([x], _weights, _a, dy) => ({ inputs: [tensor(x.shape, dy.data)], weights: {} }),

  gpu: { exact: true },
});

function resolveTarget(x: Shape, target: number[]): number[] {
  const elements = sizeOf(x);
  const known = target.filter((d) => d !== -1).reduce((p, d) => p * d, 1);
  const inferred = target.indexOf(-1);
  if (inferred < 0) {
    if (known !== elements)
      throw new OpError(
        `Reshape cannot turn ${formatShape(x)} (${elements} elements) into ${formatShape(target)} (${known} elements)`,
        `give a target_shape whose sizes multiply to ${elements}, or put -1 on one axis to infer it`,
      );
    return [...target];
  }
  if (elements % known !== 0)
    throw new OpError(
      `Reshape cannot turn ${formatShape(x)} (${elements} elements) into ${formatShape(target)}: the given sizes hold ${known} elements, which does not divide ${elements}`,
      `make the sizes other than -1 multiply to a divisor of ${elements}`,
    );
  return target.map((d) => (d === -1 ? elements / known : d));
}
