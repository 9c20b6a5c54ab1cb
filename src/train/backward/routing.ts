// Backward of the ops that route gradients without arithmetic but a scale (gradient-copy.wgsl):
// Concatenate (each input's slice of dy, along any axis),
// Flatten and Reshape (dy as the input's shape), ZeroPadding2D (dy's inner window) and Cropping2D
// (dy into the kept window of a zeroed dx). Pad2D sums the cells each input cell was copied to
// (pad2d-backward.wgsl); ChannelShuffle's gradient is the inverse shuffle (the forward's kernel with
// C/g groups); ChannelSlice's is dy into its channels of a zeroed dx.
import type { NodeReport } from '../../graph/analyze.ts';
import { attrsOf } from '../../compile/context.ts';
import type { View } from '../../compile/plan.ts';
import type { ConcatenateAttrs } from '../../ops/concatenate.ts';
import type { ChannelShuffleAttrs } from '../../ops/channel-shuffle.ts';
import type { ChannelSliceAttrs } from '../../ops/channel-slice.ts';
import type { Cropping2DAttrs } from '../../ops/cropping2d.ts';
import { PAD_MODES, type Pad2DAttrs } from '../../ops/pad2d.ts';
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
  /** A factor per channel of the region (Normalization's 1/std). */
  channelScale?: Float32Array;
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
    node: r.id, kernel: 'gradientCopy', overrides: { ACCUMULATE: g.accumulate, HAS_CHANNEL_SCALE: !!g.channelScale },
    // Both views' own offsets ride on the channel offsets (the kernel indexes from the buffers' starts).
    bindings: { src: offsetView(g.src), channelScale: g.channelScale ? b.lowering.constant(g.channelScale) : { kind: 'none' }, out: offsetView(g.out) },
    params: {
      N, RH, RW, RC, srcH: sH, srcW: sW, srcC: sC, srcY, srcX, srcOffsetC: srcOffsetC + g.src.offset,
      outH: oH, outW: oW, outC: oC, outY, outX, outOffsetC: outOffsetC + g.out.offset, scale: g.scale ?? 1,
    },
    workgroups: groupsOf(N * RH * RW * RC),
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
  // The axis among gradient-copy's N×H×W×C (nhwc): rank 3 is H, W, C; rank 2 W, C; rank 1 C.
  const at = 3 - rank + axis;
  if (rank > 3 || at < 1) throw new OpError(`Concatenate of ${formatShape(r.shape!)} along axis ${a.axis} cannot be trained on the GPU: its kernels take up to 3 axes besides the batch`, 'Flatten or Reshape the inputs first');
  const dy = b.gradOut(r.id);
  let offset = 0;
  for (const id of r.inputs) {
    const size = b.node(id).shape![axis - 1];
    if (b.needsGrad(id)) {
      const to = b.gradIn(id);
      const [, H, W, C] = nhwc(to.view);
      const srcAt: [number, number, number] = [0, 0, 0];
      srcAt[at - 1] = offset;
      copyGradient(r, b, { src: dy, out: to.view, accumulate: to.accumulate, size: [H, W, C], srcAt });
    }
    offset += size;
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
    bindings: { src: view(dy), channelScale: { kind: 'none' }, out: view(to.view) },
    params: {
      N: dy.shape[0], RH: H, RW: W, RC: C, srcH: H, srcW: W, srcC: C, srcY: 0, srcX: 0, srcOffsetC: 0,
      outH: to.view.shape[1], outW: to.view.shape[2], outC: C, outY: top, outX: left, outOffsetC: 0, scale: 1,
    },
    workgroups: groupsOf(elements(dy)),
  });
}

export function pad2dBackward(r: NodeReport, b: BackwardContext): void {
  if (!b.needsGrad(r.inputs[0])) return;
  const a = attrsOf<Pad2DAttrs>(r);
  const to = b.gradIn(r.inputs[0]);
  const [N, H, W, C] = to.view.shape;
  const [OH, OW] = r.shape!;
  b.lowering.step({
    node: r.id, kernel: 'pad2dBackward', overrides: { MODE: PAD_MODES.indexOf(a.mode), ACCUMULATE: to.accumulate },
    bindings: { dy: view(b.gradOut(r.id)), dx: view(to.view) },
    params: { N, H, W, C, OH, OW, top: a.padding[0][0], left: a.padding[1][0] },
    workgroups: groupsOf(elements(to.view)),
  });
}

export function channelShuffleBackward(r: NodeReport, b: BackwardContext): void {
  if (!b.needsGrad(r.inputs[0])) return;
  const C = r.shape!.at(-1)!;
  const to = b.gradIn(r.inputs[0]);
  const dy = b.gradOut(r.id);
  // Adding to a gradient already there: shuffle into a scratch first, then add it.
  const out = to.accumulate ? b.lowering.contiguous(`${r.id}/shuffled`, r.shape!) : to.view;
  const pixels = elements(dy) / C;
  // Output channel c = j·g + i read input channel i·(C/g) + j: the inverse is the shuffle with C/g groups.
  b.lowering.step({
    node: r.id, kernel: 'channelShuffle', overrides: {},
    bindings: { x: view(dy), y: view(out) },
    params: { pixels, C, G: C / attrsOf<ChannelShuffleAttrs>(r).groups, xStride: C, xOffset: 0, yStride: C, yOffset: 0 },
    workgroups: groupsOf(elements(dy)),
  });
  if (to.accumulate) copyGradient(r, b, { src: flat(out), out: flat(to.view), accumulate: true });
}

export function channelSliceBackward(r: NodeReport, b: BackwardContext): void {
  if (!b.needsGrad(r.inputs[0])) return;
  const { start } = attrsOf<ChannelSliceAttrs>(r);
  const to = b.gradIn(r.inputs[0]);
  const dy = b.gradOut(r.id);
  // Every position of any rank as one row of P pixels: K channels of dy into C of dx, at `start`.
  const K = dy.shape.at(-1)!, C = to.view.shape.at(-1)!, P = elements(dy) / K;
  // The channels left out get no gradient: a fresh dx is zeroed first, then dy added.
  b.lowering.step({
    node: r.id, kernel: 'gradientCopy', overrides: { ACCUMULATE: true }, ...(to.accumulate ? {} : { clear: to.view }),
    bindings: { src: offsetView(dy), channelScale: { kind: 'none' }, out: offsetView(to.view) },
    params: {
      N: 1, RH: 1, RW: P, RC: K, srcH: 1, srcW: P, srcC: K, srcY: 0, srcX: 0, srcOffsetC: dy.offset,
      outH: 1, outW: P, outC: C, outY: 0, outX: 0, outOffsetC: start + to.view.offset, scale: 1,
    },
    workgroups: groupsOf(P * K),
  });
}
