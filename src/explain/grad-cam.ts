// Grad-CAM (Selvaraju et al. 2017, "Grad-CAM: Visual Explanations from Deep Networks via Gradient-based
// Localization", eq. 1–2): for a layer's maps A (H×W×K) and a score y, each map's weight is the mean
// over positions of dy/dA_k, and the map is ReLU(Σ_k α_k A_k) — at the layer's resolution, then
// upsampled bilinearly to the photo's.
import { OpError } from '../ops/op.ts';
import type { Tensor } from '../tensor.ts';
import { upsample, type Heatmap } from './heatmap.ts';

export interface GradCam {
  /** α_k, one per channel of the layer. */
  weights: Float64Array;
  /** ReLU(Σ_k α_k A_k) at the layer's H×W. */
  coarse: Heatmap;
}

/** Grad-CAM of a layer's activations and d score/d them, both [1, H, W, K]. */
export function gradCam(activation: Tensor, gradient: Tensor): GradCam {
  if (activation.shape.length !== 4) throw new OpError(`Grad-CAM needs a layer with H×W×C maps; this one outputs ${activation.shape.slice(1).join('×')}`, 'pick a convolutional layer');
  const [, H, W, K] = activation.shape;
  const positions = H * W;
  const weights = new Float64Array(K);
  for (let p = 0; p < positions; p++) for (let k = 0; k < K; k++) weights[k] += gradient.data[p * K + k];
  for (let k = 0; k < K; k++) weights[k] /= positions;
  const data = new Float32Array(positions);
  for (let p = 0; p < positions; p++) {
    let s = 0;
    for (let k = 0; k < K; k++) s += weights[k] * activation.data[p * K + k];
    data[p] = Math.max(0, s);
  }
  return { weights, coarse: { width: W, height: H, data } };
}

/** The Grad-CAM map at the photo's (the Input's) size. */
export const gradCamAt = (cam: GradCam, width: number, height: number): Heatmap => upsample(cam.coarse, width, height);
