// Maximum: the elementwise maximum of 2 or more tensors, broadcasting a dimension of 1
// (src/ops/merge.ts). Kernel: shaders/elementwise.wgsl (OP 4).
import { broadcastShapes, mergeFlops, mergeReference } from './merge.ts';
import { defineOp } from './op.ts';

export const Maximum = defineOp<Record<string, never>>({
  type: 'Maximum',
  category: 'Merge',
  summary: 'Elementwise maximum of 2 or more tensors; a dimension of 1 broadcasts',
  attrs: {},
  arity: { min: 2, max: Infinity },

  inferShape: (inputs) => broadcastShapes('Maximum', inputs),

  flops: mergeFlops,

  reference: (inputs) => mergeReference('Maximum', inputs, Math.max),

  gpu: { merge: 'maximum', writesConcatSlice: true },
});
