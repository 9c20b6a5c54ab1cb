// Backward of the ops that route gradients without arithmetic but a scale (gradient-copy.wgsl):
// Add, Subtract, Average (dy·±1, dy/n to each input), Concatenate (each input's slice of dy),
// Flatten and Reshape (dy as the input's shape), ZeroPadding2D (dy's inner window) and Cropping2D
// (dy into the kept window of a zeroed dx).
import type { NodeReport } from '../../graph/analyze.ts';
import { attrsOf } from '../../compile/context.ts';
import type { View } from '../../compile/plan.ts';
import type { ConcatenateAttrs } from '../../ops/concatenate.ts';
import type { Cropping2DAttrs } from '../../ops/cropping2d.ts';
import { OpError } from '../../ops/op.ts';
import type { ZeroPadding2DAttrs } from '../../ops/zero-padding2d.ts';
import { formatShape } from '../../tensor.ts';
import { elements, groupsOf, offsetView, view, type BackwardContext } from './context.ts';

/** A tensor as N×H×W×C for gradient-copy's regions: rank 2 is N×1×1×C, rank 3 N×1×W×C. */
function nhwc(v: View): [number, number, number, number] {
  const s = v.shape;
  if (s.length === 4) return [s[0], s[1], s[2], s[3]];
  if (s.length === 3) return [s[0], 1, s[1], s[2]];
  if (s.length === 2) return [s[0], 1, 1, s[1]];
  return [s[0], 1, 1, s.slice(1).reduce((a, d) => a * d, 1)];
}

interface Region {
  src: View;
  out: View;
  accumulate: boolean;
  scale?: number;
  /** Region size; default the whole of `out`. */
  size?: [number, number, number];
  srcAt?: [number, number, number];
  outAt?: [number, number, number];
}

export function copyGradient(r: NodeReport, b: BackwardContext, g: Region): void {
  const [N, sH, sW, sC] = nhwc(g.src);
  const [, oH, oW, oC] = nhwc(g.out);
  const [RH, RW, RC] = g.size ?? [oH, oW, oC];
  const [srcY, srcX, srcOffsetC] = g.srcAt ?? [0, 0, 0];
  const [outY, outX, outOffsetC] = g.outAt ?? [0, 0, 0];
  b.lowering.step({
    node: r.id, kernel: 'gradientCopy', overrides: { ACCUMULATE: g.accumulate },
    // Both views' own offsets ride on the channel offsets (the kernel indexes from the buffers' starts).
    bindings: { src: offsetView(g.src), out: offsetView(g.out) },
    params: {
      N, RH, RW, RC, srcH: sH, srcW: sW, srcC: sC, srcY, srcX, srcOffsetC: srcOffsetC + g.src.offset,
      outH: oH, outW: oW, outC: oC, outY, outX, outOffsetC: outOffsetC + g.out.offset, scale: g.scale ?? 1,
    },
    workgroups: groupsOf(N * RH * RW * RC),
  });
}

/** Add, Subtract, Average: each input gets dy times its sign or 1/n; shapes must match (no broadcast yet). */
export function linearMergeBackward(r: NodeReport, b: BackwardContext): void {
  const dy = b.gradOut(r.id);
  r.inputs.forEach((id, k) => {
    if (!b.needsGrad(id)) return;
    const shape = b.node(id).shape!;
    if (formatShape(shape) !== formatShape(r.shape!))
      throw new OpError(`${r.op} of a broadcast input ${formatShape(shape)} (to ${formatShape(r.shape!)}) cannot be trained on the GPU yet`, 'give every input the same shape');
    const scale = r.op === 'Average' ? 1 / r.inputs.length : r.op === 'Subtract' && k === 1 ? -1 : 1;
    const to = b.gradIn(id);
    copyGradient(r, b, { src: flat(dy), out: flat(to.view), accumulate: to.accumulate, scale });
  });
}

/** A contiguous tensor as one row of values: any two of the same size copy elementwise. */
export const flat = (v: View): View => ({ ...v, shape: [1, elements(v)], strides: [elements(v), 1] });

export function reshapeBackward(r: NodeReport, b: BackwardContext): void {
  if (!b.needsGrad(r.inputs[0])) return;
  const to = b.gradIn(r.inputs[0]);
  copyGradient(r, b, { src: flat(b.gradOut(r.id)), out: flat(to.view), accumulate: to.accumulate });
}

export function concatenateBackward(r: NodeReport, b: BackwardContext): void {
  const a = attrsOf<ConcatenateAttrs>(r);
  const rank = r.shape!.length;
  const axis = a.axis < 0 ? a.axis + rank + 1 : a.axis; // Keras' axis counts the batch
  if (axis !== rank) throw new OpError(`Concatenate along axis ${a.axis} cannot be trained on the GPU yet`, 'concatenate along the channels (axis -1)');
  const dy = b.gradOut(r.id);
  let offset = 0;
  for (const id of r.inputs) {
    const channels = b.node(id).shape!.at(-1)!;
    if (b.needsGrad(id)) {
      const to = b.gradIn(id);
      const [, H, W] = nhwc(to.view);
      copyGradient(r, b, { src: dy, out: to.view, accumulate: to.accumulate, size: [H, W, channels], srcAt: [0, 0, offset] });
    }
    offset += channels;
  }
}

export function zeroPadding2dBackward(r: NodeReport, b: BackwardContext): void {
  if (!b.needsGrad(r.inputs[0])) return;
  const [[top], [left]] = attrsOf<ZeroPadding2DAttrs>(r).padding;
  const to = b.gradIn(r.inputs[0]);
  copyGradient(r, b, { src: b.gradOut(r.id), out: to.view, accumulate: to.accumulate, srcAt: [top, left, 0] });
}

export function cropping2dBackward(r: NodeReport, b: BackwardContext): void {
  if (!b.needsGrad(r.inputs[0])) return;
  const [[top], [left]] = attrsOf<Cropping2DAttrs>(r).cropping;
  const to = b.gradIn(r.inputs[0]);
  const dy = b.gradOut(r.id);
  const [, H, W, C] = nhwc(dy);
  // The cropped border gets no gradient: a fresh dx is zeroed first, then the window added.
  b.lowering.step({
    node: r.id, kernel: 'gradientCopy', overrides: { ACCUMULATE: true }, ...(to.accumulate ? {} : { clear: to.view }),
    bindings: { src: view(dy), out: view(to.view) },
    params: {
      N: dy.shape[0], RH: H, RW: W, RC: C, srcH: H, srcW: W, srcC: C, srcY: 0, srcX: 0, srcOffsetC: 0,
      outH: to.view.shape[1], outW: to.view.shape[2], outC: C, outY: top, outX: left, outOffsetC: 0, scale: 1,
    },
    workgroups: groupsOf(elements(dy)),
  });
}
