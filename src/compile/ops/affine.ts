// Per-channel y = ACT(x·scale + shift) (shaders/affine.wgsl): BatchNormalization at inference (its
// statistics folded into scale and shift; folded into the conv before it where fusion.ts can),
// Normalization, Rescaling, and the activation layers (scale 1, shift 0), softmax aside.
import type { NodeReport } from '../../graph/analyze.ts';
import type { BatchNormalizationAttrs } from '../../ops/batch-normalization.ts';
import type { NormalizationAttrs } from '../../ops/normalization.ts';
import type { RescalingAttrs } from '../../ops/rescaling.ts';
import { activationOf, activationOverrides, LINEAR, type ActivationCode } from '../activation-codes.ts';
import { attrsOf, type LoweringContext } from '../context.ts';
import { pixelView, type Binding } from '../plan.ts';
import { channelSoftmax } from './softmax.ts';

/** BatchNormalization's inference transform as a per-channel scale and shift. */
export function bnScaleShift(bn: NodeReport, ctx: LoweringContext): { scale: Float32Array; shift: Float32Array } {
  const a = attrsOf<BatchNormalizationAttrs>(bn);
  const w = ctx.weights(bn.id);
  const mean = w.moving_mean.data, variance = w.moving_variance.data;
  const C = mean.length;
  const scale = new Float32Array(C), shift = new Float32Array(C);
  for (let c = 0; c < C; c++) {
    const s = (a.scale ? w.gamma.data[c] : 1) / Math.sqrt(variance[c] + a.epsilon);
    scale[c] = s;
    shift[c] = (a.center ? w.beta.data[c] : 0) - mean[c] * s;
  }
  return { scale, shift };
}

/** A BatchNormalization's, Normalization's or Rescaling's per-channel transform, y = x·scale + shift. */
export function affineScaleShift(r: NodeReport, ctx: LoweringContext): { scale: Float32Array; shift: Float32Array } {
  const C = r.shape!.at(-1)!;
  if (r.op === 'BatchNormalization') return bnScaleShift(r, ctx);
  if (r.op === 'Rescaling') {
    const a = attrsOf<RescalingAttrs>(r);
    return { scale: new Float32Array(C).fill(a.scale), shift: new Float32Array(C).fill(a.offset) };
  }
  if (r.op !== 'Normalization') throw new Error(`internal: ${r.id}: ${r.op} is not a per-channel affine op`);
  const a = attrsOf<NormalizationAttrs>(r);
  // Adapted statistics are attrs; learnt ones (an imported model) are weights.
  const w = ctx.weights(r.id);
  const mean = a.mean ?? w.mean?.data, variance = a.variance ?? w.variance?.data;
  const at = (arr: ArrayLike<number>, c: number) => (arr.length === 1 ? arr[0] : arr[c]);
  const scale = new Float32Array(C), shift = new Float32Array(C);
  for (let c = 0; c < C; c++) {
    const std = Math.max(Math.sqrt(at(variance, c)), 1e-7);
    [scale[c], shift[c]] = a.invert ? [std, at(mean, c)] : [1 / std, -at(mean, c) / std];
  }
  return { scale, shift };
}

/** BatchNormalization, Normalization and Rescaling, where fusion.ts folded them into no conv. */
export function lowerAffine(r: NodeReport, ctx: LoweringContext): void {
  const { scale, shift } = affineScaleShift(r, ctx);
  affine(r, ctx, scale, shift, LINEAR);
}

/** Activation, ReLU, LeakyReLU: an affine step with scale 1, shift 0 and the activation; softmax has its own kernel. */
export function lowerActivation(r: NodeReport, ctx: LoweringContext): void {
  const code = activationOf(r);
  if (!code) return channelSoftmax(r, ctx);
  const C = r.shape!.at(-1)!;
  affine(r, ctx, new Float32Array(C).fill(1), new Float32Array(C), code);
}

function affine(r: NodeReport, ctx: LoweringContext, scale: Float32Array, shift: Float32Array, own: ActivationCode): void {
  // An activation right after a BatchNormalization (DenseNet's pre-activation) runs in this step (fusion.ts).
  const postId = ctx.fusion.affineActivations.get(r.id);
  const post = postId ? ctx.node(postId) : null;
  const act = post ? activationOf(post)! : own;
  const x = ctx.pixels(r.id, ctx.input(r.inputs[0]));
  const yv = ctx.output(post ?? r);
  const y = pixelView(yv)!;
  const vec4 = [x.channels, x.stride, x.offset, y.stride, y.offset].every((n) => n % 4 === 0);
  const scaleBinding = ctx.constant(scale), shiftBinding = ctx.constant(shift), out: Binding = { kind: 'view', view: yv };
  ctx.step({
    node: r.id, fused: post ? [post.id] : [], kernel: 'affine', overrides: { ...activationOverrides('ACT', act), VEC4: vec4 },
    // The same buffers again as vec4 arrays, for the 4-channels-a-load path.
    bindings: { x: x.binding, scale: scaleBinding, shift: shiftBinding, y4: out, x4: x.binding, scale4: scaleBinding, shift4: shiftBinding },
    params: { pixels: x.pixels, C: x.channels, xStride: x.stride, xOffset: x.offset, yStride: y.stride, yOffset: y.offset },
    workgroups: Math.ceil((x.pixels * x.channels) / (vec4 ? 256 : 64)),
  });
}
