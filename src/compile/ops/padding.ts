// ZeroPadding2D (a copy into the interior of a zeroed output; folded into a conv or pool where
// fusion.ts can), Cropping2D (a copy of a window) and Pad2D (constant, reflect, edge: shaders/pad2d.wgsl).
import type { NodeReport } from '../../graph/analyze.ts';
import type { Cropping2DAttrs } from '../../ops/cropping2d.ts';
import { PAD_MODES, type Pad2DAttrs } from '../../ops/pad2d.ts';
import type { ZeroPadding2DAttrs } from '../../ops/zero-padding2d.ts';
import { attrsOf, type LoweringContext } from '../context.ts';
import type { View } from '../plan.ts';
import { copy } from './elementwise.ts';

export function lowerZeroPadding2D(r: NodeReport, ctx: LoweringContext): void {
  const [[top], [left]] = attrsOf<ZeroPadding2DAttrs>(r).padding as [[number, number], [number, number]];
  const x = ctx.input(r.inputs[0]);
  const y = ctx.output(r);
  const interior: View = { ...y, offset: y.offset + top * y.strides[1] + left * y.strides[2], shape: x.shape };
  copy(ctx, r.id, x, interior, y);
}

export function lowerCropping2D(r: NodeReport, ctx: LoweringContext): void {
  const [[top], [left]] = attrsOf<Cropping2DAttrs>(r).cropping as [[number, number], [number, number]];
  const x = ctx.input(r.inputs[0]);
  const window: View = { ...x, offset: x.offset + top * x.strides[1] + left * x.strides[2], shape: [ctx.batch, ...r.shape!] };
  copy(ctx, r.id, window, ctx.output(r));
}

export function lowerPad2D(r: NodeReport, ctx: LoweringContext): void {
  const a = attrsOf<Pad2DAttrs>(r);
  const x = ctx.pixels(r.id, ctx.input(r.inputs[0])), yv = ctx.output(r);
  const [N, H, W, C] = x.view.shape, [OH, OW] = r.shape!;
  ctx.step({
    node: r.id, kernel: 'pad2d', overrides: { MODE: PAD_MODES.indexOf(a.mode) },
    bindings: { x: x.binding, y: { kind: 'view', view: yv } },
    params: { N, H, W, C, xStride: x.stride, xOffset: x.offset, OH, OW, top: a.padding[0][0], left: a.padding[1][0], yOffset: yv.offset, value: a.constant_value },
    workgroups: Math.ceil((N * OH * OW * C) / 64),
  });
}
