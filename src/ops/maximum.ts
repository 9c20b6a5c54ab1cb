// Maximum: the elementwise maximum of 2 or more tensors, broadcasting a dimension of 1
// (src/ops/merge.ts). Kernel: shaders/elementwise.wgsl (OP 4).
import { broadcastShapes, mergeBackward, mergeFlops, mergeReference } from './merge.ts';
import { defineOp } from './op.ts';

export const Maximum = defineOp<Record<string, never>>({
  type: 'Maximum',
  category: 'Merge',
  summary: 'Elementwise maximum of 2 or more tensors; a dimension of 1 broadcasts',
  attrs: {},
  arity: { min: 2, max: Infinity },
  field: () => 'merge',

  inferShape: (inputs) => broadcastShapes('Maximum', inputs),

  flops: mergeFlops,

  reference: (inputs) => mergeReference('Maximum', inputs, Math.max),


  backward: (inputs, _weights, _attrs, dy) => mergeBackward('Maximum', inputs, dy, (v) => { const at = v.indexOf(Math.max(...v)); return v.map((_, k) => (k === at ? 1 : 0)); }),

  gpu: { merge: 'maximum', writesConcatSlice: true },
});
