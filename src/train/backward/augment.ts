// The image augmentation ops (RandomFlip, RandomTranslation, RandomCrop) as a training step runs them:
// forward, each sample's transform drawn from the step's state (shaders/resample2d.wgsl); backward, dy
// gathered back along the same taps (shaders/train/resample2d-backward.wgsl) — usually nothing upstream
// learns and no backward step is made (lower-training.ts), but the gradient w.r.t. the input is there.
import type { NodeReport } from '../../graph/analyze.ts';
import type { LoweringContext } from '../../compile/context.ts';
import { lowerResample, resampleParams, SAMPLINGS } from '../../compile/ops/resample.ts';
import type { Binding } from '../../compile/plan.ts';
import { elements, groupsOf, view, type BackwardContext } from './context.ts';

/** The forward lowering of the augmentation ops in training. */
export function trainingAugmentation(state: Binding) {
  return (r: NodeReport, ctx: LoweringContext): void => lowerResample(r, ctx, true, state);
}

export function augmentationBackward(r: NodeReport, b: BackwardContext): void {
  if (!b.needsGrad(r.inputs[0])) return;
  const input = b.node(r.inputs[0]).shape!;
  const shape = [b.batch, ...input];
  const { overrides, params } = resampleParams(r, SAMPLINGS[r.op](r, input, true), shape);
  const to = b.gradIn(r.inputs[0]);
  b.lowering.step({
    node: r.id, kernel: 'resample2dBackward', overrides: { ...overrides, ACCUMULATE: to.accumulate },
    bindings: { dy: view(b.gradOut(r.id)), state: b.state, dx: view(to.view) },
    params: { ...params, xStride: 0, xOffset: 0, yStride: 0, yOffset: 0 },
    workgroups: groupsOf(elements(to.view)),
  });
}
