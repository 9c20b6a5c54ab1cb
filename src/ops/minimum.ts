// Minimum: the elementwise minimum of 2 or more tensors, broadcasting a dimension of 1
// (src/ops/merge.ts). Kernel: shaders/elementwise.wgsl (OP 5).
import { broadcastShapes, mergeBackward, mergeFlops, mergeReference } from './merge.ts';
import { defineOp } from './op.ts';

export const Minimum = defineOp<Record<string, never>>({
  type: 'Minimum',
  category: 'Merge',
  summary: 'Elementwise minimum of 2 or more tensors; a dimension of 1 broadcasts',
  attrs: {},
  arity: { min: 2, max: Infinity },
  field: () => 'merge',

  inferShape: (inputs) => broadcastShapes('Minimum', inputs),

  flops: mergeFlops,

  reference: (inputs) => mergeReference('Minimum', inputs, Math.min),


  backward: (inputs, _weights, _attrs, dy) => mergeBackward('Minimum', inputs, dy, (v) => { const at = v.indexOf(Math.min(...v)); return v.map((_, k) => (k === at ? 1 : 0)); }),

  gpu: { merge: 'minimum', writesConcatSlice: true },
});
