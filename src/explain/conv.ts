// A conv value taken apart: Conv2D (strides, dilation, padding, groups), DepthwiseConv2D and
// SeparableConv2D (its depthwise stage per input channel, then the pointwise weight). The window
// arithmetic is the ops' own (src/ops/geometry.ts), the sums the references' (src/ops/conv2d.ts & co.).
import type { Conv2DAttrs } from '../ops/conv2d.ts';
import { depthwiseWindows, type DepthwiseConv2DAttrs } from '../ops/depthwise-conv2d.ts';
import { window2d } from '../ops/geometry.ts';
import type { SeparableConv2DAttrs } from '../ops/separable-conv2d.ts';
import { weight } from '../ops/op.ts';
import { activationStep } from './activation.ts';
import { imageSize, offsetOf } from './position.ts';
import type { ConvExplanation, ConvTerm, ExplainRequest } from './types.ts';

type ConvKind = 'Conv2D' | 'DepthwiseConv2D' | 'SeparableConv2D';

/** Which input channels feed output channel `oc`, and each one's kernel slice: the three ops differ only here. */
interface Layout {
  /** The terms of output channel oc: input channel, the KH×KW kernel slice, and for SeparableConv2D the pointwise step. */
  terms(oc: number): { channel: number; kernel: number[]; pointwise?: { multiplier: number; weight: number } }[];
  OC: number;
}

function layout(op: ConvKind, attrs: Conv2DAttrs & SeparableConv2DAttrs, weights: ExplainRequest['weights'], C: number): Layout {
  const [KH, KW] = attrs.kernel_size;
  const taps = KH * KW;
  if (op === 'Conv2D') {
    const k = weight(weights, 'kernel').data;
    const OC = attrs.filters, CG = C / attrs.groups, OCG = OC / attrs.groups;
    return {
      OC,
      terms: (oc) => {
        const g = Math.floor(oc / OCG);
        return Array.from({ length: CG }, (_, ci) => ({
          channel: g * CG + ci,
          kernel: Array.from({ length: taps }, (_, t) => k[(t * CG + ci) * OC + oc]),
        }));
      },
    };
  }
  const DM = attrs.depth_multiplier;
  const dw = weight(weights, 'depthwise_kernel').data;
  const slice = (c: number, m: number) => Array.from({ length: taps }, (_, t) => dw[(t * C + c) * DM + m]);
  if (op === 'DepthwiseConv2D')
    return { OC: C * DM, terms: (oc) => [{ channel: Math.floor(oc / DM), kernel: slice(Math.floor(oc / DM), oc % DM) }] };
  const pw = weight(weights, 'pointwise_kernel').data, OC = attrs.filters;
  return {
    OC,
    terms: (oc) => Array.from({ length: C * DM }, (_, mid) => ({
      channel: Math.floor(mid / DM),
      kernel: slice(Math.floor(mid / DM), mid % DM),
      pointwise: { multiplier: mid % DM, weight: pw[mid * OC + oc] },
    })),
  };
}

export function explainConv(req: ExplainRequest & { image: number }): ConvExplanation {
  const { node, output, at, image } = req;
  const op = node.op as ConvKind;
  const attrs = node.attrs as unknown as Conv2DAttrs & SeparableConv2DAttrs;
  const input = req.inputs[0];
  const x = input.tensor;
  const [H, W, C] = x.shape.slice(1);
  const [h, w] = op === 'Conv2D'
    ? window2d('Conv2D', [H, W, C], attrs.kernel_size, attrs.strides, attrs.dilation_rate, attrs.padding)
    : depthwiseWindows(op, [H, W, C], attrs as DepthwiseConv2DAttrs);
  const [KH, KW] = attrs.kernel_size, [SH, SW] = attrs.strides, [DH, DW] = attrs.dilation_rate;
  const [oy, ox, oc] = at;
  const rows = Array.from({ length: KH }, (_, ky) => oy * SH - h.padBefore + ky * DH);
  const cols = Array.from({ length: KW }, (_, kx) => ox * SW - w.padBefore + kx * DW);
  const base = image * imageSize(x);
  const patchOf = (c: number) => rows.flatMap((iy) => cols.map((ix) =>
    iy < 0 || iy >= H || ix < 0 || ix >= W ? null : x.data[base + (iy * W + ix) * C + c]));
  const patches = new Map<number, (number | null)[]>();
  const patch = (c: number) => patches.get(c) ?? patches.set(c, patchOf(c)).get(c)!;
  const { OC, terms } = layout(op, attrs, req.weights, C);
  const bias = attrs.use_bias ? weight(req.weights, 'bias').data : null;

  const termsOf = (channel: number): ConvTerm[] => terms(channel).map(({ channel: c, kernel, pointwise }) => {
    const p = patch(c);
    const sum = p.reduce<number>((s, v, t) => s + (v === null ? 0 : v * kernel[t]), 0);
    if (!pointwise) return { channel: c, patch: p, kernel, partial: sum };
    // The depthwise stage is a float32 tensor between the two stages, on the GPU and in the reference.
    const depthwise = Math.fround(sum);
    return { channel: c, patch: p, kernel, partial: depthwise * pointwise.weight, pointwise: { multiplier: pointwise.multiplier, depthwise, weight: pointwise.weight } };
  });
  const preActivationOf = (channel: number) => termsOf(channel).reduce((s, t) => s + t.partial, bias ? bias[channel] : 0);

  const own = termsOf(oc);
  const preActivation = own.reduce((s, t) => s + t.partial, bias ? bias[oc] : 0);
  const activation = activationStep(attrs.activation, preActivation, () => Array.from({ length: OC }, (_, c) => (c === oc ? preActivation : preActivationOf(c))));
  // Σ|patch·kernel| (times |pointwise weight|) + |bias|: what float32 rounding is relative to.
  const magnitude = (t: ConvTerm) => t.patch.reduce<number>((a, v, i) => a + Math.abs((v ?? 0) * t.kernel[i]), 0) * Math.abs(t.pointwise?.weight ?? 1);
  const scale = own.reduce((s, t) => s + magnitude(t), Math.abs(bias?.[oc] ?? 0));
  return {
    kind: 'conv', node: node.id, name: node.name, op, at, image, shape: output.shape.slice(1),
    value: output.data[offsetOf(output, image, at)], total: activation.after, scale,
    input: { id: input.id, name: input.name, shape: x.shape.slice(1) },
    rows, cols, terms: own, bias: bias ? bias[oc] : null, preActivation, activation,
  };
}
