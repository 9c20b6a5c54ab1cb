// ChannelShuffle: a gather of channels per pixel (shaders/channel-shuffle.wgsl), reading and writing
// channel views, so it can read a concat slice and write into one (ShuffleNet's units do both).
import type { NodeReport } from '../../graph/analyze.ts';
import type { ChannelShuffleAttrs } from '../../ops/channel-shuffle.ts';
import { attrsOf, type LoweringContext } from '../context.ts';
import { pixelView } from '../plan.ts';

export function lowerChannelShuffle(r: NodeReport, ctx: LoweringContext): void {
  const x = ctx.pixels(r.id, ctx.input(r.inputs[0])), yv = ctx.output(r), y = pixelView(yv)!;
  ctx.step({
    node: r.id, kernel: 'channelShuffle', overrides: {},
    bindings: { x: x.binding, y: { kind: 'view', view: yv } },
    params: { pixels: x.pixels, C: x.channels, G: attrsOf<ChannelShuffleAttrs>(r).groups, xStride: x.stride, xOffset: x.offset, yStride: y.stride, yOffset: y.offset },
    workgroups: Math.ceil((x.pixels * x.channels) / 64),
  });
}
