// Minimum: the elementwise minimum of 2 or more tensors, broadcasting a dimension of 1
// (src/ops/merge.ts). Kernel: shaders/elementwise.wgsl (OP 5).
import { broadcastShapes, mergeFlops, mergeReference } from './merge.ts';
import { defineOp } from './op.ts';

export const Minimum = defineOp<Record<string, never>>({
  type: 'Minimum',
  category: 'Merge',
  summary: 'Elementwise minimum of 2 or more tensors; a dimension of 1 broadcasts',
  attrs: {},
  arity: { min: 2, max: Infinity },

  inferShape: (inputs) => broadcastShapes('Minimum', inputs),

  flops: mergeFlops,

  reference: (inputs) => mergeReference('Minimum', inputs, Math.min),

  gpu: { merge: 'minimum', writesConcatSlice: true },
});
