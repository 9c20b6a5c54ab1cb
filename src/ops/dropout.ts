// Dropout: zeroes a fraction `rate` of the values while training and scales the kept ones by
// 1/(1 − rate) (Keras: x / keep_prob where kept); at inference (every deepwire run but a training
// step) it is the identity, as in Keras. The mask is a hash of (seed, step, node, element)
// (src/train/dropout-mask.ts), the same bits on the CPU reference and in WGSL.
import { tensor, type Tensor } from '../tensor.ts';
import { dropoutKeeps, nodeStepKey } from '../train/dropout-mask.ts';
import { defineOp, type TrainContext } from './op.ts';

export interface DropoutAttrs {
  rate: number;
}

/** Which elements a training step keeps (Keras drops each with probability `rate`). */
export function dropoutMask(length: number, rate: number, ctx: TrainContext): Uint8Array {
  const key = nodeStepKey(ctx);
  const keep = new Uint8Array(length);
  for (let i = 0; i < length; i++) keep[i] = dropoutKeeps(key, i, rate) ? 1 : 0;
  return keep;
}

/** x / (1 − rate) where kept, 0 where dropped; no ctx (inference), or rate 0 as Keras skips it, passes x through. */
function masked(x: Tensor, rate: number, ctx: TrainContext | undefined): Tensor {
  if (!ctx || rate === 0) return tensor(x.shape, x.data);
  const keep = dropoutMask(x.data.length, rate, ctx);
  return tensor(x.shape, Array.from(x.data, (v, i) => (keep[i] ? v / (1 - rate) : 0)));
}

export const Dropout = defineOp<DropoutAttrs>({
  type: 'Dropout',
  category: 'Core',
  summary: 'Regularisation while training; the identity at inference',
  attrs: {
    rate: { kind: 'float', default: 0.5, min: 0, max: 1, doc: 'fraction dropped while training' },
  },
  arity: { min: 1, max: 1 },
  field: () => 'pointwise',

  inferShape: ([x]) => x,

  flops: () => 0,

  reference: ([x]) => tensor(x.shape, x.data),

  trainForward: ([x], _weights, a, ctx) => ({ output: masked(x, a.rate, ctx) }),

  // linear in x: dx is dy through the same mask and scale (the identity's gradient without a ctx)
  backward: ([x], _weights, a, dy, ctx) => ({ inputs: [masked({ shape: x.shape, data: dy.data }, a.rate, ctx)], weights: {} }),

  gpu: { exact: true },
});
