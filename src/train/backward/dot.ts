// Backward of Dot (Keras' batch_dot of two inputs, normalize = cosine proximity): each input's
// gradient by dot-backward.wgsl, the same kernel with the roles of the inputs swapped; with normalize
// the rows' squared norms are made first, by the same kernel.
import type { NodeReport } from '../../graph/analyze.ts';
import { attrsOf } from '../../compile/context.ts';
import type { View } from '../../compile/plan.ts';
import type { DotAttrs } from '../../ops/dot.ts';
import { OpError } from '../../ops/op.ts';
import { stridesOf } from '../../tensor.ts';
import { elements, groupsOf, offsetView, view, type BackwardContext } from './context.ts';

/** An input as [N, rows, K]: its contracted axis, and its other axis (none for a vector: 1 row). */
interface Operand {
  view: View;
  rows: number;
  K: number;
  /** Strides of the batch, the rows and K, in the view and in the contiguous gradient. */
  strides: [number, number, number];
  own: [number, number, number];
}

function operand(v: View, axis: number): Operand {
  const other = v.shape.length === 3 ? 3 - axis : -1;
  const own = stridesOf(v.shape);
  return {
    view: v, rows: other < 0 ? 1 : v.shape[other], K: v.shape[axis],
    strides: [v.strides[0], other < 0 ? 0 : v.strides[other], v.strides[axis]],
    own: [own[0], other < 0 ? 0 : own[other], own[axis]],
  };
}

export function dotBackward(r: NodeReport, b: BackwardContext): void {
  const a = attrsOf<DotAttrs>(r);
  const views = r.inputs.map((id) => b.forward(id));
  if (views.some((v) => v.shape.length > 3))
    throw new OpError('Dot on WebGPU takes inputs of rank 1 or 2 (besides the batch)', 'Flatten the inputs first');
  const axes = (Array.isArray(a.axes) ? a.axes : [a.axes, a.axes]).map((ax, i) => (ax < 0 ? ax + views[i].shape.length : ax));
  const [x, y] = views.map((v, i) => operand(v, axes[i]));
  const g = b.gradOut(r.id);
  const [P, Q] = [x.rows, y.rows];
  const N = b.batch;
  const l = b.lowering;
  // The output is [N, P, Q] (dot.wgsl's order): for x, g's rows are P and its columns Q; for y the reverse.
  const sides: [Operand, Operand, [number, number, number]][] = [[x, y, [P * Q, Q, 1]], [y, x, [P * Q, 1, Q]]];
  const needed = r.inputs.map((id) => b.needsGrad(id));
  const params = (self: Operand, other: Operand, gStrides: number[], sNorms: number, oNorms: number) => ({
    N, P: self.rows, Q: other.rows, K: self.K,
    sSN: self.strides[0], sSP: self.strides[1], sSK: self.strides[2], sOffset: self.view.offset,
    oSN: other.strides[0], oSQ: other.strides[1], oSK: other.strides[2], oOffset: other.view.offset,
    gSN: gStrides[0], gSP: gStrides[1], gSQ: gStrides[2], dSN: self.own[0], dSP: self.own[1], dSK: self.own[2], sNorms, oNorms,
  });
  const out = view(b.forward(r.id));
  // normalize: every row's squared norm first, x's rows then y's, in one scratch.
  const norms = a.normalize ? l.scratch(r.id, N * (P + Q)) : null;
  if (norms)
    sides.forEach(([self, other, gStrides], k) => l.step({
      node: r.id, kernel: 'dotBackward', overrides: { NORMS: true },
      bindings: { g: view(g), s: offsetView(self.view), o: offsetView(other.view), out, norms: { kind: 'none' }, ds: view(norms) },
      params: params(self, other, gStrides, k === 0 ? 0 : N * P, 0), workgroups: groupsOf(N * self.rows),
    }));
  sides.forEach(([self, other, gStrides], k) => {
    if (!needed[k]) return;
    const to = b.gradIn(r.inputs[k]);
    l.step({
      node: r.id, kernel: 'dotBackward', overrides: { NORMALIZE: a.normalize, ACCUMULATE: to.accumulate },
      bindings: { g: view(g), s: offsetView(self.view), o: offsetView(other.view), out, norms: norms ? view(norms) : { kind: 'none' }, ds: view(to.view) },
      params: params(self, other, gStrides, k === 0 ? 0 : N * P, k === 0 ? N * P : 0),
      workgroups: groupsOf(elements(to.view)),
    });
  });
}
