// Average: the elementwise mean of 2 or more tensors, broadcasting a dimension of 1
// (src/ops/merge.ts). Kernel: shaders/elementwise.wgsl (OP 1, the last add scaled by 1/n).
import { sizeOf } from '../tensor.ts';
import { broadcastShapes, mergeBackward, mergeReference } from './merge.ts';
import { defineOp } from './op.ts';

export const Average = defineOp<Record<string, never>>({
  type: 'Average',
  category: 'Merge',
  summary: 'Elementwise mean of 2 or more tensors; a dimension of 1 broadcasts',
  attrs: {},
  arity: { min: 2, max: Infinity },
  field: () => 'merge',

  inferShape: (inputs) => broadcastShapes('Average', inputs),

  // n − 1 adds and one scale per output element
  flops: (inputs, output) => inputs.length * sizeOf(output),

  reference: (inputs) => mergeReference('Average', inputs, (acc, v) => acc + v, (sum, n) => sum / n),


  backward: (inputs, _weights, _attrs, dy) => mergeBackward('Average', inputs, dy, (v) => v.map(() => 1 / v.length)),

  gpu: { merge: 'add', writesConcatSlice: true },
});
