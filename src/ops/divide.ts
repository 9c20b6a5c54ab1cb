// Divide: first ÷ second, exactly 2 tensors, broadcasting a dimension of 1 (src/ops/merge.ts). Keras
// has no Divide layer: this is deepwire's own merge, for ONNX's Div of two computed tensors (a
// normalisation by a computed norm). IEEE division: x ÷ 0 is ±Infinity, 0 ÷ 0 NaN.
// Kernel: shaders/elementwise.wgsl (OP 6).
import { broadcastShapes, mergeBackward, mergeFlops, mergeReference } from './merge.ts';
import { defineOp, OpError } from './op.ts';

export const Divide = defineOp<Record<string, never>>({
  type: 'Divide',
  category: 'Merge',
  summary: 'Elementwise quotient of exactly 2 tensors: first ÷ second (deepwire op; Keras has none)',
  attrs: {},
  arity: { min: 2, max: 2 },
  field: () => 'merge',

  inferShape(inputs) {
    if (inputs.length !== 2)
      throw new OpError(`Divide takes exactly 2 inputs, got ${inputs.length}`, 'chain two Divides, or Multiply the divisors first');
    return broadcastShapes('Divide', inputs);
  },

  flops: mergeFlops,

  reference: (inputs) => mergeReference('Divide', inputs, (a, b) => a / b),


  backward: (inputs, _weights, _attrs, dy) => mergeBackward('Divide', inputs, dy, ([a, b]) => [1 / b, -a / (b * b)]),

  gpu: { merge: 'divide' },
});
