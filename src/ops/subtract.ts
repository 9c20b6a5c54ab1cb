// Subtract: first minus second, exactly 2 tensors (as Keras), broadcasting a dimension of 1
// (src/ops/merge.ts). Kernel: shaders/elementwise.wgsl (OP 2).
import { broadcastShapes, mergeBackward, mergeFlops, mergeReference } from './merge.ts';
import { defineOp, OpError } from './op.ts';

export const Subtract = defineOp<Record<string, never>>({
  type: 'Subtract',
  category: 'Merge',
  summary: 'Elementwise difference of exactly 2 tensors: first − second',
  attrs: {},
  arity: { min: 2, max: 2 },
  field: () => 'merge',

  inferShape(inputs) {
    if (inputs.length !== 2)
      throw new OpError(`Subtract takes exactly 2 inputs, got ${inputs.length}`, 'chain two Subtracts, or Add the rest first');
    return broadcastShapes('Subtract', inputs);
  },

  flops: mergeFlops,

  reference: (inputs) => mergeReference('Subtract', inputs, (a, b) => a - b),


  backward: (inputs, _weights, _attrs, dy) => mergeBackward('Subtract', inputs, dy, () => [1, -1]),

  gpu: { merge: 'subtract', writesConcatSlice: true },
});
