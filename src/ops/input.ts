// Input: where a tensor enters the graph. Its shape excludes the batch, as in Keras.
import { defineOp, OpError } from './op.ts';

export interface InputAttrs {
  shape: number[];
}

export const Input = defineOp<InputAttrs>({
  type: 'Input',
  aliases: ['InputLayer'],
  category: 'Input',
  summary: 'Model input; shape excludes the batch (224×224×3 for a photo)',
  attrs: {
    shape: { kind: 'ints', default: [224, 224, 3], min: 1 },
  },
  arity: { min: 0, max: 0 },
  field: () => 'source',

  inferShape(_inputs, a) {
    if (a.shape.length === 0) throw new OpError('Input shape must have at least one dimension', 'e.g. [224, 224, 3]');
    return a.shape;
  },

  flops: () => 0,

  reference() {
    throw new OpError('Input has no reference: its tensor is fed by the caller');
  },
});
