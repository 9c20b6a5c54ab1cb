// BatchNormalization and Dropout as a training step runs them. Forward: batch statistics
// (batch-norm-statistics.wgsl) then the affine map with them (affine.wgsl), moving statistics updated
// in place; Dropout's mask (dropout.wgsl). A frozen BatchNormalization (trainable = false) runs in
// inference mode, as Keras 3 does, and its backward is dy·γ/sqrt(moving variance + ε). Normalization
// and Rescaling learn nothing: their gradient is dy times the affine map's scale (gradient-copy.wgsl).
import type { NodeReport } from '../../graph/analyze.ts';
import { attrsOf, type LoweringContext } from '../../compile/context.ts';
import { bnScaleShift, lowerAffine } from '../../compile/ops/affine.ts';
import { pixelView, type Binding, type View } from '../../compile/plan.ts';
import type { BatchNormalizationAttrs } from '../../ops/batch-normalization.ts';
import type { DropoutAttrs } from '../../ops/dropout.ts';
import type { LayerNormalizationAttrs } from '../../ops/layer-normalization.ts';
import type { NormalizationAttrs } from '../../ops/normalization.ts';
import type { RescalingAttrs } from '../../ops/rescaling.ts';
import { nodeSalt } from '../dropout-mask.ts';
import { copyGradient } from './routing.ts';
import { elements, groupsOf, offsetView, view, type BackwardContext } from './context.ts';

export const isFrozen = (r: NodeReport) => r.attrs.trainable === false;

/** A training BatchNormalization's batch statistics: [mean, 1/σ] per channel, and the scale γ/σ. */
export interface BatchStatistics {
  stats: View;
  scale: View;
}

/** The forward lowering of BatchNormalization in training; `statistics` receives each node's buffers. */
export function trainingBatchNormalization(statistics: Map<string, BatchStatistics>) {
  return (r: NodeReport, ctx: LoweringContext): void => {
    if (isFrozen(r)) return lowerAffine(r, ctx);
    const a = attrsOf<BatchNormalizationAttrs>(r);
    const w = ctx.weights(r.id);
    const x = ctx.pixels(r.id, ctx.input(r.inputs[0]));
    const C = x.channels;
    const stats = ctx.scratch(r.id, 2 * C), scale = ctx.scratch(r.id, C), shift = ctx.scratch(r.id, C);
    statistics.set(r.id, { stats, scale });
    const none: Binding = { kind: 'none' };
    ctx.step({
      node: r.id, kernel: 'batchNormStatistics', overrides: { HAS_GAMMA: a.scale, HAS_BETA: a.center },
      bindings: {
        x: offsetView(x.view), gamma: a.scale ? ctx.constant(w.gamma.data) : none, beta: a.center ? ctx.constant(w.beta.data) : none,
        movingMean: ctx.constant(w.moving_mean.data), movingVariance: ctx.constant(w.moving_variance.data),
        stats: view(stats), scale: view(scale), shift: view(shift),
      },
      params: { pixels: x.pixels, C, xStride: x.stride, xOffset: x.offset, epsilon: a.epsilon, momentum: a.momentum },
      workgroups: groupsOf(C),
    });
    const yv = ctx.output(r);
    const y = pixelView(yv)!;
    ctx.step({
      node: r.id, kernel: 'affine', overrides: { VEC4: false },
      // y may be a channel slice of a Concatenate: the kernel takes its offset and stride.
      bindings: { x: x.binding, scale: view(scale), shift: view(shift), y4: offsetView(yv), x4: x.binding, scale4: view(scale), shift4: view(shift) },
      params: { pixels: x.pixels, C, xStride: x.stride, xOffset: x.offset, yStride: y.stride, yOffset: y.offset },
      workgroups: groupsOf(x.pixels * C),
    });
  };
}

