// Backward of the activation layers (Activation, ReLU, LeakyReLU, Softmax along any axis):
// dz = dy·f'(z) from the kept pre-activation z (activation-backward.wgsl), softmax from its output
// (softmax-backward.wgsl).
import type { NodeReport } from '../../graph/analyze.ts';
import { activationOf, activationOverrides } from '../../compile/activation-codes.ts';
import { attrsOf } from '../../compile/context.ts';
import { pixelView } from '../../compile/plan.ts';
import { OpError } from '../../ops/op.ts';
import { softmaxAxis, type SoftmaxAttrs } from '../../ops/softmax.ts';
import { sizeOf } from '../../tensor.ts';
import { elements, groupsOf, offsetView, view, type BackwardContext } from './context.ts';

export function activationBackward(r: NodeReport, b: BackwardContext): void {
  if (!b.needsGrad(r.inputs[0])) return;
  const code = activationOf(r);
  const dy = view(b.gradOut(r.id));
  const to = b.gradIn(r.inputs[0]);
  const count = elements(to.view);
  if (code) {
    const zv = b.forward(r.inputs[0]);
    const z = pixelView(zv);
    if (!z) throw new OpError(`internal: ${r.op} '${r.id}' input is not a channel view`);
    b.lowering.step({
      node: r.id, kernel: 'activationBackward', overrides: { ...activationOverrides('ACT', code), ACCUMULATE: to.accumulate },
      bindings: { dy, z: offsetView(zv), dz: view(to.view) },
      params: { count, C: z.channels, zStride: z.stride, zOffset: z.offset }, workgroups: groupsOf(count),
    });
    return;
  }
  // Softmax (the layer, along its axis; an Activation's along the last) from its output y.
  const shape = to.view.shape;
  const axis = r.op === 'Softmax' ? softmaxAxis(r.shape!, attrsOf<SoftmaxAttrs>(r).axis) : shape.length - 1;
  const y = pixelView(b.forward(r.id));
  if (!y) throw new OpError(`internal: ${r.op} '${r.id}' output is not a channel view`);
  const outer = sizeOf(shape.slice(0, axis)), inner = sizeOf(shape.slice(axis + 1));
  b.lowering.step({
    node: r.id, kernel: 'softmaxBackward', overrides: { ACCUMULATE: to.accumulate },
    bindings: { dy, y: offsetView(b.forward(r.id)), dz: view(to.view) },
    params: { outer, C: shape[axis], inner, last: shape.at(-1)!, yStride: y.stride, yOffset: y.offset },
    workgroups: groupsOf(outer * inner),
  });
}
