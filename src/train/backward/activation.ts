// Backward of the activation layers (Activation, ReLU, LeakyReLU, Softmax over the last axis):
// dz = dy·f'(z) from the kept pre-activation z (activation-backward.wgsl), softmax from its output.
import type { NodeReport } from '../../graph/analyze.ts';
import { activationOf, activationOverrides } from '../../compile/activation-codes.ts';
import { OpError } from '../../ops/op.ts';
import { elements, groupsOf, view, type BackwardContext } from './context.ts';

export function activationBackward(r: NodeReport, b: BackwardContext): void {
  if (!b.needsGrad(r.inputs[0])) return;
  const code = activationOf(r);
  const dy = view(b.gradOut(r.id));
  const to = b.gradIn(r.inputs[0]);
  const count = elements(to.view);
  if (code) {
    b.lowering.step({
      node: r.id, kernel: 'activationBackward', overrides: { ...activationOverrides('ACT', code), ACCUMULATE: to.accumulate },
      bindings: { dy, z: view(b.forward(r.inputs[0])), dz: view(to.view) }, params: { count }, workgroups: groupsOf(Math.ceil(count / 4)),
    });
    return;
  }
  if (r.op === 'Softmax' && r.attrs.axis !== -1 && r.attrs.axis !== r.shape!.length)
    throw new OpError(`Softmax over axis ${r.attrs.axis} cannot be trained on the GPU yet`, 'use axis -1');
  const C = r.shape!.at(-1)!;
  b.lowering.step({
    node: r.id, kernel: 'softmaxBackward', overrides: { ACCUMULATE: to.accumulate },
    bindings: { dy, y: view(b.forward(r.id)), dz: view(to.view) }, params: { rows: count / C, C }, workgroups: groupsOf(count / C),
  });
}
