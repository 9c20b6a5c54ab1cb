import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../graph/analyze.ts';
import { tensor } from '../tensor.ts';
import { resolveAttrs } from './attrs.ts';
import { ChannelShuffle } from './channel-shuffle.ts';
import { findOp } from './index.ts';

const attrs = (groups: number) => resolveAttrs(ChannelShuffle, { groups }).attrs as any;

describe('ChannelShuffle', () => {
  it('is in the registry', () => {
    expect(findOp('channelshuffle')).toBe(ChannelShuffle);
  });

  it("interleaves the groups (hand-checked, PyTorch's nn.ChannelShuffle(2) of 0…5 is 0 3 1 4 2 5), per pixel", () => {
    const x = tensor([1, 1, 2, 6], [0, 1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15]);
    expect([...ChannelShuffle.reference([x], {}, attrs(2)).data]).toEqual([0, 3, 1, 4, 2, 5, 10, 13, 11, 14, 12, 15]);
    expect([...ChannelShuffle.reference([x], {}, attrs(3)).data]).toEqual([0, 2, 4, 1, 3, 5, 10, 12, 14, 11, 13, 15]);
  });

  it('1 group and C groups are the identity; g then C/g groups undo each other', () => {
    const x = tensor([2, 6], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect([...ChannelShuffle.reference([x], {}, attrs(1)).data]).toEqual([...x.data]);
    expect([...ChannelShuffle.reference([x], {}, attrs(6)).data]).toEqual([...x.data]);
    expect([...ChannelShuffle.reference([ChannelShuffle.reference([x], {}, attrs(2))], {}, attrs(3)).data]).toEqual([...x.data]);
  });

  it('keeps the shape, has no weights and no FLOPs (data movement)', () => {
    const report = analyzeGraph({
      format: 'deepwire-graph', version: 1, outputs: ['s'],
      nodes: [{ id: 'x', op: 'Input', attrs: { shape: [7, 7, 24] } }, { id: 's', op: 'ChannelShuffle', attrs: { groups: 3 }, inputs: ['x'] }],
    });
    expect(report.ok).toBe(true);
    expect(report.byId.get('s')).toMatchObject({ shape: [7, 7, 24], weights: [], params: { trainable: 0, nonTrainable: 0 }, flops: 0 });
  });

  it('names the channels groups must divide, and a scalar', () => {
    expect(() => ChannelShuffle.inferShape([[7, 7, 24]], attrs(5))).toThrow('ChannelShuffle groups=5 must divide the 24 channels of the 7×7×24 input');
    expect(() => ChannelShuffle.inferShape([[]], attrs(2))).toThrow('ChannelShuffle needs an input with a channel axis');
  });
});