export function batchNormalizationBackward(r: NodeReport, b: BackwardContext): void {
  const a = attrsOf<BatchNormalizationAttrs>(r);
  const l = b.lowering;
  const xv = b.forward(r.inputs[0]);
  const x = pixelView(xv)!;
  const C = x.channels;
  const dy = b.gradOut(r.id);
  const geometry = { pixels: x.pixels, C, xStride: x.stride, xOffset: x.offset };
  let stats: Binding, scale: Binding, sums: Binding;
  const trained = b.bnStats.get(r.id);
  if (trained) {
    const s = l.scratch(r.id, 2 * C);
    l.step({
      node: r.id, kernel: 'normalizationBackwardSums', overrides: {},
      bindings: { dy: view(dy), x: offsetView(xv), stats: view(trained.stats), sums: view(s) }, params: geometry, workgroups: groupsOf(C),
    });
    const row = (v: View, offset = 0): View => ({ ...v, offset: v.offset + offset, shape: [1, C], strides: [C, 1] });
    const gammaGrad = a.scale ? b.weightGrad(r.id, 'gamma') : null;
    const betaGrad = a.center ? b.weightGrad(r.id, 'beta') : null;
    if (gammaGrad) copyGradient(r, b, { src: row(s, C), out: row(gammaGrad), accumulate: false });
    if (betaGrad) copyGradient(r, b, { src: row(s), out: row(betaGrad), accumulate: false });
    stats = view(trained.stats);
    scale = view(trained.scale);
    sums = view(s);
  } else {
    // Inference mode: mean = 0, 1/σ = 0 and no sums reduce the kernel to dx = scale·dy.
    stats = l.constant(new Float32Array(2 * C));
    scale = l.constant(bnScaleShift(r, l).scale);
    sums = l.constant(new Float32Array(2 * C));
  }
  if (!b.needsGrad(r.inputs[0])) return;
  const to = b.gradIn(r.inputs[0]);
  l.step({
    node: r.id, kernel: 'batchNormBackwardInput', overrides: { ACCUMULATE: to.accumulate },
    bindings: { dy: view(dy), x: offsetView(xv), stats, scale, sums, dx: view(to.view) }, params: geometry, workgroups: groupsOf(x.pixels * C),
  });
}

/**
 * LayerNormalization: the rows' statistics recomputed from the kept input, with dx where the input
 * takes a gradient (layer-norm-backward-rows.wgsl); then Σ dy and Σ dy·x̂ per channel for β and γ
 * (normalization-backward-sums.wgsl with ROW_STATISTICS), unless the layer is frozen. Its forward is the same in training.
 */
export function layerNormalizationBackward(r: NodeReport, b: BackwardContext): void {
  const a = attrsOf<LayerNormalizationAttrs>(r);
  const l = b.lowering;
  const xv = b.forward(r.inputs[0]);
  const x = pixelView(xv)!;
  const C = x.channels;
  const gammaGrad = a.scale ? b.weightGrad(r.id, 'gamma') : null;
  const betaGrad = a.center ? b.weightGrad(r.id, 'beta') : null;
  const inputGrad = b.needsGrad(r.inputs[0]);
  if (!inputGrad && !gammaGrad && !betaGrad) return;
  const dy = b.gradOut(r.id);
  const stats = l.scratch(r.id, 2 * x.pixels);
  const to = inputGrad ? b.gradIn(r.inputs[0]) : null;
  l.step({
    node: r.id, kernel: 'layerNormBackwardRows', overrides: { HAS_GAMMA: a.scale, HAS_DX: to !== null, ACCUMULATE: to?.accumulate ?? false },
    bindings: {
      dy: view(dy), x: offsetView(xv), gamma: a.scale ? b.weight(r.id, 'gamma') : { kind: 'none' },
      stats: view(stats), dx: to ? view(to.view) : { kind: 'none' },
    },
    params: { rows: x.pixels, C, xStride: x.stride, xOffset: x.offset, epsilon: a.epsilon }, workgroups: groupsOf(x.pixels),
  });
  if (!gammaGrad && !betaGrad) return;
  const sums = l.scratch(r.id, 2 * C);
  l.step({
    node: r.id, kernel: 'normalizationBackwardSums', overrides: { ROW_STATISTICS: true },
    bindings: { dy: view(dy), x: offsetView(xv), stats: view(stats), sums: view(sums) },
    params: { pixels: x.pixels, C, xStride: x.stride, xOffset: x.offset }, workgroups: groupsOf(C),
  });
  const row = (v: View, offset = 0): View => ({ ...v, offset: v.offset + offset, shape: [1, C], strides: [C, 1] });
  if (gammaGrad) copyGradient(r, b, { src: row(sums, C), out: row(gammaGrad), accumulate: false });
  if (betaGrad) copyGradient(r, b, { src: row(sums), out: row(betaGrad), accumulate: false });
}

