// Multiply: the elementwise product of 2 or more tensors; a 1×1×C input scales each channel of an
// H×W×C map (squeeze-excite). Broadcasting: src/ops/merge.ts. Kernel: shaders/elementwise.wgsl (OP 3).
import { broadcastShapes, mergeBackward, mergeFlops, mergeReference } from './merge.ts';
import { defineOp } from './op.ts';

export const Multiply = defineOp<Record<string, never>>({
  type: 'Multiply',
  category: 'Merge',
  summary: 'Elementwise product of 2 or more tensors (squeeze-excite scaling with a 1×1×C input)',
  attrs: {},
  arity: { min: 2, max: Infinity },
  field: () => 'merge',

  inferShape: (inputs) => broadcastShapes('Multiply', inputs),

  flops: mergeFlops,

  reference: (inputs) => mergeReference('Multiply', inputs, (acc, v) => acc * v),


  backward: (inputs, _weights, _attrs, dy) => mergeBackward('Multiply', inputs, dy, (v) => v.map((_, k) => v.reduce((p, x, j) => (j === k ? p : p * x), 1))),

  gpu: { merge: 'multiply', writesConcatSlice: true },
});
