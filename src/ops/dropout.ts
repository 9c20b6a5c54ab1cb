// Dropout: zeroes a fraction `rate` of the values while training; at inference (all deepwire
// runs) it is the identity, as in Keras. Kept in graphs so imported models keep their layers.
import { tensor } from '../tensor.ts';
import { defineOp } from './op.ts';

export interface DropoutAttrs {
  rate: number;
}

export const Dropout = defineOp<DropoutAttrs>({
  type: 'Dropout',
  category: 'Core',
  summary: 'Regularisation while training; the identity at inference',
  attrs: {
    rate: { kind: 'float', default: 0.5, min: 0, max: 1, doc: 'fraction dropped while training' },
  },
  arity: { min: 1, max: 1 },

  inferShape: ([x]) => x,

  flops: () => 0,

  reference: ([x]) => tensor(x.shape, x.data),

  gpu: { exact: true },
});
