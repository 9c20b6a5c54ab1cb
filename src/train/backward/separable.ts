// Backward of SeparableConv2D as its forward runs it (src/compile/ops/conv.ts): the pointwise half, a
// 1×1 Conv2D with the bias over the depthwise half's output (kept by the forward pass under
// separableDepthwiseId), then the depthwise half, a DepthwiseConv2D without bias, from that output's
// gradient — both by the conv family's own backward (conv.ts), through a context that names the
// depthwise output as the pointwise half's input and maps the weights' names.
import type { NodeReport } from '../../graph/analyze.ts';
import { attrsOf } from '../../compile/context.ts';
import { separableDepthwiseId } from '../../compile/ops/conv.ts';
import type { SeparableConv2DAttrs } from '../../ops/separable-conv2d.ts';
import type { BackwardContext } from './context.ts';
import { convBackward } from './conv.ts';
import { isFrozen } from './normalization.ts';

/** `b` with some of its members replaced (its own left as they are, whatever kind of object it is). */
const derive = (b: BackwardContext, overrides: Partial<BackwardContext>): BackwardContext => Object.assign(Object.create(b) as BackwardContext, overrides);

export function separableConv2dBackward(r: NodeReport, b: BackwardContext): void {
  const a = attrsOf<SeparableConv2DAttrs>(r);
  const midId = separableDepthwiseId(r.id);
  const mid = b.forward(midId);
  // The depthwise output's gradient is wanted where the input's or the depthwise kernel's is.
  const depthwiseLearns = !isFrozen(r) && r.weights.some((w) => w.name === 'depthwise_kernel' && w.trainable);
  const needMid = b.needsGrad(r.inputs[0]) || depthwiseLearns;
  const midGrad = needMid ? b.lowering.contiguous(`${midId}/gradient`, mid.shape.slice(1)) : null;
  const pointwiseName = (name: string) => (name === 'kernel' ? 'pointwise_kernel' : name);
  convBackward(
    {
      ...r, op: 'Conv2D', inputs: [midId],
      attrs: { filters: a.filters, kernel_size: [1, 1], strides: [1, 1], padding: 'valid', dilation_rate: [1, 1], groups: 1, use_bias: a.use_bias, activation: 'linear' },
    },
    derive(b, {
      needsGrad: (id) => (id === midId ? needMid : b.needsGrad(id)),
      gradIn: (id) => (id === midId ? { view: midGrad!, accumulate: false } : b.gradIn(id)),
      weight: (id, name) => b.weight(id, pointwiseName(name)),
      weightData: (id, name) => b.weightData(id, pointwiseName(name)),
      weightGrad: (id, name) => b.weightGrad(id, pointwiseName(name)),
    }),
  );
  if (!midGrad) return;
  convBackward(
    {
      ...r, op: 'DepthwiseConv2D',
      attrs: { kernel_size: a.kernel_size, strides: a.strides, padding: a.padding, dilation_rate: a.dilation_rate, depth_multiplier: a.depth_multiplier, use_bias: false, activation: 'linear' },
    },
    derive(b, { gradOut: (id) => (id === r.id ? midGrad : b.gradOut(id)) }),
  );
}
