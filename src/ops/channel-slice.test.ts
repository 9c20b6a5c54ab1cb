import { describe, expect, it } from 'vitest';
import { tensor } from '../tensor.ts';
import { resolveAttrs } from './attrs.ts';
import { ChannelSlice } from './channel-slice.ts';

const attrs = (raw: Record<string, unknown>) => resolveAttrs(ChannelSlice, raw).attrs as any;

describe('ChannelSlice', () => {
  it('keeps channels start … end − 1 of every pixel, and the gradient goes back to them only', () => {
    // 2 pixels of 4 channels: 0 1 2 3 | 4 5 6 7 → channels 1, 2
    const x = tensor([1, 1, 2, 4], Array.from({ length: 8 }, (_, i) => i));
    const y = ChannelSlice.reference([x], {}, attrs({ start: 1, end: 3 }));
    expect(y.shape).toEqual([1, 1, 2, 2]);
    expect([...y.data]).toEqual([1, 2, 5, 6]);
    const { inputs: [dx] } = ChannelSlice.backward!([x], {}, attrs({ start: 1, end: 3 }), tensor([1, 1, 2, 2], [10, 20, 30, 40]));
    expect([...dx.data]).toEqual([0, 10, 20, 0, 0, 30, 40, 0]);
  });

  it.each([
    [[7, 7, 116], { start: 0, end: 58 }, [7, 7, 58]],
    [[7, 7, 116], { start: 58, end: 116 }, [7, 7, 58]],
    [[10], { start: 3, end: 4 }, [1]],
    [[2, 2, 2, 4], { start: 1, end: 3 }, [2, 2, 2, 2]],
  ])('infers %j %j → %j', (input, raw, want) => {
    expect(ChannelSlice.inferShape([input], attrs(raw))).toEqual(want);
  });

  it.each([
    [{ start: 2, end: 2 }, 'ChannelSlice start=2, end=2 keeps no channel'],
    [{ start: 0, end: 9 }, 'ChannelSlice end=9 is past the 8 channels of the 5×5×8 input'],
  ])('explains %j', (raw, message) => {
    expect(() => ChannelSlice.inferShape([[5, 5, 8]], attrs(raw))).toThrow(message);
  });
});
