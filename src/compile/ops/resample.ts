// The image augmentation ops on the GPU (shaders/resample2d.wgsl, and its backward in
// shaders/train/resample2d-backward.wgsl): RandomFlip and RandomTranslation are the identity at inference
// (views.ts aliases them); RandomCrop resizes its center window. A training step runs all three with
// each sample's transform drawn from the step's state (src/train/backward/augment.ts). Each op describes
// its sampling once (src/ops/image-sampling.ts Sampling); the reference and these params both read it.
import type { NodeReport } from '../../graph/analyze.ts';
import { FILL_MODES, type Sampling } from '../../ops/image-sampling.ts';
import { randomCropSampling, type RandomCropAttrs } from '../../ops/random-crop.ts';
import { randomFlipSampling, type RandomFlipAttrs } from '../../ops/random-flip.ts';
import { randomTranslationSampling, type RandomTranslationAttrs } from '../../ops/random-translation.ts';
import { nodeSalt } from '../../train/dropout-mask.ts';
import { attrsOf, type LoweringContext } from '../context.ts';
import { pixelView, type Binding } from '../plan.ts';

/** Each augmentation op's sampling of an [H, W, C] input, in a training step or at inference. */
export const SAMPLINGS: Readonly<Record<string, (r: NodeReport, input: readonly number[], training: boolean) => Sampling>> = {
  RandomFlip: (r, input) => randomFlipSampling(attrsOf<RandomFlipAttrs>(r), input),
  RandomTranslation: (r, input) => randomTranslationSampling(attrsOf<RandomTranslationAttrs>(r), input),
  RandomCrop: (r, input, training) => randomCropSampling(attrsOf<RandomCropAttrs>(r), input, training),
};

const RANDOM_CODE = { flip: 1, shift: 2, crop: 3 } as const;

/** The overrides and params (but the x and y layout) of both resample2d kernels for `s`. */
export function resampleParams(r: NodeReport, s: Sampling, [N, H, W, C]: readonly number[]) {
  const random = s.random;
  const [my, mx] = s.fixed;
  const [wy, wx] = s.window;
  return {
    overrides: {
      RANDOM: random ? RANDOM_CODE[random.kind] : 0,
      FLIP_Y: random?.kind === 'flip' && random.y, FLIP_X: random?.kind === 'flip' && random.x,
      BILINEAR: s.interpolation === 'bilinear', FILL: FILL_MODES.indexOf(s.fill),
    },
    params: {
      N, H, W, C, OH: s.out[0], OW: s.out[1], salt: nodeSalt(r.id),
      scaleY: my.scale, offsetY: my.offset, scaleX: mx.scale, offsetX: mx.offset,
      loY: wy.lo, lenY: wy.len, loX: wx.lo, lenX: wx.len,
      lowY: random?.kind === 'shift' ? random.y[0] : 0, highY: random?.kind === 'shift' ? random.y[1] : 0,
      lowX: random?.kind === 'shift' ? random.x[0] : 0, highX: random?.kind === 'shift' ? random.x[1] : 0,
      countY: random?.kind === 'crop' ? random.count[0] : 0, countX: random?.kind === 'crop' ? random.count[1] : 0,
      fillValue: s.fillValue,
    },
  };
}

/** Node r's forward by `s`: training's (state the step's, read for the draws) or RandomCrop's inference resize. */
export function lowerResample(r: NodeReport, ctx: LoweringContext, training: boolean, state: Binding | null): void {
  const xv = ctx.input(r.inputs[0]);
  const x = ctx.pixels(r.id, xv);
  const s = SAMPLINGS[r.op](r, x.view.shape.slice(1), training);
  const { overrides, params } = resampleParams(r, s, x.view.shape);
  const yv = ctx.output(r);
  const y = pixelView(yv)!;
  const count = x.view.shape[0] * s.out[0] * s.out[1] * x.channels;
  ctx.step({
    node: r.id, kernel: 'resample2d', overrides,
    // RANDOM 0 reads no state: any small buffer stands in
    bindings: { x: x.binding, state: state ?? ctx.constant(new Float32Array(4)), y: { kind: 'view', view: yv } },
    params: { ...params, xStride: x.stride, xOffset: x.offset, yStride: y.stride, yOffset: y.offset },
    workgroups: Math.ceil(count / 64),
  });
}

/** RandomCrop at inference: its center window, resized to height × width. */
export function lowerRandomCrop(r: NodeReport, ctx: LoweringContext): void {
  lowerResample(r, ctx, false, null);
}