/** The forward lowering of Dropout in training: the mask of this step (dropout.wgsl). */
export function trainingDropout(state: Binding) {
  return (r: NodeReport, ctx: LoweringContext): void => {
    const rate = attrsOf<DropoutAttrs>(r).rate;
    const x = ctx.pixels(r.id, ctx.input(r.inputs[0]));
    const yv = ctx.output(r);
    const count = elements(yv);
    ctx.step({
      node: r.id, kernel: 'dropout', overrides: {}, bindings: { src: offsetView(x.view), state, out: view(yv) },
      params: { count, C: x.channels, srcStride: x.stride, srcOffset: x.offset, salt: nodeSalt(r.id), rate }, workgroups: groupsOf(count),
    });
  };
}

export function dropoutBackward(r: NodeReport, b: BackwardContext): void {
  if (!b.needsGrad(r.inputs[0])) return;
  const to = b.gradIn(r.inputs[0]);
  const count = elements(to.view);
  b.lowering.step({
    node: r.id, kernel: 'dropout', overrides: { ACCUMULATE: to.accumulate },
    bindings: { src: view(b.gradOut(r.id)), state: b.state, out: view(to.view) },
    params: { count, C: count, srcStride: count, srcOffset: 0, salt: nodeSalt(r.id), rate: attrsOf<DropoutAttrs>(r).rate }, workgroups: groupsOf(count),
  });
}

/** Rescaling: dx = dy·scale. */
export function rescalingBackward(r: NodeReport, b: BackwardContext): void {
  if (!b.needsGrad(r.inputs[0])) return;
  const to = b.gradIn(r.inputs[0]);
  copyGradient(r, b, { src: flatRow(b.gradOut(r.id)), out: flatRow(to.view), accumulate: to.accumulate, scale: attrsOf<RescalingAttrs>(r).scale });
}

/** Normalization: dx = dy / std per channel (dy·std inverted), its statistics fixed (attrs, or non-trainable weights). */
export function normalizationBackward(r: NodeReport, b: BackwardContext): void {
  if (!b.needsGrad(r.inputs[0])) return;
  const a = attrsOf<NormalizationAttrs>(r);
  const variance = a.variance ?? b.lowering.weights(r.id).variance.data;
  const C = r.shape!.at(-1)!;
  // As the forward (src/compile/ops/affine.ts lowerNormalization): std floored at 1e-7, one value or one per channel.
  const channelScale = Float32Array.from({ length: C }, (_, c) => {
    const std = Math.max(Math.sqrt(variance.length === 1 ? variance[0] : variance[c]), 1e-7);
    return a.invert ? std : 1 / std;
  });
  const to = b.gradIn(r.inputs[0]);
  const dy = b.gradOut(r.id);
  const rows = (v: View): View => ({ ...v, shape: [elements(v) / C, C], strides: [C, 1] });
  copyGradient(r, b, { src: rows(dy), out: rows(to.view), accumulate: to.accumulate, channelScale });
}

/** A contiguous tensor as one row of values. */
const flatRow = (v: View): View => ({ ...v, shape: [1, elements(v)], strides: [elements(v), 1] });
