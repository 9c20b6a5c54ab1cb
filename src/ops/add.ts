// Add: the elementwise sum of 2 or more tensors (ResNet's residual connection), broadcasting a
// dimension of 1 (src/ops/merge.ts). Kernel: shaders/elementwise.wgsl (OP 1), or fused into a conv's epilogue.
import { broadcastShapes, mergeBackward, mergeFlops, mergeReference } from './merge.ts';
import { defineOp } from './op.ts';

export const Add = defineOp<Record<string, never>>({
  type: 'Add',
  category: 'Merge',
  summary: 'Elementwise sum of 2 or more tensors (ResNet shortcut); a dimension of 1 broadcasts',
  attrs: {},
  arity: { min: 2, max: Infinity },
  field: () => 'merge',

  inferShape: (inputs) => broadcastShapes('Add', inputs),

  flops: mergeFlops,

  reference: (inputs) => mergeReference('Add', inputs, (acc, v) => acc + v),


  backward: (inputs, _weights, _attrs, dy) => mergeBackward('Add', inputs, dy, (v) => v.map(() => 1)),

  gpu: { merge: 'add', writesConcatSlice: true },
});
