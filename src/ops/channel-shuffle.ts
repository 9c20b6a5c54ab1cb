// ChannelShuffle: ShuffleNet's channel shuffle over the last (channel) axis. With g groups of C/g
// channels, output channel c = j·g + i reads input channel i·(C/g) + j: the groups interleave.
// Keras has no such layer; PyTorch writes it as Reshape(N, g, C/g, H, W) → Transpose(0, 2, 1, 3, 4)
// → Reshape(N, C, H, W), which the ONNX import turns into this op. Kernel: shaders/channel-shuffle.wgsl.
import { formatShape, tensor } from '../tensor.ts';
import { defineOp, OpError } from './op.ts';

export interface ChannelShuffleAttrs {
  groups: number;
}

/** The input channel that output channel c reads, of C in g groups. */
export function shuffleSource(c: number, C: number, g: number): number {
  return (c % g) * (C / g) + Math.floor(c / g);
}

export const ChannelShuffle = defineOp<ChannelShuffleAttrs>({
  type: 'ChannelShuffle',
  category: 'Core',
  summary: "Interleaves g groups of channels (ShuffleNet's channel shuffle; deepwire op, Keras has none)",
  attrs: {
    groups: { kind: 'int', default: 2, min: 1, doc: 'g: channel c·g + i of the output is channel i·(C/g) + c of the input' },
  },
  arity: { min: 1, max: 1 },
  field: () => 'pointwise',

  inferShape([x], a) {
    if (x.length === 0) throw new OpError(`ChannelShuffle needs an input with a channel axis, got ${formatShape(x)}`);
    const C = x[x.length - 1];
    if (C % a.groups !== 0)
      throw new OpError(`ChannelShuffle groups=${a.groups} must divide the ${C} channels of the ${formatShape(x)} input`,
        `pick groups among the divisors of ${C}`);
    return x;
  },

  flops: () => 0,

  reference([x], _weights, a) {
    const C = x.shape[x.shape.length - 1];
    const y = tensor(x.shape);
    for (let p = 0; p < x.data.length / C; p++)
      for (let c = 0; c < C; c++) y.data[p * C + c] = x.data[p * C + shuffleSource(c, C, a.groups)];
    return y;
  },

  backward([x], _weights, a, dy) {
    const C = x.shape[x.shape.length - 1];
    const dx = tensor(x.shape);
    for (let p = 0; p < x.data.length / C; p++)
      for (let c = 0; c < C; c++) dx.data[p * C + shuffleSource(c, C, a.groups)] = dy.data[p * C + c];
    return { inputs: [dx], weights: {} };
  },

  gpu: { writesConcatSlice: true, exact: true },
});
