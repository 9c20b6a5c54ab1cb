// Dot of two vectors or matrices per batch item (shaders/dot.wgsl), with Keras' axes and normalize.
import type { NodeReport } from '../../graph/analyze.ts';
import type { DotAttrs } from '../../ops/dot.ts';
import { OpError } from '../../ops/op.ts';
import { sizeOf } from '../../tensor.ts';
import { attrsOf, type LoweringContext } from '../context.ts';
import { isContiguous, type View } from '../plan.ts';

export function lowerDot(r: NodeReport, ctx: LoweringContext): void {
  const a = attrsOf<DotAttrs>(r);
  const [xv0, yv0] = r.inputs.map((i) => ctx.input(i));
  // dot.wgsl addresses its inputs from offset 0: a concat slice (contiguous when the batch is 1) is copied out.
  const own = (v: View) => (isContiguous(v) && v.offset === 0 ? v : ctx.copyContiguous(r.id, v));
  const xv = own(xv0), yv = own(yv0);
  if (xv.shape.length > 3 || yv.shape.length > 3)
    throw new OpError('Dot on WebGPU takes inputs of rank 1 or 2 (besides the batch)', 'Flatten the inputs first, or run with --backend cpu');
  const norm = (ax: number, rank: number) => (ax < 0 ? ax + rank : ax);
  const [ax, ay] = (Array.isArray(a.axes) ? a.axes : [a.axes, a.axes]).map((ax, i) => norm(ax, (i === 0 ? xv : yv).shape.length));
  // X as [N, P, K]: P is x's other axis (size 1 for vectors); Y as [N, K, Q] likewise.
  const other = (v: View, ax: number) => (v.shape.length === 3 ? 3 - ax : -1);
  const ox = other(xv, ax), oy = other(yv, ay);
  const out = ctx.output(r);
  ctx.step({
    node: r.id, kernel: 'dot', overrides: { NORMALIZE: a.normalize },
    bindings: { x: { kind: 'view', view: xv }, yIn: { kind: 'view', view: yv }, out: { kind: 'view', view: out } },
    params: {
      N: ctx.batch, P: ox < 0 ? 1 : xv.shape[ox], Q: oy < 0 ? 1 : yv.shape[oy], K: xv.shape[ax],
      xSN: xv.strides[0], xSP: ox < 0 ? 0 : xv.strides[ox], xSK: xv.strides[ax],
      ySN: yv.strides[0], ySK: yv.strides[ay], ySQ: oy < 0 ? 0 : yv.strides[oy],
    },
    workgroups: Math.ceil(sizeOf(out.shape) / 64),
  });
  if (xv.offset || yv.offset) throw new OpError('internal: Dot inputs must start at offset 0');
}
