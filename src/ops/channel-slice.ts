// ChannelSlice: channels start … end − 1 of the last (channel) axis, as PyTorch's x[:, start:end] and
// ShuffleNetV2's channel split (x.chunk(2, dim=1)). Keras has no such layer (a Lambda does it); ONNX
// writes it as a Slice along the channels, which the import turns into this op. Pure data movement.
import { formatShape, tensor } from '../tensor.ts';
import { defineOp, OpError } from './op.ts';

export interface ChannelSliceAttrs {
  start: number;
  end: number;
}

export const ChannelSlice = defineOp<ChannelSliceAttrs>({
  type: 'ChannelSlice',
  category: 'Core',
  summary: "Keeps channels start … end − 1 (x[..., start:end]; ShuffleNetV2's channel split; deepwire op, Keras has none)",
  attrs: {
    start: { kind: 'int', default: 0, min: 0, doc: 'the first channel kept' },
    end: { kind: 'int', default: 1, min: 1, doc: 'one past the last channel kept' },
  },
  arity: { min: 1, max: 1 },
  field: () => 'pointwise',

  inferShape([x], a) {
    if (x.length === 0) throw new OpError(`ChannelSlice needs an input with a channel axis, got ${formatShape(x)}`);
    const C = x[x.length - 1];
    if (a.end <= a.start) throw new OpError(`ChannelSlice start=${a.start}, end=${a.end} keeps no channel`, `make end greater than start (end is one past the last channel kept)`);
    if (a.end > C) throw new OpError(`ChannelSlice end=${a.end} is past the ${C} channels of the ${formatShape(x)} input`, `pick end ≤ ${C}`);
    return [...x.slice(0, -1), a.end - a.start];
  },

  flops: () => 0,

  reference([x], _weights, a) {
    const C = x.shape[x.shape.length - 1], K = a.end - a.start;
    const y = tensor([...x.shape.slice(0, -1), K]);
    for (let p = 0; p < x.data.length / C; p++) y.data.set(x.data.subarray(p * C + a.start, p * C + a.end), p * K);
    return y;
  },

  backward([x], _weights, a, dy) {
    const C = x.shape[x.shape.length - 1], K = a.end - a.start;
    const dx = tensor(x.shape);
    for (let p = 0; p < x.data.length / C; p++) dx.data.set(dy.data.subarray(p * K, (p + 1) * K), p * C + a.start);
    return { inputs: [dx], weights: {} };
  },

  gpu: { writesConcatSlice: true, exact: true },
});
